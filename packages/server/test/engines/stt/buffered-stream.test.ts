/**
 * The stream of whole-utterance STT engines (HTTP transcriptions, whisper.cpp) lets go of itself
 * once finished. Each one listens to a signal made with `AbortSignal.any` from the session's
 * signal and the engine's own, which lives as long as the engine: a listener left on it kept
 * every stream, with its audio, for the life of the server.
 */
import { describe, expect, it } from 'vitest';
import { BufferedSttStream } from '../../../src/engines/stt/buffered.js';
import { collectGarbage } from '../../support/gc.js';

async function finishedStream(engineLifetime: AbortSignal, outcome: 'transcribed' | 'failed'): Promise<WeakRef<BufferedSttStream>> {
  const session = new AbortController();
  const stream = new BufferedSttStream(AbortSignal.any([session.signal, engineLifetime]), 16_000, async () => {
    if (outcome === 'failed') throw new Error('the server answered 500');
    return { text: 'hello' };
  });
  stream.write(new Int16Array(16_000));
  stream.end();
  await (async () => {
    for await (const _event of stream);
  })().catch(() => {});
  return new WeakRef(stream);
}

describe('BufferedSttStream', () => {
  it.each(['transcribed', 'failed'] as const)('is garbage once %s, though the engine lives on', async (outcome) => {
    const engineLifetime = new AbortController();
    const streams = await Promise.all(Array.from({ length: 10 }, () => finishedStream(engineLifetime.signal, outcome)));
    await collectGarbage();
    expect(streams.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    engineLifetime.abort();
  });
});
