/**
 * The input audio formats a client may declare, and the decoder that turns the bytes of its
 * `input_audio_buffer.append` events into PCM16 mono samples at the format's own rate.
 *
 * Every declaration resolves to the canonical `AudioFormat` of `@parley/protocol` (the GA
 * object form), through the same codec functions the session codecs use. Resampling to an
 * engine's rate (16 kHz for the VAD) is a separate step: `resampler.ts`.
 */
import { formatFromGa, formatFromString, formatSampleRate, mergeAudioFormat } from '@parley/protocol';
import type { AudioFormat, Dialect, PcmRate } from '@parley/protocol';
import { decodeAlaw, decodeMulaw } from './g711.js';
import { pcm16ToInt16 } from './pcm.js';

/** How the bytes of a format encode samples. */
export type InputCodec = 'pcm16' | 'pcmu' | 'pcma';

export interface InputFormatDeclaration {
  dialects: readonly Dialect[];
  /** The session fields as the client writes them (GA: `audio.input.format`). */
  declared: Readonly<Record<string, unknown>>;
  /** What the declaration means inside Parley. */
  format: AudioFormat;
  codec: InputCodec;
  sampleRate: PcmRate;
  bytesPerSample: 1 | 2;
  /** True where Parley accepts more than the upstream service documents. */
  extension?: true;
  note?: string;
}

const DEFAULT: AudioFormat = { type: 'audio/pcm', rate: 24000 };

export function codecOf(format: AudioFormat): InputCodec {
  return format.type === 'audio/pcm' ? 'pcm16' : format.type === 'audio/pcmu' ? 'pcmu' : 'pcma';
}

function entry(dialects: readonly Dialect[], declared: Record<string, unknown>, format: AudioFormat, extra: Pick<InputFormatDeclaration, 'extension' | 'note'> = {}): InputFormatDeclaration {
  const codec = codecOf(format);
  return { dialects, declared, format, codec, sampleRate: formatSampleRate(format), bytesPerSample: codec === 'pcm16' ? 2 : 1, ...extra };
}

const ga = (input: { type: AudioFormat['type']; rate?: PcmRate }) => mergeAudioFormat(DEFAULT, formatFromGa(input));
const flat = (name: 'pcm16' | 'g711_ulaw' | 'g711_alaw', rate?: PcmRate) => mergeAudioFormat(DEFAULT, formatFromString(name, rate));

/** Every input format a client can declare, in each dialect's own words. */
export const INPUT_AUDIO_FORMATS: readonly InputFormatDeclaration[] = [
  entry(['ga'], { 'audio.input.format': { type: 'audio/pcm', rate: 24000 } }, ga({ type: 'audio/pcm', rate: 24000 }), { note: 'the default; `rate` may be omitted' }),
  entry(['ga'], { 'audio.input.format': { type: 'audio/pcm', rate: 16000 } }, ga({ type: 'audio/pcm', rate: 16000 }), { extension: true }),
  entry(['ga'], { 'audio.input.format': { type: 'audio/pcm', rate: 8000 } }, ga({ type: 'audio/pcm', rate: 8000 }), { extension: true }),
  entry(['ga'], { 'audio.input.format': { type: 'audio/pcmu' } }, ga({ type: 'audio/pcmu' }), { note: 'G.711 μ-law, 8 kHz' }),
  entry(['ga'], { 'audio.input.format': { type: 'audio/pcma' } }, ga({ type: 'audio/pcma' }), { note: 'G.711 A-law, 8 kHz' }),
  entry(['beta', 'voicelive'], { input_audio_format: 'pcm16' }, flat('pcm16'), { note: 'the default; 24 kHz' }),
  entry(['beta', 'voicelive'], { input_audio_format: 'g711_ulaw' }, flat('g711_ulaw')),
  entry(['beta', 'voicelive'], { input_audio_format: 'g711_alaw' }, flat('g711_alaw')),
  entry(['voicelive'], { input_audio_format: 'pcm16', input_audio_sampling_rate: 24000 }, flat('pcm16', 24000)),
  entry(['voicelive'], { input_audio_format: 'pcm16', input_audio_sampling_rate: 16000 }, flat('pcm16', 16000)),
  entry(['voicelive'], { input_audio_format: 'pcm16', input_audio_sampling_rate: 8000 }, flat('pcm16', 8000)),
];

/**
 * Decodes one client's appended audio, chunk after chunk, into PCM16 mono samples at
 * `sampleRate`. PCM16 chunks need not hold whole samples: an odd trailing byte is kept and
 * joined to the first byte of the next chunk. Call `reset()` where the stream breaks
 * (buffer cleared, format changed) so a leftover byte does not join unrelated audio.
 */
export class InputAudioDecoder {
  readonly format: AudioFormat;
  readonly codec: InputCodec;
  readonly sampleRate: PcmRate;
  /** The low byte of a PCM16 sample whose high byte has not arrived; -1 when none. */
  #carry = -1;

  constructor(format: AudioFormat) {
    this.format = format;
    this.codec = codecOf(format);
    this.sampleRate = formatSampleRate(format);
  }

  /** Bytes received but not yet decoded (0, or 1 for half a PCM16 sample). */
  get pendingBytes(): number {
    return this.#carry < 0 ? 0 : 1;
  }

  /**
   * The samples in `bytes` (plus any byte carried over). For PCM16 the result may be a view
   * of `bytes` itself, when no byte is carried and `bytes` is 2-byte aligned.
   */
  decode(bytes: Uint8Array): Int16Array {
    if (this.codec === 'pcmu') return decodeMulaw(bytes);
    if (this.codec === 'pcma') return decodeAlaw(bytes);
    if (bytes.length === 0) return new Int16Array(0);
    let body = bytes;
    let first: number | undefined;
    if (this.#carry >= 0) {
      first = ((bytes[0]! << 8) | this.#carry) << 16 >> 16;
      body = bytes.subarray(1);
      this.#carry = -1;
    }
    if (body.length % 2 === 1) {
      this.#carry = body[body.length - 1]!;
      body = body.subarray(0, body.length - 1);
    }
    const samples = pcm16ToInt16(body);
    if (first === undefined) return samples;
    const out = new Int16Array(samples.length + 1);
    out[0] = first;
    out.set(samples, 1);
    return out;
  }

  /** Forgets a carried byte. */
  reset(): void {
    this.#carry = -1;
  }
}

export function createInputDecoder(format: AudioFormat): InputAudioDecoder {
  return new InputAudioDecoder(format);
}
