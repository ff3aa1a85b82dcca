/**
 * The whole hearing path of live sessions, on the built packages (`npm run bench:hearing`
 * builds first). (b) needs `apt-get install pocketsphinx pocketsphinx-en-us`.
 *
 *   node bench/hearing.js [--short]
 *
 * The real `Hearing` class, as a session runs it: each `push()` of the client's bytes is
 * decoded (PCM16 24 kHz), resampled to 16 kHz, cut into 32 ms frames, scored by Silero and fed
 * to the turn detector (server_vad with the session defaults: threshold 0.5, 300 ms prefix,
 * 500 ms silence); with an STT engine each turn is also transcribed while it is spoken.
 *
 *   (a) decode + resample + Silero VAD + turn detection, no STT engine;
 *   (b) the same plus pocketsphinx streaming ASR (decoding on koffi worker threads).
 *
 * Input: Flite speech (`slt`, 16 kHz, resampled to 24 kHz beforehand) with silence around each
 * sentence (a low noise floor, not digital zero), in 100 ms chunks (4800 bytes); 3 sentences,
 * 14.3 s per session (--short: 1 sentence, 3.2 s, and no live rows). 1 and 4 sessions at once,
 * sharing one VAD engine and one STT engine as a server's sessions do. Two paces:
 * - "at once": every chunk pushed at once, so the path runs as fast as it can (the RTF figure);
 * - "live" (full run only): a chunk every 100 ms, as a client streams. The CPU per second of
 *   audio then includes what waking up for each chunk costs. The "100 ms timers only" rows run
 *   the same schedule with no hearing at all; the goal line takes their cost off the live rows,
 *   since a server wakes for each client frame anyway.
 *
 * When a session is done: `Hearing` says nothing when a chunk is processed, so each session's
 * VAD engine is wrapped to count the frames it scores (the count is all the wrapper adds). The
 * frames the pushed audio makes are known beforehand (the same decoder and resampler, run on
 * the same chunks), so a session is done once that many frames are scored and, in (b), every
 * turn's final transcript has arrived. Each sentence must end a turn: `speechStopped` once each.
 *
 * Figures, per row (median of the rounds; live rows are one round):
 * - CPU: `process.cpuUsage()` over the round, which counts every thread (pocketsphinx's koffi
 *   workers, onnxruntime's), per second of audio per session; `% of one core` = that / 1000 ms:
 *   what one live session costs. "of which main thread": the event-loop thread's own CPU time
 *   (Linux /proc schedstat); the rest ran on other threads.
 * - RTF: wall time / the audio's duration (all sessions' audio is processed in that time);
 *   "x real time" = sessions / RTF: how many such streams the path keeps up with, as measured.
 * - Event-loop lag, p99 and max: "at once", `monitorEventLoopDelay` (10 ms resolution, the
 *   interval subtracted) over the round; in the (a) rows the round lasts ~0.1 s, so few
 *   samples. "live", how late each 100 ms chunk timer fired: no extra timer, because the
 *   monitor's own costs ~5 ms CPU a second on this machine, which would swamp the live figure.
 * - "main waited for a core": the share of the round the main thread was runnable but had no
 *   CPU (schedstat): other processes on the machine. Rows over 10 % are marked `!`: noisy.
 * Warm-up: one untimed round with 4 sessions first (JIT, resamplers, pocketsphinx decoders:
 * `maxIdleDecoders: 4` keeps them loaded, as for a server sized for 4 sessions).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { createResampler, createSileroVad, Hearing, HEARING_RATE, InputAudioDecoder, PocketsphinxStt, resample, silentLogger } from '@parley/server';
import { flite } from './lib/flite.js';
import { machineDetails } from './lib/machine.js';

const GOAL_PERCENT = 1; // (a): ≤ 1 % of one core per live session
const short = process.argv.includes('--short');
const ROUNDS = short ? 1 : 3;
const BASELINE_CHUNKS = 50; // 5 s
const SESSIONS = [1, 4];
const INPUT_RATE = 24_000;
const CHUNK_MS = 100;
const CHUNK_BYTES = (INPUT_RATE * 2 * CHUNK_MS) / 1000;
const LEAD_MS = 500;
const GAP_MS = 1000; // between sentences and after the last: more than the 500 ms that ends a turn
const LAG_RESOLUTION_MS = 10;
/** A row whose main thread waited for a core longer than this share of the round is marked noisy. */
const BUSY = 0.1;
const ALL_SENTENCES = [
  'what is the weather in paris today',
  'turn on the kitchen lights',
  "please remind me to call my mother at seven o'clock tomorrow evening and then book a table for two at the italian restaurant",
];
const SENTENCES = short ? ALL_SENTENCES.slice(1, 2) : ALL_SENTENCES;

