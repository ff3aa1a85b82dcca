/**
 * A speech engine for tests of the speaking pipeline's own logic: each word is WORD_MS of a tone
 * at 16 kHz (a different pitch per word, so audio can be told apart), with exact word and phoneme
 * marks, in chunks of CHUNK_MS. Real speech is tested with the Flite engine.
 */
import { ParleyError, type Voice } from '@parley/protocol';
import type { TtsChunk, TtsEngine, TtsMark, TtsRequest } from '../../src/engines/tts/index.js';

export const TONE_RATE = 16_000;
export const WORD_MS = 200;
const CHUNK_MS = 50;

export class ToneTts implements TtsEngine {
  readonly label = 'tone';
  readonly capabilities = { sampleRate: TONE_RATE, voices: ['tone'], wordTimings: true, phonemeTimings: true, speed: true };
  /** Clauses asked for, in order. */
  readonly requests: TtsRequest[] = [];
  /** Delay before each chunk, in ms (a slow engine). */
  delayMs = 0;

  resolveVoice(voice: Voice): string {
    const name = typeof voice === 'string' ? voice : 'name' in voice ? voice.name : voice.id;
    if (name === 'nobody') throw new ParleyError('invalid_value', `Unknown voice 'nobody'.`, { param: 'voice' });
    return 'tone';
  }

  async *synthesize(request: TtsRequest): AsyncIterable<TtsChunk> {
    this.requests.push(request);
    const words = request.text.split(/\s+/).filter(Boolean);
    const wordMs = WORD_MS / (request.speed ?? 1);
    const total = Math.round((words.length * wordMs * TONE_RATE) / 1000);
    const audio = new Int16Array(total);
    const marks: TtsMark[] = [];
    words.forEach((word, i) => {
      const startMs = i * wordMs;
      marks.push({ type: 'word', text: word, startMs, endMs: startMs + wordMs });
      // Two phones a word: a bilabial then an open vowel.
      marks.push({ type: 'phoneme', text: 'm', startMs, endMs: startMs + wordMs / 2 });
      marks.push({ type: 'phoneme', text: 'aa', startMs: startMs + wordMs / 2, endMs: startMs + wordMs });
    });
    for (let n = 0; n < total; n++) {
      const word = Math.floor((n * 1000) / TONE_RATE / wordMs);
      audio[n] = Math.round(8000 * Math.sin((2 * Math.PI * (300 + 50 * word) * n) / TONE_RATE));
    }
    const step = (CHUNK_MS * TONE_RATE) / 1000;
    for (let at = 0; at < total; at += step) {
      if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      request.signal.throwIfAborted();
      const fromMs = (at * 1000) / TONE_RATE;
      const toMs = (Math.min(total, at + step) * 1000) / TONE_RATE;
      yield { audio: audio.subarray(at, at + step), marks: marks.filter((m) => m.startMs >= fromMs && m.startMs < toMs) };
    }
  }
}
