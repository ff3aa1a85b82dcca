/** The lines a fuzz run prints: what was sent, what came back, memory, the observer, the event loop. */
import type { BatchReport } from './fuzz-batch.js';
import type { MemorySample } from './memory.js';
import type { ObserverReport } from './observer.js';

export interface FuzzRun {
  reports: readonly BatchReport[];
  memory: readonly MemorySample[];
  warmUpRounds: number;
  observer: ObserverReport;
  /** The fresh session's turn after the fuzzing. */
  afterwards: { turnMs?: number; problem?: string };
  elapsedMs: number;
  loopDelay: { p99Ms: number; maxMs: number };
  errorLogs: readonly unknown[];
}

function sum(reports: readonly BatchReport[], pick: (r: BatchReport) => Record<string, number | undefined>): Record<string, number> {
  const total: Record<string, number> = {};
  for (const report of reports) for (const [key, n] of Object.entries(pick(report))) total[key] = (total[key] ?? 0) + (n ?? 0);
  return total;
}

const mib = (n: number | undefined) => (n === undefined ? '?' : n.toFixed(1));

export function fuzzSummary(run: FuzzRun): string {
  const { reports, memory, observer, afterwards } = run;
  const frames = reports.reduce((n, r) => n + r.framesSent, 0);
  const serverEvents = reports.reduce((n, r) => n + r.serverEvents, 0);
  const warm = memory[run.warmUpRounds - 1] ?? memory[0];
  const peak = Math.max(...memory.slice(run.warmUpRounds - 1).map((m) => m.liveMiB));
  const after = afterwards.turnMs === undefined ? afterwards.problem : `${Math.round(afterwards.turnMs)} ms`;
  return [
    `protocol fuzz: ${frames} frames on ${reports.length} connections in ${(run.elapsedMs / 1000).toFixed(1)} s; ${serverEvents} server events`,
    `  frames by kind: ${JSON.stringify(sum(reports, (r) => r.byKind))}`,
    `  errors by code: ${JSON.stringify(sum(reports, (r) => r.errorsByCode))}`,
    `  server events by type: ${JSON.stringify(sum(reports, (r) => r.serverEventsByType))}`,
    `  live memory after GC (MiB): first round ${mib(memory[0]?.liveMiB)}, after warm-up ${mib(warm?.liveMiB)}, peak after ${mib(peak)}, last ${mib(memory.at(-1)?.liveMiB)}; rss last ${mib(memory.at(-1)?.rssMiB)}`,
    `  live memory by round (MiB): ${memory.map((m) => m.liveMiB.toFixed(1)).join(' ')}`,
    `  observer: ${observer.turnMs.length} turns during, slowest ${Math.round(Math.max(...observer.turnMs))} ms; after: ${after}`,
    `  event loop delay: p99 ${run.loopDelay.p99Ms.toFixed(0)} ms, max ${run.loopDelay.maxMs.toFixed(0)} ms`,
    `  server error logs: ${run.errorLogs.length}${run.errorLogs.length ? ` (first: ${JSON.stringify(run.errorLogs[0]).slice(0, 400)})` : ''}`,
  ].join('\n');
}
