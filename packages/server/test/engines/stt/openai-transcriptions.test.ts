/**
 * The OpenAI-compatible `/v1/audio/transcriptions` engine against a scripted local server that
 * parses the multipart body and the WAV in it: what is sent, how answers are read, how it fails
 * and aborts. The behaviour every STT engine shares is in conformance/stt.conformance.test.ts.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ParleyError, type ErrorCode } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SttEvent, SttStream } from '../../../src/engines/stt/index.js';
import {
  audioTranscriptionsUrl,
  OpenAiTranscriptionsStt,
  transcriptionLanguage,
  type OpenAiTranscriptionsOptions,
} from '../../../src/engines/stt/openai-transcriptions.js';
import { startScriptedTranscriptions, type ScriptedTranscriptions } from '../../support/scripted-transcriptions.js';

let server: ScriptedTranscriptions;
beforeEach(async () => {
  server = await startScriptedTranscriptions();
});
afterEach(async () => {
  await server.close();
});

function engine(options: Partial<OpenAiTranscriptionsOptions> = {}): OpenAiTranscriptionsStt {
  return new OpenAiTranscriptionsStt({ baseUrl: server.url, model: 'whisper-test', timeoutMs: 5_000, ...options });
}

/** `n` samples of a ramp over the whole int16 range (both bytes of every sample vary). */
function ramp(n: number): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => ((i * 263) % 65536) - 32768);
}

interface Outcome {
  events: SttEvent[];
  error?: unknown;
}

async function drain(stream: SttStream): Promise<Outcome> {
  const events: SttEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events };
  } catch (error) {
    return { events, error };
  }
}

/** Writes `pcm` in pieces of awkward sizes, ends the stream, and collects its events. */
async function run(stt: OpenAiTranscriptionsStt, pcm: Int16Array, options: { language?: string; prompt?: string; signal?: AbortSignal } = {}): Promise<Outcome> {
  const stream = stt.open({ signal: options.signal ?? new AbortController().signal, language: options.language, prompt: options.prompt });
  const sizes = [1, 333, 1600, 7, 4000];
  for (let at = 0, k = 0; at < pcm.length; k++) {
    const n = sizes[k % sizes.length]!;
    stream.write(pcm.subarray(at, at + n));
    at += n;
  }
  stream.end();
  return drain(stream);
}

function expectParleyError(outcome: Outcome, code: ErrorCode): ParleyError {
  expect(outcome.error, `expected ${code}`).toBeInstanceOf(ParleyError);
  const error = outcome.error as ParleyError;
  expect(error.code).toBe(code);
  return error;
}

