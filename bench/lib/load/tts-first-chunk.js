/**
 * The speech engine's own share of a spoken answer's first audio: `synthesize()` → first chunk
 * for the answer's first clause ("Sure," for "Sure, it is …": the clause splitter lets a first
 * clause be one word), on the server's engine (FliteTts, voice alloy → slt), on its own.
 */
import { spread } from './turns.js';

const RUNS = 15;

export async function firstChunkMs(tts, answer) {
  const clause = answer.split(/(?<=[,.!?])\s/)[0];
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    for await (const _ of tts.synthesize({ text: clause, voice: tts.resolveVoice('alloy'), signal: AbortSignal.timeout(10_000) })) {
      times.push(performance.now() - started);
      break;
    }
  }
  return { clause, ...spread(times.slice(3)) };
}
