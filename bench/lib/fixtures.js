/** What the benchmarks feed Parley: 100 ms of audio as client and server events, and a session. */
import { createCodec, newId } from '@parley/protocol';
import { Session, silentLogger } from '@parley/server';

export const SAMPLE_RATE = 24_000;
/** Bytes of 24 kHz PCM16 mono per millisecond. */
export const BYTES_PER_MS = (SAMPLE_RATE * 2) / 1000;

/** `ms` of a 440 Hz tone as 24 kHz PCM16 mono little-endian: 48 bytes per ms. */
export function pcmChunk(ms) {
  const samples = (SAMPLE_RATE * ms) / 1000;
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    pcm.writeInt16LE(Math.round(12_000 * Math.sin((2 * Math.PI * 440 * i) / SAMPLE_RATE)), i * 2);
  }
  return pcm;
}

/** A client `input_audio_buffer.append` frame as a GA client sends it. */
export function appendFrame(audioBase64) {
  return JSON.stringify({ type: 'input_audio_buffer.append', event_id: 'event_bench_append', audio: audioBase64 });
}

/** A canonical `response.output_audio.delta`, as the session hands it to the transport. */
export function outputAudioDelta(audioBase64) {
  return {
    type: 'response.output_audio.delta',
    event_id: newId('event'),
    response_id: newId('resp'),
    item_id: newId('item'),
    output_index: 0,
    content_index: 0,
    delta: audioBase64,
  };
}

/** An LLM engine that must never be asked: appends do not start responses. */
const unusedLlm = {
  label: 'bench(unused)',
  capabilities: { tools: false, images: false },
  stream() {
    throw new Error('the benchmark does not create responses');
  },
};

export const CLEAR_EVENT = { type: 'input_audio_buffer.clear' };

/**
 * A real Session with a no-op sink. `errors` collects any `error` event it sends, so a run
 * that silently measured the error path can be caught.
 */
export function benchSession() {
  const errors = [];
  const session = new Session({
    profile: { name: 'bench', llm: unusedLlm, instructions: '', voice: 'alloy' },
    send: (event) => {
      if (event.type === 'error') errors.push(event.error);
    },
    logger: silentLogger,
  });
  return { session, errors };
}

/**
 * Before timing anything, prove that the measured paths do what they claim: the frame decodes
 * to 9600 bytes, the session buffers them (a commit of exactly 100 ms succeeds and the item
 * retrieved holds the same audio), and every dialect encodes the output delta under its own name.
 */
export function checkFixtures({ pcm, frame, delta }) {
  const decoded = createCodec('ga').decode(frame);
  if (!decoded.ok) throw new Error(`append frame does not decode: ${decoded.error.message}`);
  if (!decoded.event.audio.equals(pcm)) throw new Error('decoded audio differs from the PCM chunk');

  const sent = [];
  const session = new Session({
    profile: { name: 'bench', llm: unusedLlm, instructions: '', voice: 'alloy' },
    send: (event) => sent.push(event),
    logger: silentLogger,
  });
  session.handle(decoded.event);
  session.handle({ type: 'input_audio_buffer.commit' });
  const committed = sent.find((e) => e.type === 'input_audio_buffer.committed');
  if (committed) session.handle({ type: 'conversation.item.retrieve', item_id: committed.item_id });
  const retrieved = sent.find((e) => e.type === 'conversation.item.retrieved');
  if (retrieved?.item.content[0].audio !== pcm.toString('base64')) {
    throw new Error(`append did not reach the input buffer: ${JSON.stringify(sent.map((e) => e.error ?? e.type))}`);
  }

  const expected = { ga: 'response.output_audio.delta', beta: 'response.audio.delta', voicelive: 'response.audio.delta' };
  for (const [dialect, type] of Object.entries(expected)) {
    const wire = JSON.parse(createCodec(dialect).encode(delta) ?? 'null');
    if (wire?.type !== type || wire.delta !== delta.delta) throw new Error(`${dialect} does not encode the audio delta as ${type}`);
  }
}
