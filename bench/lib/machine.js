/** What the figures were measured on: CPU, cores, runtime. */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The first processor's fields from /proc/cpuinfo (Linux), or an empty object elsewhere. */
function cpuinfo() {
  try {
    const first = readFileSync('/proc/cpuinfo', 'utf8').split('\n\n')[0];
    return Object.fromEntries(
      first
        .split('\n')
        .map((line) => line.split(':').map((part) => part.trim()))
        .filter(([key, value]) => key && value !== undefined),
    );
  } catch {
    return {};
  }
}

export function machineDetails() {
  const info = cpuinfo();
  // VMs often report a bare model name ("AMD EPYC"); family/model pin the generation down.
  const extra = [
    info['cpu family'] && `family ${info['cpu family']}`,
    info.model && `model ${info.model}`,
    info['cpu MHz'] && `${Math.round(Number(info['cpu MHz']))} MHz`,
  ].filter(Boolean);
  const model = info['model name'] ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    CPU: extra.length ? `${model} (${extra.join(', ')})` : model,
    Cores: `${os.availableParallelism()} available (${os.cpus().length} online)`,
    Node: `${process.version} (V8 ${process.versions.v8})`,
    OS: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}