const FORMAT = { type: 'audio/pcm', rate: INPUT_RATE };
const CONFIG = {
  format: FORMAT,
  turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, idle_timeout_ms: null, create_response: true, interrupt_response: true },
  transcription: null,
  noise_reduction: null,
};

const details = {
  ...machineDetails(),
  Load: `${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (1, 5, 15 min; figures are noisy when this nears the core count)`,
  Run: `${short ? '--short: ' : ''}${ROUNDS} timed round(s) per "at once" row${short ? ' (no live rows)' : ', 1 per live row'}, after 1 warm-up round; ${SENTENCES.length} sentence${SENTENCES.length > 1 ? 's' : ''} per session`,
};
for (const [key, value] of Object.entries(details)) console.log(`${`${key}:`.padEnd(6)} ${value}`);

// The audio: silence, sentence, silence, ... as 24 kHz PCM16 little-endian bytes in 100 ms chunks.
let seed = 1;
const noise = (n) => Int16Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) >>> 0), Math.round(((seed / 2 ** 32) - 0.5) * 60)));
const parts = [noise((INPUT_RATE * LEAD_MS) / 1000)];
for (const text of SENTENCES) {
  const { sampleRate, samples } = await flite(text, 'slt');
  parts.push(await resample(samples, sampleRate, INPUT_RATE), noise((INPUT_RATE * GAP_MS) / 1000));
}
const samplesPerChunk = CHUNK_BYTES / 2;
const total = Math.ceil(parts.reduce((n, p) => n + p.length, 0) / samplesPerChunk) * samplesPerChunk;
const pcm = new Int16Array(total);
pcm.set(noise(total)); // the rounding up to a whole chunk is noise too
for (let at = 0, i = 0; i < parts.length; at += parts[i].length, i++) pcm.set(parts[i], at);
const bytes = Buffer.alloc(total * 2);
for (let i = 0; i < total; i++) bytes.writeInt16LE(pcm[i], i * 2);
const chunks = [];
for (let at = 0; at < bytes.length; at += CHUNK_BYTES) chunks.push(bytes.subarray(at, at + CHUNK_BYTES));
const audioS = total / INPUT_RATE;

// The frames Hearing will score: its decoder and resampler (no flush: the stream stays open) on the same chunks.
const vad = await createSileroVad();
const countDecoder = new InputAudioDecoder(FORMAT);
const countResampler = await createResampler({ inputRate: INPUT_RATE, outputRate: HEARING_RATE });
const resampled = chunks.reduce((n, chunk) => n + countResampler.process(countDecoder.decode(chunk)).length, 0);
countResampler.close();
const FRAMES = Math.floor(resampled / vad.capabilities.frameSamples);
console.log(`Audio: ${audioS.toFixed(1)} s per session (${SENTENCES.length} Flite sentence${SENTENCES.length > 1 ? 's' : ''}, ${LEAD_MS} ms before, ${GAP_MS} ms after each), ${chunks.length} chunks of ${CHUNK_MS} ms (${CHUNK_BYTES} B PCM16 24 kHz) → ${FRAMES} VAD frames`);

/** `engine`, with each detector counting its scored frames and resolving `done` at `frames`. */
function countingVad(engine, frames) {
  let resolve;
  const done = new Promise((r) => (resolve = r));
  let scored = 0;
  const wrapped = {
    label: engine.label,
    capabilities: engine.capabilities,
    close: () => engine.close(),
    createDetector() {
      const inner = engine.createDetector();
      return {
        async process(frame) {
          const probability = await inner.process(frame);
          if (++scored === frames) resolve();
          return probability;
        },
        reset: () => inner.reset(),
        close: () => inner.close(),
      };
    },
  };
  return { wrapped, done };
}

/**
 * Pushes the chunks to `push` on the live schedule, chunk i at t0 + i × 100 ms, as a client
 * streams; returns how late each 100 ms timer fired (ms): the event-loop lag those turns saw.
 */
