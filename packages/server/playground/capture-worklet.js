/**
 * AudioWorklet processor: the microphone's first channel, resampled from the context's rate to
 * `targetRate`, posted as PCM16 chunks of `chunkMs` with their peak level.
 */
import { floatToPcm16 } from './pcm.js';
import { StreamResampler } from './resampler.js';

class CaptureProcessor extends AudioWorkletProcessor {
  #resampler;
  #chunk;
  #filled = 0;
  #peak = 0;

  constructor(options) {
    super();
    const { targetRate, chunkMs } = options.processorOptions;
    // `sampleRate` is the AudioWorkletGlobalScope's: the context's rate.
    this.#resampler = new StreamResampler(sampleRate, targetRate);
    this.#chunk = new Float32Array(Math.round((targetRate * chunkMs) / 1000));
  }

  process(inputs) {
    const channel = inputs[0]?.[0];
    if (!channel) return true;
    for (const sample of this.#resampler.push(channel)) {
      this.#chunk[this.#filled++] = sample;
      this.#peak = Math.max(this.#peak, Math.abs(sample));
      if (this.#filled === this.#chunk.length) {
        const pcm = floatToPcm16(this.#chunk);
        this.port.postMessage({ pcm, peak: this.#peak }, [pcm.buffer]);
        this.#filled = 0;
        this.#peak = 0;
      }
    }
    return true;
  }
}

registerProcessor('parley-capture', CaptureProcessor);
