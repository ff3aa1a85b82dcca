/** Turns tinybench results into µs figures and a plain-text table. */

/** Per-call figures of one finished task. ops/s is 1 / mean latency (not tinybench's mean of per-sample rates). */
export function figures(task) {
  const { result } = task;
  if (result.state !== 'completed') {
    throw new Error(`task '${task.name}' ${result.state}${result.error ? `: ${result.error.message}` : ''}`);
  }
  const { mean, p50, p99, samplesCount } = result.latency; // milliseconds
  return { name: task.name, mean: mean * 1000, p50: p50 * 1000, p99: p99 * 1000, opsPerSec: 1000 / mean, samples: samplesCount };
}

const COLUMNS = [
  ['operation', (f) => f.name],
  ['mean µs', (f) => f.mean.toFixed(2)],
  ['p50 µs', (f) => f.p50.toFixed(2)],
  ['p99 µs', (f) => f.p99.toFixed(2)],
  ['ops/s', (f) => Math.round(f.opsPerSec).toLocaleString('en-US')],
  ['samples', (f) => f.samples.toLocaleString('en-US')],
];

/** Rows are figures, or a string for a section heading. */
export function table(rows) {
  const cells = rows.map((row) => (typeof row === 'string' ? row : COLUMNS.map(([, cell]) => cell(row))));
  const widths = COLUMNS.map(([title], i) =>
    Math.max(title.length, ...cells.filter(Array.isArray).map((row) => row[i].length)),
  );
  const line = (row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(COLUMNS.map(([title]) => title)), rule, ...cells.map((row) => (Array.isArray(row) ? line(row) : row))].join('\n');
}