async function pace(push, count = chunks.length) {
  const t0 = performance.now();
  const late = [];
  for (let i = 0; i < count; i++) {
    push?.(chunks[i]);
    const due = t0 + (i + 1) * CHUNK_MS;
    await sleep(due - performance.now());
    late.push(performance.now() - due);
  }
  return late;
}

/**
 * One session's hearing over the whole clip: resolves when every frame is scored and every
 * turn's transcript is final. `paced`: live schedule; else every chunk pushed at once.
 */
async function session(stt, paced) {
  const { wrapped, done } = countingVad(vad, FRAMES);
  const stopped = [];
  const finals = [];
  let fail;
  const failed = new Promise((_, reject) => (fail = reject));
  const hearing = new Hearing(
    { vad: wrapped, stt },
    CONFIG,
    {
      speechStarted() {},
      speechStopped(event) {
        stopped.push(event);
        if (!event.transcription) return;
        finals.push(
          new Promise((resolve, reject) =>
            event.transcription.follow({ event: (e) => e.type === 'final' && resolve(e.text), error: reject }),
          ),
        );
      },
      speechDiscarded(event) {
        fail(new Error(`a turn was discarded: ${JSON.stringify(event)}`));
      },
      failed: fail,
    },
    silentLogger,
  );
  let late = [];
  if (paced) late = await pace((chunk) => hearing.push(chunk));
  else for (const chunk of chunks) hearing.push(chunk);
  await Promise.race([done, failed]);
  await nextTurn(); // the last frame's turn signals run in the microtasks after it
  if (stopped.length !== SENTENCES.length) throw new Error(`${stopped.length} turns ended, expected one per sentence (${SENTENCES.length})`);
  const texts = await Promise.race([Promise.all(finals), failed]);
  hearing.close();
  if (stt && texts.length !== SENTENCES.length) throw new Error(`${texts.length} transcripts, expected ${SENTENCES.length}`);
  return { turns: stopped.map((e) => [e.audio_start_ms, e.audio_end_ms]), texts, late };
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * The main thread's own CPU time and its time runnable but waiting for a core, in ms (Linux
 * schedstat, ns precision); null elsewhere. The rest of the process CPU is other threads'.
 */
