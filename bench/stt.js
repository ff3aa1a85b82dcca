/**
 * Speech recognition with pocketsphinx (in-process through koffi), on the built packages
 * (`npm run bench:stt` builds first). Needs `apt-get install pocketsphinx pocketsphinx-en-us`.
 *
 *   node bench/stt.js [--short]
 *
 * Speech: Flite's `slt` voice (16 kHz), with 0.5 s of silence either side.
 *
 * 1. Start-up: loading the libraries and the first decoder, then a second decoder.
 * 2. Throughput, one stream: each sentence written at once and decoded as fast as it goes, in
 *    100 ms chunks. RTF = wall time / audio time; CPU = process.cpuUsage() (which counts the
 *    worker threads) per second of audio; WER against the sentence.
 * 3. Live, one stream: 100 ms written every 100 ms, as a client sends it. The event loop's worst
 *    block (the largest gap of a 1 ms interval timer, minus 1 ms; its floor with nothing running
 *    is printed too) while audio is written and while the utterance is finished, and the latency
 *    from end() to the final transcript; with the native calls on worker threads (the default)
 *    and, for comparison, synchronous. Then the same with `-fwdflat no`, which skips the second
 *    search pass at the end of the utterance.
 * 4. Several streams at once, written at once: wall time per second of audio of all streams.
 */
import os from 'node:os';
import { PocketsphinxStt, transcribe } from '@parley/server';
import { flite } from './lib/flite.js';
import { machineDetails } from './lib/machine.js';

const short = process.argv.includes('--short');
const REPEAT = short ? 1 : 3;
const RATE = 16000;
const CHUNK = 1600;
const SENTENCES = [
  'what is the weather in paris today',
  'turn on the kitchen lights',
  "please remind me to call my mother at seven o'clock tomorrow evening and then book a table for two at the italian restaurant",
];

const details = {
  ...machineDetails(),
  Load: `${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (1, 5, 15 min; figures are noisy when this nears the core count)`,
  Run: `${short ? '--short: ' : ''}${REPEAT} run(s) of each measurement`,
};
for (const [key, value] of Object.entries(details)) console.log(`${`${key}:`.padEnd(6)} ${value}`);

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (n, digits = 1) => n.toFixed(digits);

function padded(samples) {
  const out = new Int16Array(samples.length + RATE);
  out.set(samples, RATE / 2);
  return out;
}

