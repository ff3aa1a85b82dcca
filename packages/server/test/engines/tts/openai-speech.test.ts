/**
 * The OpenAI-compatible `/v1/audio/speech` engine against a scripted local server: what it asks,
 * how it streams PCM cut at awkward places, and how it fails and aborts.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ParleyError, type ErrorCode } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TtsChunk, TtsRequest } from '../../../src/engines/tts/index.js';
import { audioSpeechUrl, OpenAiSpeechTts, Pcm16Decoder, type OpenAiSpeechOptions } from '../../../src/engines/tts/openai-speech.js';
import { startScriptedSpeech, type ScriptedSpeech } from '../../support/scripted-speech.js';

let server: ScriptedSpeech;
beforeEach(async () => {
  server = await startScriptedSpeech();
});
afterEach(async () => {
  await server.close();
});

function engine(options: Partial<OpenAiSpeechOptions> = {}): OpenAiSpeechTts {
  return new OpenAiSpeechTts({ baseUrl: server.url, model: 'tts-test', connectTimeoutMs: 5_000, idleTimeoutMs: 5_000, ...options });
}

function request(overrides: Partial<TtsRequest> = {}): TtsRequest {
  return { text: 'Hello there.', voice: 'alloy', signal: new AbortController().signal, ...overrides };
}

/** `n` samples of a ramp that crosses zero and uses both bytes, as little-endian PCM16. */
function pcm(n: number): { samples: Int16Array; bytes: Uint8Array } {
  const samples = Int16Array.from({ length: n }, (_, i) => ((i * 263) % 65536) - 32768);
  const bytes = new Uint8Array(n * 2);
  const view = new DataView(bytes.buffer);
  samples.forEach((s, i) => view.setInt16(i * 2, s, true));
  return { samples, bytes };
}

interface Outcome {
  chunks: TtsChunk[];
  audio: Int16Array;
  error?: unknown;
}

async function run(stream: AsyncIterable<TtsChunk>, onChunk?: (chunk: TtsChunk, chunks: TtsChunk[]) => void): Promise<Outcome> {
  const chunks: TtsChunk[] = [];
  const collect = () => {
    const audio = new Int16Array(chunks.reduce((n, c) => n + c.audio.length, 0));
    let at = 0;
    for (const c of chunks) {
      audio.set(c.audio, at);
      at += c.audio.length;
    }
    return audio;
  };
  try {
    for await (const chunk of stream) {
      chunks.push(chunk);
      onChunk?.(chunk, chunks);
    }
    return { chunks, audio: collect() };
  } catch (error) {
    return { chunks, audio: collect(), error };
  }
}

function expectParleyError(outcome: Outcome, code: ErrorCode): ParleyError {
  expect(outcome.error, `expected ${code}`).toBeInstanceOf(ParleyError);
  const error = outcome.error as ParleyError;
  expect(error.code).toBe(code);
  return error;
}

