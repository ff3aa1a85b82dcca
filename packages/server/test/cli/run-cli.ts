/**
 * Runs the built `parley` command (packages/server/dist/cli.js) as a child process, the way a
 * user runs it. `npm test` builds first; alone, run `npx tsc -b` before these tests.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Written to stdin, which is then closed. Default: stdin closed at once. */
  stdin?: string;
  /** Added to the environment (PARLEY_* variables of the test runner's own are removed). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

function environment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PARLEY_')));
  return { ...env, ...extra };
}

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves once stderr matches. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<CliResult>;
}

export function startCli(args: string[], options: Omit<CliOptions, 'stdin'> = {}): RunningCli {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npx tsc -b" first (npm test does).`);
  const child = spawn(process.execPath, [CLI, ...args], { env: environment(options.env), cwd: options.cwd, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  const watchers: (() => void)[] = [];
  const notify = () => {
    for (const watch of [...watchers]) watch();
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    notify();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    notify();
  });
  const waitFor = (name: string, text: () => string, pattern: RegExp, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`${name} never matched ${pattern}; stdout: ${JSON.stringify(stdout)}; stderr: ${JSON.stringify(stderr)}`)), timeoutMs);
      const watch = () => {
        if (!pattern.test(text())) return;
        clearTimeout(timeout);
        watchers.splice(watchers.indexOf(watch), 1);
        resolve();
      };
      watchers.push(watch);
      watch();
    });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const exited = new Promise<CliResult>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForStdout: (pattern, timeoutMs = 20_000) => waitFor('stdout', () => stdout, pattern, timeoutMs),
    waitForStderr: (pattern, timeoutMs = 20_000) => waitFor('stderr', () => stderr, pattern, timeoutMs),
  };
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const running = startCli(args, options);
  running.child.stdin.end(options.stdin ?? '');
  return running.exited;
}
