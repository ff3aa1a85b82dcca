/**
 * The assistant's audio as the session sends it (`response.output_audio.delta`, in the
 * session's output format) turned into 48 kHz samples for Opus. One stream per call; `end()`
 * at each `response.output_audio.done` pushes out the resampler's tail.
 */
import { formatSampleRate, type AudioFormat } from '@parley/protocol';
import { createInputDecoder, type InputAudioDecoder } from '../../audio/input-format.js';
import { createResampler, type Resampler } from '../../audio/resampler.js';
import { OPUS_RATE } from './opus.js';

export class AssistantAudio {
  #decoder: InputAudioDecoder | null = null;
  #resampler: Resampler | null = null;
  /** Resamplers by input rate, built ahead (building is async; converting is not). */
  readonly #resamplers = new Map<number, Resampler>();

  /** Builds the converters for every output rate the protocol has. */
  async ready(): Promise<void> {
    for (const rate of [8000, 16000, 24000, 48000]) this.#resamplers.set(rate, await createResampler({ inputRate: rate, outputRate: OPUS_RATE }));
  }

  /** The 48 kHz samples of one delta (base64, in `format`). */
  convert(base64: string, format: AudioFormat): Int16Array {
    if (!this.#decoder || this.#decoder.format !== format) this.#start(format);
    const samples = this.#decoder!.decode(Buffer.from(base64, 'base64'));
    return this.#resampler ? this.#resampler.process(samples) : new Int16Array(0);
  }

  /** The held-back tail of the stream (a few ms). */
  end(): Int16Array {
    const tail = this.#resampler?.flush() ?? new Int16Array(0);
    this.#decoder?.reset();
    return tail;
  }

  close(): void {
    for (const resampler of this.#resamplers.values()) resampler.close();
    this.#resamplers.clear();
    this.#resampler = null;
  }

  #start(format: AudioFormat): void {
    this.#resampler?.reset();
    this.#decoder = createInputDecoder(format);
    this.#resampler = this.#resamplers.get(formatSampleRate(format)) ?? null;
  }
}
