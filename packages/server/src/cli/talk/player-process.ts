/**
 * One run of an audio player program. A player that cannot start or ends with an error is
 * reported once, with what it printed, through `onFailure`; one this side kills is not a failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { AudioPlayer } from './audio-players.js';

const STDERR_KEPT_CHARS = 500;

export interface PlayerProcess {
  /** Null for a player that reads a file. */
  readonly stdin: NodeJS.WritableStream | null;
  /** Resolves when the program has ended, however it ended. */
  readonly exited: Promise<void>;
  kill(): void;
}

export function startPlayer(player: AudioPlayer, args: string[], onFailure: (message: string) => void): PlayerProcess {
  const child: ChildProcess = spawn(player.path, args, { stdio: [player.input === 'stdin' ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
  let killed = false;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT_CHARS)));
  // A player that died makes writes fail with EPIPE; its exit says why.
  child.stdin?.on('error', () => {});
  const exited = new Promise<void>((resolve) => {
    child.on('error', (error) => {
      onFailure(`${player.name} could not be started: ${error.message}`);
      resolve();
    });
    child.on('close', (code, signal) => {
      if (!killed && (code !== 0 || signal)) {
        const said = stderr.trim().split('\n').at(-1);
        onFailure(`${player.name} stopped with ${signal ?? `exit code ${code}`}${said ? `: ${said}` : ''}`);
      }
      resolve();
    });
  });
  return {
    stdin: child.stdin,
    exited,
    kill: () => {
      killed = true;
      child.kill('SIGTERM');
    },
  };
}