describe('OpenAiSpeechTts', () => {
  it('posts model, input, voice, response_format pcm and speed, with the API key', async () => {
    const { bytes } = pcm(2400);
    server.enqueue({ audio: bytes });
    const tts = engine({ apiKey: 'sk-test', extraBody: { instructions: 'Speak warmly.' } });
    const outcome = await run(tts.synthesize(request({ text: 'Hi there!', voice: tts.resolveVoice('nova'), speed: 1.25 })));
    expect(outcome.error).toBeUndefined();
    const [req] = server.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/v1/audio/speech');
    expect(req!.headers.authorization).toBe('Bearer sk-test');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.body).toEqual({ model: 'tts-test', input: 'Hi there!', voice: 'nova', response_format: 'pcm', speed: 1.25, instructions: 'Speak warmly.' });
  });

  it('leaves speed out when not asked, and when the server does not take it', async () => {
    server.enqueue({ audio: pcm(10).bytes }, { audio: pcm(10).bytes });
    await run(engine().synthesize(request()));
    await run(engine({ speed: false }).synthesize(request({ speed: 2 })));
    expect(server.requests.map((r) => 'speed' in r.body)).toEqual([false, false]);
  });

  it('declares its rate, voices, and no marks', () => {
    expect(engine().capabilities).toEqual({ sampleRate: 24000, voices: [], wordTimings: false, phonemeTimings: false, speed: true });
    expect(engine({ sampleRate: 22050, voices: ['af_bella'] }).capabilities).toMatchObject({ sampleRate: 22050, voices: ['af_bella'] });
    expect(engine().label).toBe(`openai-speech(${server.url}, tts-test)`);
    expect(audioSpeechUrl('http://h/v1/')).toBe('http://h/v1/audio/speech');
    expect(audioSpeechUrl('http://h/v1/audio/speech')).toBe('http://h/v1/audio/speech');
  });

  it('streams the PCM exactly, in chunks of at most 100 ms, whatever the write boundaries', async () => {
    const { samples, bytes } = pcm(24_000 * 0.75); // 750 ms at 24 kHz
    // Odd splits: a sample's two bytes land in different reads, reads of 1 byte, a big read.
    server.enqueue({ audio: bytes, writes: [1, 2, 3, 999, 1, 1, 5001, 7, 20_000], delayMs: 5 });
    const outcome = await run(engine().synthesize(request()));
    expect(outcome.error).toBeUndefined();
    expect(outcome.audio).toEqual(samples);
    for (const chunk of outcome.chunks) {
      expect(chunk.audio.length).toBeGreaterThan(0);
      expect(chunk.audio.length).toBeLessThanOrEqual(2400);
      expect(chunk.marks).toEqual([]);
    }
  });

  it('yields audio as it arrives, before the body ends', async () => {
    const { bytes } = pcm(4800);
    server.enqueue({ audio: bytes, writes: [4800], delayMs: 300 });
    const started = performance.now();
    let firstAt = 0;
    const outcome = await run(engine().synthesize(request()), (_chunk, chunks) => {
      if (chunks.length === 1) firstAt = performance.now() - started;
    });
    expect(outcome.error).toBeUndefined();
    expect(firstAt).toBeLessThan(250);
  });

  it('uses a configured rate for chunking', async () => {
    server.enqueue({ audio: pcm(4000).bytes });
    const outcome = await run(engine({ sampleRate: 16_000, chunkMs: 50 }).synthesize(request()));
    expect(outcome.chunks.map((c) => c.audio.length)).toEqual([800, 800, 800, 800, 800]);
  });

  it('skips a WAV header sent instead of raw PCM, even split across reads', async () => {
    const { samples, bytes } = pcm(1000);
    const header = new Uint8Array(44);
    const view = new DataView(header.buffer);
    header.set([...'RIFF'].map((c) => c.charCodeAt(0)), 0);
    view.setUint32(4, 36 + bytes.length, true);
    header.set([...'WAVEfmt '].map((c) => c.charCodeAt(0)), 8);
    view.setUint32(16, 16, true);
    view.setUint16(20, 1, true);
    view.setUint16(22, 1, true);
    view.setUint32(24, 24_000, true);
    view.setUint32(28, 48_000, true);
    view.setUint16(32, 2, true);
    view.setUint16(34, 16, true);
    header.set([...'data'].map((c) => c.charCodeAt(0)), 36);
    view.setUint32(40, bytes.length, true);
    const wav = new Uint8Array(44 + bytes.length);
    wav.set(header);
    wav.set(bytes, 44);
    server.enqueue({ audio: wav, writes: [3, 10, 30, 1], contentType: 'audio/wav' });
    const outcome = await run(engine().synthesize(request()));
    expect(outcome.error).toBeUndefined();
    expect(outcome.audio).toEqual(samples);

    // A WAV at another rate than configured is an error that says what to set.
    new DataView(wav.buffer).setUint32(24, 22_050, true);
    server.enqueue({ audio: wav });
    const wrong = await run(engine().synthesize(request()));
    expect(expectParleyError(wrong, 'engine_stream_error').message).toContain('sampleRate to 22050');
  });

  it('sends nothing for an empty clause', async () => {
    const outcome = await run(engine().synthesize(request({ text: '  ' })));
    expect(outcome.chunks).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  describe('voices', () => {
    it('passes any voice through when no list is configured', () => {
      const tts = engine();
      expect(tts.resolveVoice('af_bella')).toBe('af_bella');
      expect(tts.resolveVoice({ type: 'openai', name: 'coral' })).toBe('coral');
      expect(tts.resolveVoice({ type: 'azure-standard', name: 'en-US-AvaNeural' })).toBe('en-US-AvaNeural');
      expect(tts.resolveVoice({ id: 'voice_123' })).toBe('voice_123');
    });

    it('maps names and refuses voices off the configured list, naming the choices', () => {
      const tts = engine({ voices: ['af_bella', 'am_adam'], voiceMap: { alloy: 'af_bella', Onyx: 'am_adam' } });
      expect(tts.resolveVoice('alloy')).toBe('af_bella');
      expect(tts.resolveVoice('ONYX')).toBe('am_adam');
      expect(tts.resolveVoice('AF_BELLA')).toBe('af_bella');
      for (const voice of ['shimmer', { type: 'openai', name: 'nope' } as const, { type: 'avatar-voice-sync' } as const]) {
        let error: unknown;
        try {
          tts.resolveVoice(voice);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ParleyError);
        expect((error as ParleyError).code).toBe('invalid_value');
        expect((error as ParleyError).param).toBe('voice');
        expect((error as ParleyError).message).toContain('af_bella, am_adam');
      }
    });
  });

  describe('failures', () => {
    it('reports an HTTP error status with the server message', async () => {
      server.enqueue({ status: 400, body: JSON.stringify({ error: { message: 'voice not found: zz' } }) });
      const error = expectParleyError(await run(engine().synthesize(request())), 'engine_http_error');
      expect(error.message).toContain('HTTP 400');
      expect(error.message).toContain('voice not found: zz');
      expect(error.retryable).toBe(true);
    });

    it('quotes FastAPI-style and plain-text error bodies', async () => {
      server.enqueue({ status: 422, body: JSON.stringify({ detail: [{ msg: 'field required' }] }) }, { status: 503, body: 'overloaded' });
      expect(expectParleyError(await run(engine().synthesize(request())), 'engine_http_error').message).toContain('field required');
      expect(expectParleyError(await run(engine().synthesize(request())), 'engine_http_error').message).toContain('HTTP 503: overloaded');
    });

    it('refuses a JSON answer where audio was expected', async () => {
      server.enqueue({ audio: new TextEncoder().encode('{"oops":true}'), contentType: 'application/json' });
      expect(expectParleyError(await run(engine().synthesize(request())), 'engine_stream_error').message).toContain('instead of audio');
    });

    it('reports a refused connection as engine_unreachable', async () => {
      const port = await new Promise<number>((resolve) => {
        const probe = createServer();
        probe.listen(0, '127.0.0.1', () => {
          const { port: free } = probe.address() as AddressInfo;
          probe.close(() => resolve(free));
        });
      });
      const tts = new OpenAiSpeechTts({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm' });
      expect(expectParleyError(await run(tts.synthesize(request())), 'engine_unreachable').message).toContain('ECONNREFUSED');
    });

    it('reports a stream cut mid-way as engine_stream_error, after the audio that came', async () => {
      server.enqueue({ audio: pcm(4800).bytes, writes: [2000, 2000], breakAfter: { writes: 2, how: 'destroy' } });
      const outcome = await run(engine().synthesize(request()));
      expectParleyError(outcome, 'engine_stream_error');
      expect(outcome.audio.length).toBe(2000);
    });

    it('times out when the server does not answer, or goes silent', async () => {
      server.enqueue({ neverAnswer: true });
      const silent = await run(engine({ connectTimeoutMs: 150 }).synthesize(request()));
      expect(expectParleyError(silent, 'engine_timeout').message).toContain('did not answer within 150 ms');
      await server.requests[0]!.aborted;

      server.enqueue({ audio: pcm(4800).bytes, writes: [100], breakAfter: { writes: 1, how: 'hang' } });
      const stalled = await run(engine({ idleTimeoutMs: 150 }).synthesize(request()));
      expect(expectParleyError(stalled, 'engine_timeout').message).toContain('sent nothing within 150 ms');
      expect(stalled.audio.length).toBe(50);
      await server.requests[1]!.aborted;
    });
  });

  describe('aborting', () => {
    it('throws the reason and closes the HTTP request when aborted mid-stream', async () => {
      server.enqueue({ audio: pcm(48_000).bytes, writes: Array(20).fill(4800), delayMs: 50 });
      const controller = new AbortController();
      const outcome = await run(engine().synthesize(request({ signal: controller.signal })), (_c, chunks) => {
        if (chunks.length === 2) controller.abort(new Error('barge-in'));
      });
      expect((outcome.error as Error).message).toBe('barge-in');
      expect(outcome.chunks).toHaveLength(2);
      await server.requests[0]!.aborted;
      expect(server.requests[0]!.wasAborted).toBe(true);
    });

    it('closes the HTTP request when aborted before the answer', async () => {
      server.enqueue({ neverAnswer: true });
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('cancelled')), 50);
      const outcome = await run(engine().synthesize(request({ signal: controller.signal })));
      expect((outcome.error as Error).message).toBe('cancelled');
      await server.requests[0]!.aborted;
    });

    it('closes the HTTP request when the consumer stops early', async () => {
      server.enqueue({ audio: pcm(48_000).bytes, writes: Array(20).fill(4800), delayMs: 50 });
      for await (const _chunk of engine().synthesize(request())) break;
      await server.requests[0]!.aborted;
      expect(server.requests[0]!.wasAborted).toBe(true);
    });

    it('refuses an already aborted signal without a request', async () => {
      const outcome = await run(engine().synthesize(request({ signal: AbortSignal.abort(new Error('early')) })));
      expect((outcome.error as Error).message).toBe('early');
      expect(server.requests).toHaveLength(0);
    });
  });
});

describe('Pcm16Decoder', () => {
  it('joins samples split across pushes, little-endian, signed', () => {
    const d = new Pcm16Decoder();
    expect([...d.push(Uint8Array.of(0x01))]).toEqual([]);
    expect([...d.push(Uint8Array.of(0x80, 0xff, 0x7f, 0x34))]).toEqual([-32767, 0x7fff]);
    expect(d.pending).toBe(1);
    expect([...d.push(Uint8Array.of(0x12))]).toEqual([0x1234]);
    expect(d.pending).toBe(0);
  });

  it('gives back a stream shorter than a WAV tag at the end', () => {
    const d = new Pcm16Decoder();
    expect([...d.push(Uint8Array.of(0x02, 0x00, 0x05))]).toEqual([]);
    expect([...d.flush()]).toEqual([2]);
  });
});