function mainThread() {
  try {
    const [run, wait] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { run: run / 1e6, wait: wait / 1e6 };
  } catch {
    return null;
  }
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * Runs `work` (n sessions' worth of `audioSeconds` each) and measures it. Lag: from the live
 * timers' lateness when `work` returns some; else from a `monitorEventLoopDelay` (its own timer
 * costs ~5 ms CPU a second here, which would swamp a live row's figure, hence not used there).
 */
async function measured(n, audioSeconds, work) {
  const monitor = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  const main0 = mainThread();
  const cpu0 = cpuMs();
  const wall0 = performance.now();
  const live = work.paced;
  if (!live) monitor.enable();
  const results = await work();
  monitor.disable();
  const wallMs = performance.now() - wall0;
  const cpu = cpuMs() - cpu0;
  const main1 = mainThread();
  const audio = n * audioSeconds;
  let lagP99;
  let lagMax;
  if (live) {
    const late = results.flatMap((r) => r.late).sort((a, b) => a - b);
    lagP99 = percentile(late, 99);
    lagMax = late.at(-1);
  } else {
    const late = (ns) => Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS);
    lagP99 = late(monitor.percentile(99));
    lagMax = late(monitor.max);
  }
  return {
    results,
    cpu: cpu / audio,
    main: main1 ? (main1.run - main0.run) / audio : NaN,
    waited: main1 ? (main1.wait - main0.wait) / wallMs : NaN,
    rtf: wallMs / 1000 / audioSeconds,
    lagP99,
    lagMax,
  };
}

/** `n` sessions at once over the clip. */
function round(stt, n, paced) {
  const work = () => Promise.all(Array.from({ length: n }, () => session(stt, paced)));
  work.paced = paced;
  return measured(n, audioS, work);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const KEYS = ['cpu', 'main', 'waited', 'rtf', 'lagP99', 'lagMax'];

async function measure(label, stt) {
  await round(stt, Math.max(...SESSIONS), false); // warm-up
  const rows = [];
  for (const paced of short ? [false] : [false, true]) {
    for (const n of SESSIONS) {
      const rounds = [];
      for (let i = 0; i < (paced ? 1 : ROUNDS); i++) rounds.push(await round(stt, n, paced));
      const row = { label, paced, sessions: n, results: rounds[0].results };
      for (const key of KEYS) row[key] = median(rounds.map((r) => r[key]));
      rows.push(row);
    }
  }
  return rows;
}

/** The live schedule's own cost: n pacers' 100 ms timers, no hearing, for BASELINE_CHUNKS chunks. */
async function baseline(n) {
  const work = () => Promise.all(Array.from({ length: n }, async () => ({ late: await pace(null, BASELINE_CHUNKS) })));
  work.paced = true;
  const row = await measured(n, (BASELINE_CHUNKS * CHUNK_MS) / 1000, work);
  return { ...row, label: '    100 ms timers only, no hearing', paced: true, sessions: n };
}

console.log(`\nVAD: ${vad.label}`);
const rowsA = await measure('(a) decode + resample + VAD + turns', null);
const rowsBase = short ? [] : [await baseline(1), await baseline(Math.max(...SESSIONS))];

let rowsB = [];
let stt = null;
try {
  stt = new PocketsphinxStt({ maxIdleDecoders: Math.max(...SESSIONS) });
  await stt.warmup();
  console.log(`STT: ${stt.label}`);
} catch (error) {
  console.log(`STT: unavailable, (b) skipped: ${error instanceof Error ? error.message : String(error)}`);
  stt = null;
}
if (stt) rowsB = await measure('(b) (a) + pocketsphinx streaming ASR', stt);

const head = ['path', 'pace', 'sessions', 'CPU ms per s audio per session', '% of one core per session', 'of which main thread', 'RTF', 'x real time', 'loop lag p99 / max ms', 'main waited for a core'];
const cells = [...rowsA, ...rowsBase, ...rowsB].map((r) => [
  r.label,
  r.paced ? 'live' : 'at once',
  r.sessions,
  r.cpu.toFixed(2),
  `${(r.cpu / 10).toFixed(2)} %`,
  Number.isNaN(r.main) ? 'n/a' : `${r.main.toFixed(2)} ms`,
  r.paced ? '—' : r.rtf.toFixed(4),
  r.paced ? '—' : `${Math.round(r.sessions / r.rtf)}×`,
  `${r.lagP99.toFixed(1)} / ${r.lagMax.toFixed(1)}`,
  Number.isNaN(r.waited) ? 'n/a' : `${(100 * r.waited).toFixed(1)} %${r.waited > BUSY ? ' !' : ''}`,
]);
const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => String(c[i]).length)));
const line = (row) => row.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
console.log(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
for (const c of cells) console.log(line(c));
if ([...rowsA, ...rowsBase, ...rowsB].some((r) => r.waited > BUSY)) {
  console.log(`! the main thread waited for a core more than ${100 * BUSY} % of that row's time: other processes were busy, so its CPU and lag figures are high and noisy; rerun on a quiet machine.`);
}

const first = (rowsB[0] ?? rowsA[0]).results[0];
console.log(`\nTurns found (ms of audio): ${first.turns.map(([a, b]) => `${a}–${b}`).join(', ')}`);
if (rowsB.length) for (const [i, text] of first.texts.entries()) console.log(`  "${text}"  (said: "${SENTENCES[i]}")`);

await stt?.close();
await vad.close();

const mark = (percent) => `${percent.toFixed(2)} % ${percent <= GOAL_PERCENT ? '✓' : '✗ MISSED'}`;
console.log(`\nGoal: the VAD path (a) ≤ ${GOAL_PERCENT} % of one core per live session`);
for (const n of SESSIONS) {
  const atOnce = rowsA.find((r) => r.sessions === n && !r.paced);
  const live = rowsA.find((r) => r.sessions === n && r.paced);
  const base = rowsBase.find((r) => r.sessions === n);
  const liveText = live && base ? `; live ${mark((live.cpu - base.cpu) / 10)} (${(live.cpu / 10).toFixed(2)} % less the 100 ms timers' own ${(base.cpu / 10).toFixed(2)} %)` : '';
  console.log(`  ${`${n} session${n > 1 ? 's' : ''}:`.padEnd(12)} pushed at once ${mark(atOnce.cpu / 10)}${liveText}`);
}
if (rowsB.length) {
  const b = rowsB.find((r) => r.sessions === 1 && !r.paced);
  console.log(`With pocketsphinx (b): ${(b.cpu / 10).toFixed(2)} % of one core per session (no goal set; it is not the VAD path)`);
}
