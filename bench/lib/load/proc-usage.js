/**
 * Another process's CPU time and resident memory, read from Linux /proc: `/proc/<pid>/stat`
 * (utime + stime, every thread, in clock ticks of 10 ms) and `/proc/<pid>/status` (VmRSS).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU ms (user + system, all threads) and RSS bytes of `pid`, and when they were read. */
export function procUsage(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime (fields 14, 15)
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { at: performance.now(), cpuMs, rssBytes: rss ? Number(rss[1]) * 1024 : 0 };
}

/** Share of one core `pid` used between two readings, in %. */
export function cpuPercent(from, to) {
  return ((to.cpuMs - from.cpuMs) / (to.at - from.at)) * 100;
}

/** The machine-wide CPU busy share between two `machineCpu()` readings, in % of all cores. */
export function machineBusyPercent(from, to) {
  const idle = to.idle - from.idle;
  const total = to.total - from.total;
  return total > 0 ? (1 - idle / total) * 100 : 0;
}

export function machineCpu() {
  let idle = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}
