/**
 * The tiny random-weight llama GGUF for tests: the writer is bench/lib/tiny-gguf.js (plain JS,
 * shared with the benchmarks, where what is in the file is described); this gives it types.
 */
import { buildTinyLlama as build, writeTinyLlama as write } from '../../../../bench/lib/tiny-gguf.js';

export interface TinyLlamaOptions {
  nEmbd?: number;
  nLayer?: number;
  nHead?: number;
  nHeadKv?: number;
  nFf?: number;
  /** `llama.context_length`: the model's training context, which caps the engine's default context. */
  nCtx?: number;
  seed?: number;
}

export const buildTinyLlama: (options?: TinyLlamaOptions) => Buffer = build;
export const writeTinyLlama: (options?: TinyLlamaOptions) => string = write;
