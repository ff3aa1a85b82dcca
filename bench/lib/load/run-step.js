/**
 * One step of the ladder: N sessions against one running server. Forks the generator, and while
 * its window runs reads the server's and the generator's CPU and RSS from /proc, the machine's
 * busy share and the load average.
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { cpuPercent, machineBusyPercent, machineCpu, procUsage } from './proc-usage.js';

const GENERATOR = fileURLToPath(new URL('./generator.js', import.meta.url));
const RSS_EVERY_MS = 500;

export async function runStep(server, plan) {
  await server.collectGarbage();
  const idle = procUsage(server.pid);
  const generator = fork(GENERATOR, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const marks = {};
  let rssMax = 0;
  let rssTimer = null;
  const result = await new Promise((resolve, reject) => {
    generator.on('message', (message) => {
      if (message.type === 'window') {
        const reading = { server: procUsage(server.pid), generator: procUsage(generator.pid), machine: machineCpu() };
        marks[message.edge] = reading;
        if (message.edge === 'start') {
          rssTimer = setInterval(() => (rssMax = Math.max(rssMax, procUsage(server.pid).rssBytes)), RSS_EVERY_MS);
        } else {
          clearInterval(rssTimer);
          marks.load = os.loadavg();
        }
        rssMax = Math.max(rssMax, reading.server.rssBytes);
      } else if (message.type === 'result') resolve(message);
      else if (message.type === 'failed') reject(new Error(`load generator failed: ${message.error}`));
    });
    generator.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
    generator.send({ type: 'plan', ...plan, url: server.url });
  }).finally(() => clearInterval(rssTimer));
  const { start, end } = marks;
  return {
    ...result,
    sessions: plan.sessions,
    serverCpuPercent: cpuPercent(start.server, end.server),
    generatorCpuPercent: cpuPercent(start.generator, end.generator),
    machineBusyPercent: machineBusyPercent(start.machine, end.machine),
    cores: os.availableParallelism(),
    idleRssBytes: idle.rssBytes,
    rssEndBytes: end.server.rssBytes,
    rssMaxBytes: rssMax,
    load: marks.load,
  };
}