async function freePort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe('OpenAiTranscriptionsStt', () => {
  it('posts the utterance as a 16 kHz PCM16 mono WAV with model, language, prompt and json, and reads the text', async () => {
    server.enqueue({ transcript: { text: '  What is the weather in Paris today?\n' } });
    const pcm = ramp(24_001);
    const stt = engine({ apiKey: 'sk-test' });
    expect(stt.capabilities).toEqual({ partials: false, wordTimings: false, sampleRate: 16000 });
    const outcome = await run(stt, pcm, { language: 'en-US', prompt: 'Paris, weather' });
    expect(outcome.error).toBeUndefined();
    expect(outcome.events).toEqual([{ type: 'final', text: 'What is the weather in Paris today?', delta: 'What is the weather in Paris today?', audioMs: (24_001 * 1000) / 16000 }]);

    const [req] = server.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/v1/audio/transcriptions');
    expect(req!.headers.authorization).toBe('Bearer sk-test');
    expect(req!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(req!.fields).toEqual({ model: ['whisper-test'], language: ['en'], prompt: ['Paris, weather'], response_format: ['json'] });
    expect(req!.file).toMatchObject({ name: 'file', filename: 'audio.wav', contentType: 'audio/wav' });
    // The canonical 44-byte header, then exactly the samples written, in order.
    expect(req!.file!.data.length).toBe(44 + 2 * pcm.length);
    expect(req!.wav).toMatchObject({ format: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16, dataSize: 2 * pcm.length, riffSize: 36 + 2 * pcm.length });
    expect(req!.file!.data.readUInt32LE(28)).toBe(32000); // byte rate
    expect(req!.file!.data.readUInt16LE(32)).toBe(2); // block align
    expect(req!.wav!.samples).toEqual(pcm);
  });

  it('sends at the configured rate', async () => {
    const stt = engine({ sampleRate: 24000 });
    expect(stt.capabilities.sampleRate).toBe(24000);
    const outcome = await run(stt, ramp(4800));
    expect(outcome.events).toEqual([{ type: 'final', text: '', delta: '', audioMs: 200 }]);
    expect(server.requests[0]!.wav).toMatchObject({ sampleRate: 24000, dataSize: 9600 });
    expect(() => engine({ sampleRate: 44_100.5 })).toThrow(RangeError);
  });

  it('asks for verbose_json with word timestamps when wordTimings is on, and reads the words', async () => {
    server.enqueue({
      transcript: {
        text: 'Turn on the lights.',
        words: [
          { word: ' Turn', start: 0.5, end: 0.72, probability: 0.91 },
          { word: 'on', start: 0.72, end: 0.85 },
          { word: 'the', start: 0.85, end: 0.93, probability: 7 }, // out of range: dropped
          { word: 'lights', start: 0.93, end: 1.4 },
        ],
      },
    });
    const stt = engine({ wordTimings: true });
    expect(stt.capabilities.wordTimings).toBe(true);
    const outcome = await run(stt, ramp(32000));
    expect(server.requests[0]!.fields.response_format).toEqual(['verbose_json']);
    expect(server.requests[0]!.fields['timestamp_granularities[]']).toEqual(['word']);
    expect(outcome.events).toHaveLength(1);
    const final = outcome.events[0]!;
    expect(final).toMatchObject({ type: 'final', text: 'Turn on the lights.', audioMs: 2000 });
    expect(final.type === 'final' && final.words).toEqual([
      { text: 'Turn', startMs: 500, endMs: 720, confidence: 0.91 },
      { text: 'on', startMs: 720, endMs: 850 },
      { text: 'the', startMs: 850, endMs: 930 },
      { text: 'lights', startMs: 930, endMs: 1400 },
    ]);
  });

  it('reads words that a server puts inside its segments', async () => {
    server.enqueue({
      raw: { contentType: 'application/json', body: JSON.stringify({ text: 'hi there', segments: [{ words: [{ word: ' hi', start: 0, end: 0.2 }] }, { words: [{ word: ' there', start: 0.2, end: 0.5 }] }] }) },
    });
    const outcome = await run(engine({ wordTimings: true }), ramp(8000));
    const final = outcome.events[0]!;
    expect(final.type === 'final' && final.words).toEqual([
      { text: 'hi', startMs: 0, endMs: 200 },
      { text: 'there', startMs: 200, endMs: 500 },
    ]);
  });

  it('leaves out language when none or several are asked for, a blank prompt, and adds extra fields', async () => {
    await run(engine({ extraFields: { temperature: '0' } }), ramp(100), { language: 'en,fr', prompt: '  ' });
    await run(engine(), ramp(100));
    expect(server.requests[0]!.fields).toEqual({ model: ['whisper-test'], response_format: ['json'], temperature: ['0'] });
    expect(server.requests[1]!.fields).toEqual({ model: ['whisper-test'], response_format: ['json'] });
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('gives an empty final for an utterance with no audio, without asking the server', async () => {
    const outcome = await run(engine(), new Int16Array(0));
    expect(outcome.events).toEqual([{ type: 'final', text: '', delta: '', audioMs: 0 }]);
    expect(server.requests).toHaveLength(0);
  });

  it('accepts a plain-text answer from a server that ignores response_format', async () => {
    server.enqueue({ raw: { contentType: 'text/plain; charset=utf-8', body: 'hello world\n' } });
    const outcome = await run(engine(), ramp(1600));
    expect(outcome.events).toMatchObject([{ type: 'final', text: 'hello world' }]);
  });

  it('refuses a language outside the declared ones', async () => {
    const outcome = await run(engine({ languages: ['en'] }), ramp(1600), { language: 'de' });
    expect(expectParleyError(outcome, 'unsupported_feature').message).toContain('"de"');
    expect(server.requests).toHaveLength(0);
    expect((await run(engine({ languages: ['en'] }), ramp(1600), { language: 'en-GB' })).error).toBeUndefined();
  });

  describe('failures', () => {
    it('reports an HTTP error status with the server message as engine_http_error', async () => {
      server.enqueue({ status: 400, body: JSON.stringify({ error: { message: 'Audio file is too short.' } }) });
      const error = expectParleyError(await run(engine(), ramp(800)), 'engine_http_error');
      expect(error.message).toContain('HTTP 400');
      expect(error.message).toContain('Audio file is too short.');
      server.enqueue({ status: 422, body: JSON.stringify({ detail: [{ msg: 'field required' }] }) });
      expect(expectParleyError(await run(engine(), ramp(800)), 'engine_http_error').message).toContain('field required');
      server.enqueue({ status: 503, body: 'upstream overloaded' });
      expect(expectParleyError(await run(engine(), ramp(800)), 'engine_http_error').message).toContain('HTTP 503: upstream overloaded');
    });

    it('reports a refused connection as engine_unreachable', async () => {
      const stt = new OpenAiTranscriptionsStt({ baseUrl: `http://127.0.0.1:${await freePort()}/v1`, model: 'm' });
      expect(expectParleyError(await run(stt, ramp(800)), 'engine_unreachable').message).toContain('ECONNREFUSED');
    });

    it('reports no answer within timeoutMs as engine_timeout, and closes the request', async () => {
      server.enqueue({ neverAnswer: true });
      const started = performance.now();
      const error = expectParleyError(await run(engine({ timeoutMs: 300 }), ramp(800)), 'engine_timeout');
      expect(error.message).toContain('300 ms');
      expect(performance.now() - started).toBeLessThan(3000);
      await server.requests[0]!.aborted;
    });

    it('reports a cut connection and answers that are not transcriptions as engine_stream_error', async () => {
      server.enqueue({ hangUp: true });
      expectParleyError(await run(engine(), ramp(800)), 'engine_stream_error');
      server.enqueue({ raw: { contentType: 'application/json', body: '{"text": "unterminated' } });
      expect(expectParleyError(await run(engine(), ramp(800)), 'engine_stream_error').message).toContain('not JSON');
      server.enqueue({ raw: { contentType: 'application/json', body: '{"error": null}' } });
      expect(expectParleyError(await run(engine(), ramp(800)), 'engine_stream_error').message).toContain('without a text field');
    });
  });

  describe('abort', () => {
    it('throws the reason at once and closes the request when aborted while the server works', async () => {
      server.enqueue({ neverAnswer: true });
      const controller = new AbortController();
      const stream = engine().open({ signal: controller.signal });
      stream.write(ramp(1600));
      stream.end();
      const outcome = drain(stream);
      await server.request(0);
      const reason = new Error('barge-in');
      controller.abort(reason);
      expect((await outcome).error).toBe(reason);
      await server.requests[0]!.aborted;
    });

    it('sends nothing when aborted before end()', async () => {
      const controller = new AbortController();
      const stream = engine().open({ signal: controller.signal });
      stream.write(ramp(1600));
      controller.abort('gone');
      stream.end();
      expect(await drain(stream)).toEqual({ events: [], error: 'gone' });
      expect(server.requests).toHaveLength(0);
    });

    it('close() aborts the transcriptions in flight', async () => {
      server.enqueue({ neverAnswer: true });
      const stt = engine();
      const stream = stt.open({ signal: new AbortController().signal });
      stream.write(ramp(1600));
      stream.end();
      const outcome = drain(stream);
      await server.request(0);
      await stt.close();
      expect(expectParleyError(await outcome, 'engine_unavailable').message).toContain('closed');
      await server.requests[0]!.aborted;
    });
  });

  it('builds the endpoint URL and the language field', () => {
    expect(audioTranscriptionsUrl('http://h:1/v1/')).toBe('http://h:1/v1/audio/transcriptions');
    expect(audioTranscriptionsUrl('http://h:1/v1/audio/transcriptions')).toBe('http://h:1/v1/audio/transcriptions');
    expect(transcriptionLanguage('en-US')).toBe('en');
    expect(transcriptionLanguage('PT_br')).toBe('pt');
    expect(transcriptionLanguage(' de ')).toBe('de');
    expect(transcriptionLanguage('en, fr')).toBeUndefined();
    expect(transcriptionLanguage('')).toBeUndefined();
    expect(transcriptionLanguage(undefined)).toBeUndefined();
    expect(transcriptionLanguage('english')).toBeUndefined();
  });
});
