/**
 * The engine's PCM, as the client asked to hear it: resampled to the output rate, encoded
 * (PCM16, G.711 μ-law or A-law), and cut into wire chunks of at most `chunkMs`. Streaming: a
 * chunk that would be short waits for more audio, except at `flush`.
 */
import type { AudioFormat } from '@parley/protocol';
import { formatSampleRate } from '@parley/protocol';
import { encodeAlaw, encodeMulaw } from '../audio/g711.js';
import { concatInt16 } from '../audio/pcm.js';
import { createResampler, type Resampler } from '../audio/resampler.js';

/** Audio per `response.output_audio.delta`: small enough to stop within one chunk on barge-in. */
export const OUTPUT_CHUNK_MS = 100;

export interface EncodedChunk {
  bytes: Buffer;
  /** Duration of this chunk in ms. */
  ms: number;
}

export class OutputEncoder {
  readonly format: AudioFormat;
  readonly rate: number;
  readonly #chunkSamples: number;
  readonly #resampler: Resampler;
  #pending: Int16Array[] = [];
  #pendingSamples = 0;

  private constructor(format: AudioFormat, resampler: Resampler, chunkMs: number) {
    this.format = format;
    this.rate = formatSampleRate(format);
    this.#resampler = resampler;
    this.#chunkSamples = Math.round((this.rate * chunkMs) / 1000);
  }

  static async create(format: AudioFormat, engineRate: number, chunkMs = OUTPUT_CHUNK_MS): Promise<OutputEncoder> {
    const resampler = await createResampler({ inputRate: engineRate, outputRate: formatSampleRate(format) });
    return new OutputEncoder(format, resampler, chunkMs);
  }


  /** Whole chunks completed by `pcm` (engine rate). */
  push(pcm: Int16Array): EncodedChunk[] {
    this.#add(this.#resampler.process(pcm));
    return this.#take(false);
  }

  /** The rest, including the resampler's tail: the end of a clause or of the speech. */
  flush(): EncodedChunk[] {
    this.#add(this.#resampler.flush());
    return this.#take(true);
  }

  close(): void {
    this.#resampler.close();
  }

  #add(samples: Int16Array): void {
    if (samples.length === 0) return;
    this.#pending.push(samples);
    this.#pendingSamples += samples.length;
  }

  #take(all: boolean): EncodedChunk[] {
    const out: EncodedChunk[] = [];
    if (this.#pendingSamples === 0) return out;
    if (!all && this.#pendingSamples < this.#chunkSamples) return out;
    const samples = concatInt16(this.#pending);
    let at = 0;
    for (; samples.length - at >= this.#chunkSamples; at += this.#chunkSamples) out.push(this.#encode(samples.subarray(at, at + this.#chunkSamples)));
    if (all && at < samples.length) {
      out.push(this.#encode(samples.subarray(at)));
      at = samples.length;
    }
    const rest = samples.subarray(at);
    this.#pending = rest.length > 0 ? [rest.slice()] : [];
    this.#pendingSamples = rest.length;
    return out;
  }

  #encode(samples: Int16Array): EncodedChunk {
    const ms = (samples.length * 1000) / this.rate;
    if (this.format.type === 'audio/pcmu') return { bytes: Buffer.from(encodeMulaw(samples)), ms };
    if (this.format.type === 'audio/pcma') return { bytes: Buffer.from(encodeAlaw(samples)), ms };
    return { bytes: Buffer.from(samples.buffer.slice(samples.byteOffset, samples.byteOffset + samples.byteLength)), ms };
  }
}
