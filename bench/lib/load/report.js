/** The load benchmark's tables, as Markdown (they read as plain text too). */

const MB = 1024 * 1024;

export function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const ms = (v) => (v === null || v === undefined ? '—' : v.toFixed(1));
const triple = (s) => (s.n === 0 ? '—' : `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)}`);

/** Turn latency, one row per step: p50 / p95 / p99 in ms. */
export function latencyTable(rows) {
  const withStt = rows.some((r) => r.summary.stopToTranscribed.n > 0);
  const header = ['run', 'N', 'turns', 'end → stopped − silence', 'last append → stopped', ...(withStt ? ['stopped → transcribed'] : []), 'stopped → created', 'created → 1st delta', 'end → 1st delta', 'server overhead', 'held'];
  return markdownTable(
    header,
    rows.map(({ variant, summary: s }) => [
      variant.label,
      String(variant.n),
      String(s.turns),
      triple(s.hearingLag),
      triple(s.serverStop),
      ...(withStt ? [triple(s.stopToTranscribed)] : []),
      triple(s.stopToCreated),
      triple(s.createdToDelta),
      triple(s.endToDelta),
      triple(s.overhead),
      s.held ? '✓' : `✗ ${s.reasons.join('; ')}`,
    ]),
  );
}

/** Server and generator resources, one row per step. */
export function resourceTable(rows) {
  return markdownTable(
    ['run', 'N', 'server CPU, % of a core', 'per session', 'server RSS MB (before → max)', 'RSS per session MB', 'generator CPU %', 'pacing lag p50 / p99 ms', 'machine busy % (others)', 'load 1 min'],
    rows.map(({ variant, step }) => {
      const others = step.machineBusyPercent * step.cores - step.serverCpuPercent - step.generatorCpuPercent;
      return [
        variant.label,
        String(variant.n),
        step.serverCpuPercent.toFixed(1),
        (step.serverCpuPercent / variant.n).toFixed(2),
        `${(step.idleRssBytes / MB).toFixed(0)} → ${(step.rssMaxBytes / MB).toFixed(0)}`,
        step.rssMaxBytes > step.idleRssBytes ? ((step.rssMaxBytes - step.idleRssBytes) / MB / variant.n).toFixed(2) : '—',
        step.generatorCpuPercent.toFixed(1),
        `${ms(step.lateness.p50)} / ${ms(step.lateness.p99)}`,
        `${step.machineBusyPercent.toFixed(0)} (${Math.max(0, others / step.cores).toFixed(0)})`,
        step.load[0].toFixed(2),
      ];
    }),
  );
}
