/**
 * Load: how many live spoken conversations one machine holds, where each turn's milliseconds
 * go, and how that compares with a bare WebSocket server doing nothing but reading the frames.
 *
 *   node bench/load.js [--short] [--variants ceiling,text,audio] [--ladder 1,10,50]
 *                      [--window-s 20] [--chunk-ms 20] [--stt] [--cpu-prof] [--keep-going]
 *
 * Three processes: this one (orchestration, /proc sampling, the scripted LLM), the server under
 * test, and the load generator (lib/load/generator.js), so the server's CPU is its own.
 *
 * - Speech: one Flite sentence made by the server's own engine, its true end known from the
 *   phone marks, looped with a gap (lib/load/fixture.js); sent as 20 ms appends at real-time
 *   pace. Where the server's VAD ends each turn is computed beforehand with the server's own
 *   Hearing (lib/load/calibrate.js).
 * - Runs ("variants"), each over a ladder of session counts N:
 *   - `ceiling`: the bare `ws` server (lib/load/ceiling-server.js): JSON.parse + base64 decode,
 *     and `speech_stopped` after the same append as Parley;
 *   - `text`: Parley with Silero VAD, no STT, the scripted LLM, text answers;
 *   - `audio`: the same with Flite TTS, audio answers;
 *   - `--stt`: also `text + pocketsphinx` at N = 1, 2, 4 (~18 % of a core per session).
 * - A step holds when p99 of (true end → speech_stopped − silence window) ≤ 100 ms, no turn,
 *   answer or socket is lost, and the generator kept time (append lag p99 ≤ 20 ms). Steps up to
 *   N = 100 always run; beyond, a ladder stops at its first failing step. Then the gap below the
 *   first failure is bisected once or twice. A failing step is run once more (other processes
 *   cause one-off spikes), and holds if either run held. Capacity = the largest N that held
 *   below the smallest N that failed. Each step runs on a freshly started server.
 *
 * `--short` (CI, ~25 s): N = 2 for 9 s, `text` and `ceiling` only; no thresholds apply there.
 * `--cpu-prof` writes the Parley server's V8 CPU profile to bench/profiles/.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FliteTts } from '@parley/server';
import { machineDetails } from './lib/machine.js';
import { calibrate, SERVER_VAD } from './lib/load/calibrate.js';
import { startServerProcess } from './lib/load/child.js';
import { buildFixture } from './lib/load/fixture.js';
import { latencyTable, resourceTable } from './lib/load/report.js';
import { runStep } from './lib/load/run-step.js';
import { ANSWER, startScriptedLlm } from './lib/load/scripted-llm.js';
import { CAPACITY_LAG_MS, percentile, summarizeStep } from './lib/load/turns.js';
import { firstChunkMs } from './lib/load/tts-first-chunk.js';

const { values: args } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    variants: { type: 'string' },
    ladder: { type: 'string' },
    'window-s': { type: 'string' },
    'chunk-ms': { type: 'string', default: '20' },
    stt: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'keep-going': { type: 'boolean', default: false },
  },
});

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const started = performance.now();
const chunkMs = Number(args['chunk-ms']);
// --short: long enough for each session's second turn (its first is not counted, see generator.js).
const windowMs = Number(args['window-s'] ?? (args.short ? 9 : 20)) * 1000;
const ALWAYS_UP_TO = 100;
const LADDERS = {
  ceiling: [1, 50, 100, 200, 400, 600, 800, 1000, 1200, 1500],
  text: [1, 10, 50, 100, 150, 200, 300, 400],
  audio: [1, 10, 50, 100, 150, 200],
  stt: [1, 2, 4],
};
const variants = (args.variants ?? (args.short ? 'text,ceiling' : 'ceiling,text,audio')).split(',').concat(args.stt ? ['stt'] : []);
const ladderOf = (variant) => (args.short ? [2] : args.ladder ? args.ladder.split(',').map(Number) : LADDERS[variant]);

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
for (const [key, value] of Object.entries({ ...machineDetails(), Load: `${load()} (1, 5, 15 min)` })) console.log(`${`${key}:`.padEnd(6)} ${value}`);

// The fixture, where the server's VAD ends its turns, and the engines' own times.
const tts = new FliteTts();
const fixture = await buildFixture({ chunkMs, tts });
const turns = await calibrate(fixture);
const ttsFirstChunk = variants.includes('audio') ? await tts.warmup().then(() => firstChunkMs(tts, ANSWER)) : null;
await tts.close();
const steady = { vadJudgmentMs: turns.audioEndMs - fixture.speechEndMs, frameRoundingMs: turns.commitMs - turns.audioEndMs - turns.silenceMs, recordingMs: (turns.triggerChunk + 1) * chunkMs - turns.commitMs };
console.log(`Speech: "${fixture.text}" (Flite slt), true end at ${fixture.speechEndMs} ms of a ${fixture.loopMs} ms loop; ${chunkMs} ms appends (${fixture.frames[0].length} B frames).`);
console.log(
  `The server's VAD ends it at ${turns.audioEndMs} ms (judgment +${steady.vadJudgmentMs} ms), decides at ${turns.commitMs} ms (silence ${turns.silenceMs} ms + frame rounding ${steady.frameRoundingMs} ms), ` +
    `after append ${turns.triggerChunk} is sent (+${steady.recordingMs} ms): ${steady.vadJudgmentMs + steady.frameRoundingMs + steady.recordingMs} ms of the ${CAPACITY_LAG_MS} ms budget are fixed by the audio.`,
);
if (ttsFirstChunk) console.log(`Flite TTS alone, first chunk of the answer's first clause: p50 ${ttsFirstChunk.p50.toFixed(1)} ms (p95 ${ttsFirstChunk.p95.toFixed(1)}), taken off the audio runs' overhead.`);

const llm = await startScriptedLlm({ answer: ANSWER });
const profileDir = here('./profiles');
if (args['cpu-prof']) mkdirSync(profileDir, { recursive: true });
const parleyArgs = ['--llm-url', llm.url, '--llm-model', 'scripted', '--vad', 'silero'];
const execArgv = args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];

const input = { format: { type: 'audio/pcm', rate: 24_000 }, turn_detection: SERVER_VAD, transcription: null };
const textSession = { type: 'realtime', output_modalities: ['text'], audio: { input } };
const answers = { expectResponses: true, expectTranscripts: false };
/** Parley with the scripted LLM and Silero VAD, the given STT and TTS. */
const parley = (label, stt, tts, session, expect = answers, ttsFirstChunkMs = 0) => ({
  label,
  start: () => startServerProcess(here('./lib/load/parley-server.js'), [...parleyArgs, '--stt', stt, '--tts', tts], { execArgv }),
  session,
  expect,
  ttsFirstChunkMs,
});
const VARIANTS = {
  ceiling: {
    label: 'ceiling (bare ws)',
    start: () =>
      startServerProcess(here('./lib/load/ceiling-server.js'), [
        JSON.stringify({ loopBytes: fixture.loopChunks * fixture.chunkBytes, chunkBytes: fixture.chunkBytes, loopMs: fixture.loopMs, triggerChunk: turns.triggerChunk, audioEndMs: turns.audioEndMs, firstLoop: turns.perLoop[0] }),
      ]),
    session: textSession,
    expect: { expectResponses: false, expectTranscripts: false },
    ttsFirstChunkMs: 0,
  },
  text: parley('Parley, text answers', 'none', 'none', textSession),
  audio: parley(
    'Parley, audio answers',
    'none',
    'flite',
    { type: 'realtime', output_modalities: ['audio'], audio: { input, output: { format: { type: 'audio/pcm', rate: 24_000 }, voice: 'alloy' } } },
    answers,
    ttsFirstChunk?.p50 ?? 0,
  ),
  stt: parley(
    'Parley, text + pocketsphinx',
    'pocketsphinx',
    'none',
    { type: 'realtime', output_modalities: ['text'], audio: { input: { ...input, transcription: { model: 'pocketsphinx' } } } },
    { expectResponses: true, expectTranscripts: true },
  ),
};

