#!/usr/bin/env node
/** The `parley` command. `parley serve` starts the server; `npm start` runs it. */
import { createLogger } from './logger.js';
import { settingsHelp, SettingsError } from './settings.js';
import type { ParleyServer } from './server.js';
import { loadConfig } from './config/load.js';
import { CliFailure } from './cli/cli-failure.js';
import { UsageError } from './cli/flags.js';
import { WarmupDisplay } from './cli/warmup-display.js';
import { warmupLog } from './cli/warmup-log.js';

const USAGE = `Usage: parley <command> [options]

Commands:
  serve     Start the realtime server.
  talk      Talk to a running server from the terminal: type, or send a WAV file.
  models    List the model profiles, from a running server or the config file.
  help      Show this help.

Run "parley <command> --help" for a command's options.`;

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
  // On a terminal the engines' warm-up is drawn in place, and log lines go above it.
  const display = process.stderr.isTTY ? new WarmupDisplay(process.stderr) : null;
  const logger = createLogger({ level: settings.logLevel, format: settings.logFormat ?? undefined, ...(display ? { write: (line: string) => display.print(line) } : {}) });
  // Loaded here, not at the top: `talk` and `models` need none of the engines.
  const { startFromConfig } = await import('./app.js');
  let server: ParleyServer;
  try {
    server = await startFromConfig(config, logger, display ?? warmupLog(logger));
  } finally {
    display?.finish();
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      // A second signal: stop now, without waiting for the answers still being spoken.
      logger.warn(`${signal} received again: closing every session now`);
      void server.close().then(() => process.exit(0));
      return;
    }
    stopping = true;
    const graceMs = settings.shutdownGraceMs;
    logger.info(`${signal} received: taking no new sessions, finishing the responses running (up to ${graceMs} ms), then stopping`, {
      sessions: server.connections,
    });
    void server.drain(graceMs).then(() => {
      logger.info('all sessions closed: stopped');
      process.exit(0);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // A promise rejection nobody handled is a bug; it must not end every other session with the process.
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled promise rejection (a bug in Parley: please report it)', { error: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason) });
  });
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'talk':
      return (await import('./cli/talk/talk-command.js')).talk(rest);
    case 'models':
      return (await import('./cli/models/models-command.js')).models(rest);
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
  if (err instanceof CliFailure) {
    console.error(`parley: ${err.message}`);
    process.exitCode = 1;
    return;
  }
  if (err instanceof SettingsError || err instanceof UsageError) {
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
