/**
 * The raw Emscripten API of `@echogarden/rnnoise-wasm` 0.2.0 (the package ships no types).
 * Pointers are byte offsets into the module's heap. Frames are `_rnnoise_get_frame_size()` (480)
 * float samples at 48 kHz in int16 scale (±32768, not ±1). Heap views are replaced when the
 * wasm memory grows, so read `HEAPF32` afresh after any `_malloc` or `_rnnoise_create`.
 */
declare module '@echogarden/rnnoise-wasm' {
  export interface RnnoiseModule {
    HEAPF32: Float32Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    /** Bytes of one `DenoiseState`. */
    _rnnoise_get_size(): number;
    /** Samples per frame: 480 (10 ms at 48 kHz). */
    _rnnoise_get_frame_size(): number;
    /** A new state; `model` 0 is the built-in model. Returns 0 on failure. */
    _rnnoise_create(model: number): number;
    /** Re-initialises a state in place, as new; `model` 0 is the built-in model. Returns 0. */
    _rnnoise_init(state: number, model: number): number;
    _rnnoise_destroy(state: number): void;
    /** Denoises one frame from `input` into `output` (may be the same buffer); returns the frame's speech probability, 0–1. */
    _rnnoise_process_frame(state: number, output: number, input: number): number;
  }
  const init: (module?: Record<string, unknown>) => Promise<RnnoiseModule>;
  export default init;
}
