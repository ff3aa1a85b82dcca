#!/usr/bin/env node
/** The `parley` command. `parley serve` starts the server; `npm start` runs it. */
import { createLogger } from './logger.js';
import { settingsHelp, SettingsError } from './settings.js';
import { startFromConfig } from './app.js';
import { loadConfig } from './config/load.js';

const USAGE = `Usage: parley <command> [options]

Commands:
  serve     Start the realtime server.

Run "parley serve --help" for the server's options.`;

function serveHelp(): string {
  return `Usage: parley serve [options]

Starts the Parley realtime server. Each option can also be set by the environment
variable beside it; a flag wins over the environment.

Options:
${settingsHelp()}
  --help                                  Show this help.`;
}

async function serve(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(serveHelp());
    return;
  }
  const config = loadConfig(argv, process.env);
  const { settings } = config;
  const logger = createLogger({ level: settings.logLevel, format: settings.logFormat ?? undefined });
  const server = await startFromConfig(config, logger);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: closing sessions and stopping`);
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      console.log(USAGE);
      return;
    default:
      console.error(`Unknown command '${command}'.\n\n${USAGE}`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof SettingsError) {
    console.error(`parley: ${err.message}`);
    process.exitCode = 2;
    return;
  }
  const code = (err as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    console.error(`parley: the port is already in use. Stop the other server or pick another with --port / PARLEY_PORT.`);
    process.exitCode = 1;
    return;
  }
  console.error(err);
  process.exitCode = 1;
});
