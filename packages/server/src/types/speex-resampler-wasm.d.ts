/**
 * The raw Emscripten API of `@echogarden/speex-resampler-wasm` (the package ships no types).
 * Pointers and lengths are byte offsets into the module's heap; length arguments of
 * `process_*` are pointers to uint32 in/out counts. Heap views are replaced when the wasm
 * memory grows, so read `HEAP16`/`HEAPU32` afresh after any `_malloc`.
 */
declare module '@echogarden/speex-resampler-wasm/simd' {
  export interface SpeexResamplerModule {
    HEAP16: Int16Array;
    HEAPU32: Uint32Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    _speex_resampler_init(channels: number, inRate: number, outRate: number, quality: number, errPointer: number): number;
    _speex_resampler_destroy(state: number): void;
    _speex_resampler_process_int(state: number, channel: number, input: number, inLenPointer: number, output: number, outLenPointer: number): number;
    _speex_resampler_skip_zeros(state: number): number;
    _speex_resampler_reset_mem(state: number): number;
    _speex_resampler_get_input_latency(state: number): number;
    _speex_resampler_get_output_latency(state: number): number;
    _speex_resampler_strerror(code: number): number;
  }
  const init: (module?: Record<string, unknown>) => Promise<SpeexResamplerModule>;
  export default init;
}
