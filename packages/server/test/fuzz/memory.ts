/** The test process's memory after a full garbage collection. */
import { collectGarbage } from '../support/gc.js';

export interface MemorySample {
  /** JS heap in use plus the bytes of ArrayBuffers (audio lives there), MiB. */
  liveMiB: number;
  heapUsedMiB: number;
  rssMiB: number;
}

const MiB = 1024 * 1024;

export async function sampleMemory(): Promise<MemorySample> {
  await collectGarbage();
  const usage = process.memoryUsage();
  return { liveMiB: (usage.heapUsed + usage.arrayBuffers) / MiB, heapUsedMiB: usage.heapUsed / MiB, rssMiB: usage.rss / MiB };
}
