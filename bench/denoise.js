/**
 * What noise reduction (`input_audio_noise_reduction` / GA `audio.input.noise_reduction`) costs
 * per stream, on the built packages (`npm run bench:denoise` builds first).
 *
 *   node bench/denoise.js [--short]
 *
 * With noise reduction on, the hearing path's one resampler (input rate → 16 kHz) becomes three
 * steps: a resampler to 48 kHz, the RNNoise denoiser (480-sample frames), a resampler 48 kHz →
 * 16 kHz. For each input rate the server takes (24, 16 and 8 kHz), this runs both chains on the
 * same audio in 20 ms chunks (a client's usual append) and reports CPU ms per second of audio
 * (`process.cpuUsage()`; 10 ms/s = 1 % of one core): the whole chain, the plain path, and the
 * difference — what turning noise reduction on adds. Then the denoiser alone, per 10 ms frame.
 *
 * RNNoise's cost does not depend much on what the audio holds (a fixed network per frame, plus
 * a pitch search), so the input is synthetic: a voiced-like harmonic signal in brown noise.
 * Each figure is the median of ROUNDS rounds, after one untimed warm-up round.
 */
import { concatInt16, createDenoiser, createResampler, DENOISER_FRAME_SAMPLES, DENOISER_RATE, HEARING_RATE } from '@parley/server';
import { machineDetails } from './lib/machine.js';

const short = process.argv.includes('--short');
const SECONDS = short ? 2 : 10;
const ROUNDS = short ? 3 : 5;
const CHUNK_MS = 20;
const RATES = [
  [24000, 'GA/beta/Voice Live pcm16'],
  [16000, 'Voice Live pcm16 at 16 kHz'],
  [8000, 'G.711, Voice Live 8 kHz'],
];

const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** `seconds` of a harmonic signal with a moving pitch and syllable-like envelope, in brown noise, at `rate`. */
function clip(rate, seconds) {
  const out = new Int16Array(rate * seconds);
  let seed = 12345;
  let brown = 0;
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / rate;
    phase += (2 * Math.PI * (120 + 30 * Math.sin(2 * Math.PI * 0.7 * t))) / rate;
    let voiced = 0;
    for (let h = 1; h <= 8; h++) voiced += Math.sin(h * phase) / h;
    seed = (seed * 1103515245 + 12345) >>> 0;
    brown = 0.995 * brown + (seed / 2 ** 32 - 0.5);
    out[i] = Math.round(3000 * voiced * Math.max(0, Math.sin(2 * Math.PI * 2 * t)) + 400 * brown);
  }
  return out;
}

/** CPU µs to push `input` through freshly made `steps` in CHUNK_MS chunks, flush included; checks the output length. */
async function run(makeSteps, input, inputRate) {
  const steps = await makeSteps();
  const chunk = (inputRate * CHUNK_MS) / 1000;
  let produced = 0;
  const cpu0 = cpuUs();
  for (let at = 0; at < input.length; at += chunk) {
    let samples = input.subarray(at, at + chunk);
    for (const step of steps) samples = step.process(samples);
    produced += samples.length;
  }
  let tail = new Int16Array(0);
  for (const step of steps) tail = concatInt16([step.process(tail), step.flush()]);
  produced += tail.length;
  const cpu = cpuUs() - cpu0;
  for (const step of steps) step.close();
  const expected = (input.length * HEARING_RATE) / inputRate;
  if (produced !== expected) throw new Error(`chain produced ${produced} samples at 16 kHz, expected ${expected}`);
  return cpu;
}

async function measure(makeSteps, input, inputRate) {
  await run(makeSteps, input, inputRate); // warm-up
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(await run(makeSteps, input, inputRate));
  return median(rounds) / 1000 / SECONDS; // ms CPU per s audio
}

const details = { ...machineDetails(), Run: `${short ? '--short: ' : ''}${SECONDS} s of audio per round, ${CHUNK_MS} ms chunks, median of ${ROUNDS} rounds` };
for (const [key, value] of Object.entries(details)) console.log(`${`${key}:`.padEnd(6)} ${value}`);

const line = (cells, widths) => cells.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
function print(head, cells) {
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => String(c[i]).length)));
  console.log(line(head, widths));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c, widths));
}

console.log(`\nNoise reduction on vs off: input → 16 kHz for the VAD and STT, CPU ms per second of audio\n`);
const cells = [];
for (const [inputRate, use] of RATES) {
  const input = clip(inputRate, SECONDS);
  const plain = await measure(async () => [await createResampler({ inputRate, outputRate: HEARING_RATE })], input, inputRate);
  const denoised = await measure(
    async () => [
      await createResampler({ inputRate, outputRate: DENOISER_RATE }),
      await createDenoiser(),
      await createResampler({ inputRate: DENOISER_RATE, outputRate: HEARING_RATE }),
    ],
    input,
    inputRate,
  );
  const added = denoised - plain;
  cells.push([`${inputRate / 1000}k`, use, denoised.toFixed(2), plain.toFixed(2), added.toFixed(2), `${(added / 10).toFixed(2)} %`]);
}
print(['input', 'format', 'on: → 48k → RNNoise → 16k', 'off: → 16k', 'added by noise reduction', '% of one core'], cells);
console.log('(16 kHz input with noise reduction off needs no resampler: the samples pass through.)');

// The denoiser alone, frame by frame.
const FRAMES = short ? 500 : 3000;
const frames48k = clip(DENOISER_RATE, Math.ceil((FRAMES * DENOISER_FRAME_SAMPLES) / DENOISER_RATE) + 1);
const denoiser = await createDenoiser();
for (let f = 0; f < 200; f++) denoiser.process(frames48k.subarray(f * DENOISER_FRAME_SAMPLES, (f + 1) * DENOISER_FRAME_SAMPLES));
denoiser.reset();
const wall = [];
const cpu0 = cpuUs();
for (let f = 0; f < FRAMES; f++) {
  const start = performance.now();
  denoiser.process(frames48k.subarray(f * DENOISER_FRAME_SAMPLES, (f + 1) * DENOISER_FRAME_SAMPLES));
  wall.push((performance.now() - start) * 1000);
}
const cpuPerFrame = (cpuUs() - cpu0) / FRAMES;
denoiser.close();
wall.sort((a, b) => a - b);
const frameMs = (DENOISER_FRAME_SAMPLES / DENOISER_RATE) * 1000;
console.log(
  `\nRNNoise alone: ${FRAMES} frames of ${DENOISER_FRAME_SAMPLES} samples (${frameMs} ms): ` +
    `CPU ${cpuPerFrame.toFixed(0)} µs per frame = ${(cpuPerFrame / frameMs).toFixed(1)} ms per s audio (${(cpuPerFrame / frameMs / 10).toFixed(2)} % of one core); ` +
    `wall p50 ${wall[Math.floor(wall.length / 2)].toFixed(0)} µs, p99 ${wall[Math.floor(wall.length * 0.99)].toFixed(0)} µs`,
);