/** Word error rate of `hypothesis` against `reference` (edit distance over words). */
function wer(reference, hypothesis) {
  const r = reference.split(' ');
  const h = hypothesis.split(' ').filter(Boolean);
  let previous = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const row = [i];
    for (let j = 1; j <= h.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (r[i - 1] === h[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[h.length] / r.length;
}

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

const clips = [];
for (const text of SENTENCES) {
  const { sampleRate, samples } = await flite(text, 'slt');
  if (sampleRate !== RATE) throw new Error(`flite slt gave ${sampleRate} Hz`);
  clips.push({ text, samples: padded(samples), audioMs: ((samples.length + RATE) * 1000) / RATE });
}

// 1. Start-up.
const engine = new PocketsphinxStt({ maxIdleDecoders: 4 });
let t0 = performance.now();
await engine.warmup();
const firstMs = performance.now() - t0;
const two = [engine.open({ signal: AbortSignal.timeout(60_000) }), engine.open({ signal: AbortSignal.timeout(60_000) })];
t0 = performance.now();
// The first stream takes the idle decoder; the second makes a new one. End both at once.
for (const s of two) s.end();
await Promise.all(two.map(async (s) => { for await (const _ of s); }));
const secondMs = performance.now() - t0;
console.log(`\n${engine.label}\nStart-up: libraries + first decoder ${fmt(firstMs, 0)} ms; another decoder ${fmt(secondMs, 0)} ms (made while the first is reused)`);

// 2. Throughput, one stream.
console.log(`\nThroughput, one stream, written at once (median of ${REPEAT}):`);
console.log('audio s  RTF     CPU ms/s audio  WER    transcript');
let allAudio = 0;
let allCpu = 0;
let allWall = 0;
for (const clip of clips) {
  const wall = [];
  const cpu = [];
  let final;
  for (let i = 0; i < REPEAT; i++) {
    const c0 = cpuMs();
    const w0 = performance.now();
    final = await transcribe(engine, clip.samples, { signal: AbortSignal.timeout(60_000) });
    wall.push(performance.now() - w0);
    cpu.push(cpuMs() - c0);
  }
  allAudio += clip.audioMs;
  allWall += median(wall);
  allCpu += median(cpu);
  const seconds = clip.audioMs / 1000;
  console.log(
    `${fmt(seconds, 2).padStart(7)}  ${fmt(median(wall) / clip.audioMs, 3)}   ${fmt(median(cpu) / seconds, 0).padStart(14)}  ${fmt(100 * wer(clip.text, final.text), 0).padStart(3)} %  "${final.text}"`,
  );
}
console.log(`all      ${fmt(allWall / allAudio, 3)}   ${fmt(allCpu / (allAudio / 1000), 0).padStart(14)}`);

// 3. Live pace: event-loop blocks and end-of-speech latency.
async function live(stt, clip) {
  const meter = blockMeter();
  const stream = stt.open({ signal: AbortSignal.timeout(60_000) });
  let final;
  const reading = (async () => {
    for await (const event of stream) if (event.type === 'final') final = event;
  })();
  for (let at = 0; at < clip.samples.length; at += CHUNK) {
    stream.write(clip.samples.subarray(at, at + CHUNK));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const writing = meter.take();
  const e0 = performance.now();
  stream.end();
  await reading;
  const latency = performance.now() - e0;
  // A block shows when the timer next runs: give it two ticks.
  await new Promise((resolve) => setTimeout(resolve, 3));
  const finishing = meter.take();
  meter.stop();
  return { writing, finishing, latency, text: final.text };
}

const sync = new PocketsphinxStt({ offThread: false });
await sync.warmup();
const idle = blockMeter();
await new Promise((resolve) => setTimeout(resolve, short ? 1000 : 3000));
const floor = idle.take();
idle.stop();
console.log('\nLive, 100 ms written every 100 ms: worst event-loop block (ms) while writing / while finishing; end() → final (ms)');
console.log(`(the meter's own floor, idle: ${fmt(floor)} ms)`);
console.log('sentence   off-thread (default)          synchronous calls');
const liveClips = short ? clips.slice(0, 2) : clips;
for (const [i, clip] of liveClips.entries()) {
  const a = await live(engine, clip);
  const b = await live(sync, clip);
  if (a.text !== b.text) throw new Error(`the two modes disagree: "${a.text}" vs "${b.text}"`);
  const cell = (r) => `${fmt(r.writing).padStart(5)} / ${fmt(r.finishing).padStart(5)}; ${fmt(r.latency, 0).padStart(4)} ms`;
  console.log(`${String(i + 1).padEnd(10)} ${cell(a).padEnd(29)} ${cell(b)}`);
}
await sync.close();

const fast = new PocketsphinxStt({ args: { '-fwdflat': 'no' } });
await fast.warmup();
console.log("\nThe same, off-thread, with args { '-fwdflat': 'no' } (no second pass at the end):");
for (const [i, clip] of liveClips.entries()) {
  const r = await live(fast, clip);
  console.log(`${String(i + 1).padEnd(10)} ${fmt(r.writing).padStart(5)} / ${fmt(r.finishing).padStart(5)}; ${fmt(r.latency, 0).padStart(4)} ms  "${r.text}"`);
}
await fast.close();

// 4. Several streams at once.
console.log(`\nStreams at once, written at once (sentence 1, median of ${REPEAT}):`);
console.log('streams  wall ms per s of audio (all streams)  CPU ms per s of audio');
for (const n of [1, 2, 4]) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < REPEAT + 1; i++) {
    const c0 = cpuMs();
    const w0 = performance.now();
    await Promise.all(Array.from({ length: n }, () => transcribe(engine, clips[0].samples, { signal: AbortSignal.timeout(60_000) })));
    if (i === 0) continue; // the first round may make decoders
    wall.push(performance.now() - w0);
    cpu.push(cpuMs() - c0);
  }
  const audioS = (n * clips[0].audioMs) / 1000;
  console.log(`${String(n).padStart(7)}  ${fmt(median(wall) / audioS, 0).padStart(36)}  ${fmt(median(cpu) / audioS, 0).padStart(21)}`);
}
const rss = process.memoryUsage().rss / 2 ** 20;
console.log(`\nDecoders loaded: ${engine.stats().decoders}; process RSS ${fmt(rss, 0)} MB`);
await engine.close();