function planFor(variant, sessions) {
  return {
    sessions,
    chunkMs,
    // Sessions' appends are spread over 1 ms phases, as independent clients' would be.
    tickMs: 1,
    frames: fixture.frames,
    loopMs: fixture.loopMs,
    loopChunks: fixture.loopChunks,
    speechEndMs: fixture.speechEndMs,
    turns: { audioEndMs: turns.audioEndMs, triggerChunk: turns.triggerChunk, firstLoop: turns.perLoop[0] },
    session: variant.session,
    staggerMs: args.short ? 500 : fixture.loopMs,
    windowMs,
    drainMs: 8000,
    ...variant.expect,
  };
}

/**
 * The next N to try after `tried` (N → held), or null: the ladder in order (steps up to
 * ALWAYS_UP_TO always run; beyond, a failure ends it), then up to two bisections between the
 * smallest failing N and the largest N below it that held.
 */
function nextN(ladder, tried) {
  const failures = [...tried].filter(([, held]) => !held).map(([n]) => n);
  const stopped = !args['keep-going'] && failures.some((n) => n > ALWAYS_UP_TO);
  const next = ladder.find((n) => !tried.has(n));
  if (!stopped && next !== undefined) return next;
  if (failures.length === 0 || args.short || args.ladder) return null;
  const fail = Math.min(...failures);
  const pass = Math.max(0, ...[...tried].filter(([n, held]) => held && n < fail).map(([n]) => n));
  const bisections = [...tried.keys()].filter((n) => !ladder.includes(n)).length;
  const mid = Math.round((pass + fail) / 20) * 10;
  return bisections < 2 && mid > pass && mid < fail && !tried.has(mid) ? mid : null;
}

const rows = [];
const capacity = {};

