import { createCodec, type AudioFormat } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { encodeAlaw, encodeMulaw, MULAW_DECODE_TABLE } from '../../src/audio/g711.js';
import { codecOf, createInputDecoder, INPUT_AUDIO_FORMATS } from '../../src/audio/input-format.js';
import { int16ToPcm16 } from '../../src/audio/pcm.js';

describe('input audio formats', () => {
  it('lists what each dialect can declare, resolved to the canonical format', () => {
    const byDeclaration = INPUT_AUDIO_FORMATS.map((f) => [f.dialects.join('+'), JSON.stringify(f.declared), f.format, f.sampleRate, f.bytesPerSample]);
    expect(byDeclaration).toEqual([
      ['ga', '{"audio.input.format":{"type":"audio/pcm","rate":24000}}', { type: 'audio/pcm', rate: 24000 }, 24000, 2],
      ['ga', '{"audio.input.format":{"type":"audio/pcm","rate":16000}}', { type: 'audio/pcm', rate: 16000 }, 16000, 2],
      ['ga', '{"audio.input.format":{"type":"audio/pcm","rate":8000}}', { type: 'audio/pcm', rate: 8000 }, 8000, 2],
      ['ga', '{"audio.input.format":{"type":"audio/pcmu"}}', { type: 'audio/pcmu' }, 8000, 1],
      ['ga', '{"audio.input.format":{"type":"audio/pcma"}}', { type: 'audio/pcma' }, 8000, 1],
      ['beta+voicelive', '{"input_audio_format":"pcm16"}', { type: 'audio/pcm', rate: 24000 }, 24000, 2],
      ['beta+voicelive', '{"input_audio_format":"g711_ulaw"}', { type: 'audio/pcmu' }, 8000, 1],
      ['beta+voicelive', '{"input_audio_format":"g711_alaw"}', { type: 'audio/pcma' }, 8000, 1],
      ['voicelive', '{"input_audio_format":"pcm16","input_audio_sampling_rate":24000}', { type: 'audio/pcm', rate: 24000 }, 24000, 2],
      ['voicelive', '{"input_audio_format":"pcm16","input_audio_sampling_rate":16000}', { type: 'audio/pcm', rate: 16000 }, 16000, 2],
      ['voicelive', '{"input_audio_format":"pcm16","input_audio_sampling_rate":8000}', { type: 'audio/pcm', rate: 8000 }, 8000, 2],
    ]);
  });

  it('agrees with the dialect codecs: each declaration, sent in a session.update, decodes to its format', () => {
    for (const entry of INPUT_AUDIO_FORMATS) {
      for (const dialect of entry.dialects) {
        const session: Record<string, unknown> =
          dialect === 'ga' ? { type: 'realtime', audio: { input: { format: entry.declared['audio.input.format'] } } } : { ...entry.declared };
        const decoded = createCodec(dialect).decode(JSON.stringify({ type: 'session.update', session }));
        expect(decoded.ok, `${dialect} ${JSON.stringify(entry.declared)}: ${decoded.ok ? '' : decoded.error.message}`).toBe(true);
        expect(decoded.ok && decoded.event.type).toBe('session.update');
        if (!decoded.ok || decoded.event.type !== 'session.update') continue;
        const format = decoded.event.session.audio?.input?.format;
        // The patch may leave the rate implicit (beta pcm16 → 24 kHz); complete it as the session does.
        const complete: AudioFormat = format?.type === 'audio/pcm' ? { type: 'audio/pcm', rate: format.rate ?? 24000 } : ({ type: format?.type } as AudioFormat);
        expect(complete, `${dialect} ${JSON.stringify(entry.declared)}`).toEqual(entry.format);
      }
    }
  });

  it('maps formats to codecs', () => {
    expect(codecOf({ type: 'audio/pcm', rate: 16000 })).toBe('pcm16');
    expect(codecOf({ type: 'audio/pcmu' })).toBe('pcmu');
    expect(codecOf({ type: 'audio/pcma' })).toBe('pcma');
  });
});

describe('InputAudioDecoder', () => {
  const samples = Int16Array.from({ length: 101 }, (_, i) => (i * 1013) % 65536 - 32768);
  const bytes = int16ToPcm16(samples);

  it('decodes PCM16 appends split at any byte, odd lengths included, without losing a byte', () => {
    for (const cuts of [[1], [3], [1, 2], [7, 1, 1, 4], [201], [202]]) {
      const decoder = createInputDecoder({ type: 'audio/pcm', rate: 24000 });
      const out: number[] = [];
      for (let at = 0, k = 0; at < bytes.length; k++) {
        const size = cuts[k % cuts.length]!;
        // Copy into a fresh buffer at an odd offset, as a pooled base64 decode may hand it over.
        const chunk = Buffer.concat([Buffer.from([0xee]), bytes.subarray(at, at + size)]).subarray(1);
        out.push(...decoder.decode(chunk));
        at += size;
        expect(decoder.pendingBytes).toBe(Math.min(at, bytes.length) % 2);
      }
      expect(out, `cuts ${cuts.join(',')}`).toEqual([...samples]);
      expect(decoder.sampleRate).toBe(24000);
    }
  });

  it('reset drops a carried byte, so the next append starts on a sample boundary', () => {
    const decoder = createInputDecoder({ type: 'audio/pcm', rate: 16000 });
    expect([...decoder.decode(Buffer.from([0x01, 0x00, 0x02]))]).toEqual([1]);
    expect(decoder.pendingBytes).toBe(1);
    decoder.reset();
    expect(decoder.pendingBytes).toBe(0);
    expect([...decoder.decode(Buffer.from([0x05, 0x00]))]).toEqual([5]);
    expect(decoder.decode(Buffer.alloc(0)).length).toBe(0);
  });

  it('joins a carried low byte with the next high byte as a signed sample', () => {
    const decoder = createInputDecoder({ type: 'audio/pcm', rate: 8000 });
    expect(decoder.decode(Buffer.from([0x00])).length).toBe(0);
    expect([...decoder.decode(Buffer.from([0x80]))]).toEqual([-32768]);
    expect(decoder.decode(Buffer.from([0xff])).length).toBe(0);
    expect([...decoder.decode(Buffer.from([0xff, 0x34, 0x12]))]).toEqual([-1, 0x1234]);
  });

  it('decodes G.711 μ-law and A-law byte for byte at 8 kHz', () => {
    const voice = Int16Array.from({ length: 160 }, (_, i) => Math.round(8000 * Math.sin(i / 3)));
    const mu = createInputDecoder({ type: 'audio/pcmu' });
    const a = createInputDecoder({ type: 'audio/pcma' });
    expect(mu.sampleRate).toBe(8000);
    const ulaw = encodeMulaw(voice);
    const decodedMu = [...mu.decode(ulaw.subarray(0, 77)), ...mu.decode(ulaw.subarray(77))];
    expect(decodedMu).toEqual(Array.from(ulaw, (b) => MULAW_DECODE_TABLE[b]));
    const decodedA = a.decode(encodeAlaw(voice));
    for (let i = 0; i < voice.length; i++) expect(Math.abs(decodedA[i]! - voice[i]!)).toBeLessThanOrEqual(129);
    expect(mu.pendingBytes).toBe(0);
  });
});
