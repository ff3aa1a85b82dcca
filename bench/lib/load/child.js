/**
 * Forked processes of the load benchmark: a server that says where it listens, collects its
 * garbage when asked (so its RSS before a step is what it holds), and stops by message.
 */
import { fork } from 'node:child_process';

/** Forks `module` and waits for its `{ type: 'listening', url }`. `execArgv` e.g. ['--cpu-prof']. */
export function startServerProcess(module, args = [], { execArgv = [], timeoutMs = 120_000 } = {}) {
  const child = fork(module, args, { execArgv: ['--expose-gc', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (child.kill(), reject(new Error(`${module} did not start within ${timeoutMs} ms`))), timeoutMs);
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`${module} exited with ${code} before listening`))));
    child.on('message', (message) => {
      if (message?.type !== 'listening') return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ pid: child.pid, url: message.url, collectGarbage: () => collectGarbage(child), stop: () => stopProcess(child) });
    });
  });
}

function collectGarbage(child) {
  return new Promise((resolve) => {
    const done = (message) => message?.type === 'gc-done' && (child.off('message', done), resolve());
    child.on('message', done);
    child.send('gc');
  });
}

/** Asks the child to stop and waits for it to exit (killing it after 10 s). */
export function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => (clearTimeout(timer), resolve()));
    if (child.connected) child.send('stop');
    else child.kill();
  });
}
