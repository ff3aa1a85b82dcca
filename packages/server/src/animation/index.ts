/**
 * Lip-sync and word timing from the TTS engine's marks (Voice Live's `animation` and
 * `output_audio_timestamp_types`): Azure viseme ids, ARKit-style blendshape frames at 60 fps,
 * word timestamps. See docs/animation.md.
 */
export * from './visemes.js';
export * from './blendshapes.js';
export * from './word-timestamps.js';
