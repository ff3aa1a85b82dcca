/**
 * What every load-test session says, over and over: one Flite sentence made by the server's own
 * speech engine (`FliteTts`, voice `slt`), with its true end known from Flite's phone marks (the
 * end of the last phone that is not a pause), in a loop of 24 kHz PCM16:
 *
 *   [lead 500 ms] [sentence] [gap: the answer's playback, ≥ 2.5 s] → repeat
 *
 * The loop's length is a whole number of appends and of 32 ms VAD frames, so every loop lands
 * on the same frame grid and the server hears each one the same way. Silence is a low noise
 * floor, not digital zero. The loop is cut into appends of `chunkMs`, each a ready-to-send
 * `input_audio_buffer.append` frame.
 */
import { FliteTts, resample } from '@parley/server';

export const INPUT_RATE = 24_000;
export const SENTENCE = 'what is the weather in paris today';
const LEAD_MS = 500;
const MIN_GAP_MS = 2500;
const VAD_FRAME_MS = 32;

const gcd = (a, b) => (b === 0 ? a : gcd(b, a % b));

/** The sentence as 16 kHz PCM16 and where its last spoken phone ends, from the server's Flite engine. */
export async function speakSentence(tts, text = SENTENCE, voice = 'slt') {
  const parts = [];
  let speechEndMs = 0;
  for await (const chunk of tts.synthesize({ text, voice, signal: AbortSignal.timeout(30_000) })) {
    for (const mark of chunk.marks) if (mark.type === 'phoneme' && mark.text !== 'pau') speechEndMs = Math.max(speechEndMs, mark.endMs);
    parts.push(chunk.audio);
  }
  const samples = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (samples.set(p, at), at + p.length), 0);
  return { samples, sampleRate: tts.capabilities.sampleRate, speechEndMs };
}

/** Deterministic noise at about −55 dBFS. */
function noiseFloor(n, seed = 1) {
  let state = seed;
  return Int16Array.from({ length: n }, () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0), Math.round((state / 2 ** 32 - 0.5) * 100)));
}

/**
 * The loop and its appends. `speechEndMs` is the sentence's true end in the loop's clock;
 * `frames[i]` is append i as a UTF-8 JSON text.
 */
export async function buildFixture({ chunkMs = 20, tts = null } = {}) {
  const engine = tts ?? new FliteTts({ workers: 1 });
  try {
    const sentence = await speakSentence(engine);
    const speech = await resample(sentence.samples, sentence.sampleRate, INPUT_RATE);
    const grid = (chunkMs * VAD_FRAME_MS) / gcd(chunkMs, VAD_FRAME_MS);
    const speechMs = (speech.length * 1000) / INPUT_RATE;
    const loopMs = Math.ceil((LEAD_MS + speechMs + MIN_GAP_MS) / grid) * grid;
    const loop = noiseFloor((loopMs * INPUT_RATE) / 1000);
    loop.set(speech, (LEAD_MS * INPUT_RATE) / 1000);
    const bytes = Buffer.from(loop.buffer, loop.byteOffset, loop.byteLength);
    const chunkBytes = (chunkMs * INPUT_RATE * 2) / 1000;
    const chunks = [];
    for (let at = 0; at < bytes.length; at += chunkBytes) chunks.push(bytes.subarray(at, at + chunkBytes));
    return {
      text: SENTENCE,
      chunkMs,
      chunkBytes,
      loopMs,
      loopChunks: chunks.length,
      speechStartMs: LEAD_MS,
      speechEndMs: LEAD_MS + sentence.speechEndMs,
      chunks,
      frames: chunks.map((c) => JSON.stringify({ type: 'input_audio_buffer.append', audio: c.toString('base64') })),
    };
  } finally {
    if (!tts) await engine.close();
  }
}
