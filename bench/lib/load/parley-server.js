/**
 * The Parley server, in a process of its own, started as `parley serve` starts it
 * (`startFromConfig`: engines built and warmed up, then the listener) with the flags it is given
 * (port 0). It reports its URL to the parent over IPC and stops on "stop" or when the parent goes.
 *
 *   fork('parley-server.js', ['--llm-url', url, '--vad', 'silero', '--stt', 'none', '--tts', 'flite'])
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, loadConfig, SETTINGS, startFromConfig } from '@parley/server';

/** Admission limits would refuse the benchmark's sessions (one key, hundreds of sessions, many connections a minute). */
const NO_LIMITS = ['max-sessions', 'max-sessions-per-key', 'connections-per-minute'].filter((flag) => SETTINGS.some((s) => s.flag === flag)).flatMap((flag) => [`--${flag}`, '0']);

// The cwd is this folder, so no parley.config.json of the caller's is read.
const argv = ['--host', '127.0.0.1', '--port', '0', '--log-level', 'error', ...NO_LIMITS, ...process.argv.slice(2)];
const config = loadConfig(argv, {}, dirname(fileURLToPath(import.meta.url)));
const server = await startFromConfig(config, createLogger({ level: config.settings.logLevel, format: 'json' }));
const stop = () => server.close().then(() => process.exit(0));
process.on('message', (message) => {
  if (message === 'stop') stop();
  if (message === 'gc') globalThis.gc?.(), process.send({ type: 'gc-done' });
});
process.on('disconnect', stop);
process.send({ type: 'listening', url: `${server.wsUrl}/v1/realtime` });
