/**
 * The hearing path's per-stream costs, on the built packages (`npm run bench:vad` builds first).
 *
 *   node bench/vad.js [--short]
 *
 * 1. Silero v5 VAD (onnxruntime-node, 1 intra-op thread, 64-sample context): µs per 32 ms
 *    frame, wall (each frame awaited, as a live stream runs it) and CPU (process.cpuUsage),
 *    and the CPU as a share of one core per live stream (CPU per frame / 32 ms). Then the same
 *    with several streams sharing the engine, frames interleaved, to show the cost per frame
 *    does not grow with streams.
 * 2. The streaming resampler (Speex wasm, SIMD, quality 4) on 20 ms chunks, per direction the
 *    server uses: µs per chunk and CPU per second of audio.
 *
 * The VAD's cost does not depend on what the audio says (a fixed network per frame), so the
 * input is synthetic: 1 s of silence, then a voiced-like harmonic signal, then noise.
 */
import { createResampler, createSileroVad, Framer } from '@parley/server';
import { machineDetails } from './lib/machine.js';

const short = process.argv.includes('--short');
const FRAMES = short ? 300 : 3000;
const WARMUP = short ? 30 : 200;
const STREAMS = [1, 4, 16];

function clip16k(seconds) {
  const rate = 16000;
  const out = new Int16Array(rate * seconds);
  let seed = 12345;
  for (let i = rate; i < out.length; i++) {
    const t = i / rate;
    if (i < out.length - rate) {
      const f0 = 120 + 30 * Math.sin(2 * Math.PI * 0.7 * t);
      let s = 0;
      for (let h = 1; h <= 8; h++) s += Math.sin(2 * Math.PI * f0 * h * t) / h;
      out[i] = Math.round(4000 * s * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t)));
    } else {
      seed = (seed * 1103515245 + 12345) >>> 0;
      out[i] = Math.round(((seed / 2 ** 32) - 0.5) * 1300);
    }
  }
  return out;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

const details = { ...machineDetails(), Run: `${short ? '--short: ' : ''}${FRAMES} frames per VAD measurement after ${WARMUP} warm-up frames` };
for (const [key, value] of Object.entries(details)) console.log(`${`${key}:`.padEnd(6)} ${value}`);

// 1. VAD
const loadStart = performance.now();
const engine = await createSileroVad();
const loadMs = performance.now() - loadStart;
const { frameMs, frameSamples, sampleRate } = engine.capabilities;
const frames = new Framer(frameSamples).push(clip16k(6));
console.log(`\nSilero VAD: ${engine.label}; loaded in ${loadMs.toFixed(1)} ms; ${frameSamples}-sample frames (${frameMs} ms at ${sampleRate / 1000} kHz)\n`);

const rows = [];
for (const streams of STREAMS) {
  const detectors = Array.from({ length: streams }, () => engine.createDetector());
  let k = 0;
  const next = () => frames[k++ % frames.length];
  for (let i = 0; i < WARMUP; i++) await Promise.all(detectors.map((d) => d.process(next())));
  const rounds = Math.ceil(FRAMES / streams);
  const wall = [];
  const cpu0 = cpuUs();
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    // One frame of each stream, submitted together: the streams' runs share the one session.
    await Promise.all(detectors.map((d) => d.process(next())));
    wall.push(((performance.now() - start) * 1000) / streams);
  }
  const totalMs = performance.now() - t0;
  const cpuPerFrame = (cpuUs() - cpu0) / (rounds * streams);
  for (const d of detectors) d.close();
  wall.sort((a, b) => a - b);
  rows.push({
    streams,
    mean: (totalMs * 1000) / (rounds * streams),
    p50: percentile(wall, 50),
    p99: percentile(wall, 99),
    cpu: cpuPerFrame,
    core: (cpuPerFrame / (frameMs * 1000)) * 100,
    realtime: Math.floor((frameMs * 1000) / cpuPerFrame),
  });
}
await engine.close();

const line = (cells, widths) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
const vadHead = ['streams', 'wall µs/frame', 'p50', 'p99', 'CPU µs/frame', '% of one core per stream', 'streams per core'];
const vadCells = rows.map((r) => [r.streams, r.mean.toFixed(1), r.p50.toFixed(1), r.p99.toFixed(1), r.cpu.toFixed(1), `${r.core.toFixed(2)} %`, r.realtime]);
const vadWidths = vadHead.map((h, i) => Math.max(h.length, ...vadCells.map((c) => String(c[i]).length)));
console.log(line(vadHead, vadWidths));
console.log(vadWidths.map((w) => '-'.repeat(w)).join('  '));
for (const c of vadCells) console.log(line(c, vadWidths));

// 2. Resampler
const SECONDS = short ? 2 : 20;
const pairs = [
  [24000, 16000, 'GA/beta pcm16 in → VAD'],
  [8000, 16000, 'G.711 / 8 kHz in → VAD'],
  [16000, 24000, 'TTS 16 kHz → pcm16 out'],
  [24000, 8000, 'pcm16 → G.711 out'],
];
console.log(`\nResampler: Speex wasm SIMD, quality 4, 20 ms chunks, ${SECONDS} s of audio per direction\n`);
const resHead = ['direction', 'use', 'µs per 20 ms chunk', 'CPU ms per s audio', '% of one core'];
const resCells = [];
for (const [inputRate, outputRate, use] of pairs) {
  const resampler = await createResampler({ inputRate, outputRate });
  const chunk = inputRate / 50;
  const input = new Int16Array(inputRate * SECONDS).map((_, i) => Math.round(10000 * Math.sin((2 * Math.PI * 1000 * i) / inputRate)));
  for (let at = 0; at < inputRate; at += chunk) resampler.process(input.subarray(at, at + chunk)); // warm-up: 1 s
  resampler.flush();
  const cpu0 = cpuUs();
  const t0 = performance.now();
  let produced = 0;
  for (let at = 0; at < input.length; at += chunk) produced += resampler.process(input.subarray(at, at + chunk)).length;
  produced += resampler.flush().length;
  const wallMs = performance.now() - t0;
  const cpuMs = (cpuUs() - cpu0) / 1000;
  resampler.close();
  if (produced !== outputRate * SECONDS) throw new Error(`resampler produced ${produced} samples, expected ${outputRate * SECONDS}`);
  const chunks = input.length / chunk;
  resCells.push([`${inputRate / 1000}k → ${outputRate / 1000}k`, use, ((wallMs * 1000) / chunks).toFixed(1), (cpuMs / SECONDS).toFixed(2), `${(cpuMs / SECONDS / 10).toFixed(3)} %`]);
}
const resWidths = resHead.map((h, i) => Math.max(h.length, ...resCells.map((c) => String(c[i]).length)));
console.log(line(resHead, resWidths));
console.log(resWidths.map((w) => '-'.repeat(w)).join('  '));
for (const c of resCells) console.log(line(c, resWidths));

const one = rows[0];
console.log(`\nPer live stream: VAD ${one.cpu.toFixed(0)} µs CPU per ${frameMs} ms frame = ${one.core.toFixed(2)} % of one core`);