/** One step on a freshly started server (its RSS before the step is its own; a profile covers one step). */
async function measure(name, n, again) {
  const variant = VARIANTS[name];
  const engines = { silenceMs: turns.silenceMs, llmFirstTokenMs: 0, ttsFirstChunkMs: variant.ttsFirstChunkMs };
  const server = await variant.start();
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000)); // let start-up work settle
    const step = await runStep(server, planFor(variant, n));
    engines.llmFirstTokenMs = percentile(llm.firstTokenMs, 0.5) ?? 0;
    const s = summarizeStep(step, engines, variant.expect);
    const label = again ? `${variant.label} (again)` : variant.label;
    console.log(
      `${label}, N=${n}: ${s.turns} turns, end→stopped−silence p99 ${s.hearingLag.p99?.toFixed(1) ?? '—'} ms, overhead p99 ${s.overhead.p99?.toFixed(1) ?? '—'} ms, ` +
        `server ${step.serverCpuPercent.toFixed(0)} % CPU, generator ${step.generatorCpuPercent.toFixed(0)} %, load ${step.load[0].toFixed(2)} ${s.held ? '✓' : `✗ ${s.reasons.join('; ')}`}`,
    );
    if (step.errors.length > 0) console.log(`  first error: ${step.errors[0]}`);
    const row = { variant: { name, label, n }, step, summary: s };
    rows.push(row);
    return row;
  } finally {
    await server.stop();
  }
}

/** The row of `name` at `n` with the lowest hearing-lag p99 (a step may have run twice). */
const bestRow = (name, n) =>
  rows.filter((r) => r.variant.name === name && r.variant.n === n).sort((a, b) => (a.summary.hearingLag.p99 ?? Infinity) - (b.summary.hearingLag.p99 ?? Infinity))[0];

for (const name of variants) {
  const ladder = ladderOf(name);
  const tried = new Map();
  for (let n = ladder[0]; n !== null; n = nextN(ladder, tried)) {
    let { summary } = await measure(name, n, false);
    // Other processes make one-off spikes (a p99 over a few turns is their worst): a failing step runs once more.
    if (!summary.held && !args.short) ({ summary } = await measure(name, n, true));
    tried.set(n, summary.held);
  }
  const held = [...tried].filter(([, ok]) => ok).map(([n]) => n);
  const failed = [...tried].filter(([, ok]) => !ok).map(([n]) => n);
  const limit = failed.length ? Math.min(...failed) : null;
  capacity[name] = { n: held.filter((n) => limit === null || n < limit).reduce((a, b) => Math.max(a, b), 0), limit, atLadderEnd: limit === null };
}
llm.close();

console.log(`\n### Turn latency, ms: p50 / p95 / p99\n`);
console.log(latencyTable(rows));
console.log(`\n### Resources\n`);
console.log(resourceTable(rows));
console.log(`\nLLM first token (scripted): p50 ${(percentile(llm.firstTokenMs, 0.5) ?? 0).toFixed(2)} ms over ${llm.firstTokenMs.length} requests.`);

console.log(`\n### Capacity (largest N whose p99 of end → speech_stopped − silence ≤ ${CAPACITY_LAG_MS} ms, nothing lost, generator on time)\n`);
for (const [name, c] of Object.entries(capacity)) {
  const why = c.atLadderEnd ? ' (every step held: at least this)' : ` (failed at N=${c.limit}: ${bestRow(name, c.limit).summary.reasons.join('; ')})`;
  console.log(`- ${VARIANTS[name].label}: ${c.n}${why}`);
}
if (!args.short && capacity.ceiling) {
  const generatorBound = capacity.ceiling.limit !== null && bestRow('ceiling', capacity.ceiling.limit).summary.reasons.some((x) => x.startsWith('generator'));
  for (const name of ['text', 'audio']) {
    if (!capacity[name]) continue;
    const ratio = capacity.ceiling.n ? (capacity[name].n / capacity.ceiling.n) * 100 : 0;
    console.log(`- ${VARIANTS[name].label} ÷ ceiling: ${ratio.toFixed(0)} %${generatorBound ? ' (the ceiling was bounded by the generator: the true ratio is lower)' : ''}`);
  }
  const at50 = bestRow('text', 50);
  const textCapacity = capacity.text?.n ?? 0;
  console.log(`\nGoals: server overhead p99 at N=50 ≤ 10 ms: ${at50?.summary.overhead.p99?.toFixed(1) ?? '—'} ms ${at50 && at50.summary.overhead.p99 <= 10 ? '✓' : '✗'}; ` +
    `≥ 100 sessions: ${textCapacity} ${textCapacity >= 100 ? '✓' : '✗'}; ≥ 50 % of the ceiling: ${capacity.ceiling.n ? ((textCapacity / capacity.ceiling.n) * 100).toFixed(0) : '—'} % ${capacity.ceiling.n && textCapacity / capacity.ceiling.n >= 0.5 ? '✓' : '✗'}`);
}
console.log(`\nLoad average at the end: ${load()}. Took ${((performance.now() - started) / 1000).toFixed(0)} s.`);
if (args['cpu-prof']) console.log(`CPU profiles of the Parley server: ${profileDir}`);
