/**
 * How an engine of the configuration is named for people — in `parley models` and the start-up
 * warm-up lines — without starting it. The names follow the engines' own `label`s.
 */
import type { LlmEngineSpec, SttEngineSpec, TtsEngineSpec, VadEngineSpec } from './schema.js';

export function llmLabel(spec: LlmEngineSpec): string {
  return spec.engine === 'openai-compatible' ? `openai-compatible(${spec.url}, ${spec.model})` : `llama-cpp(${spec.model_path})`;
}

/** A fallback chain reads first → second → … */
export function llmChainLabel(specs: readonly LlmEngineSpec[]): string {
  return specs.map(llmLabel).join(' → ');
}

export function sttLabel(spec: SttEngineSpec): string {
  switch (spec.engine) {
    case 'pocketsphinx':
      return spec.model_dir ? `pocketsphinx(${spec.model_dir})` : 'pocketsphinx';
    case 'openai-transcriptions':
      return `openai-transcriptions(${spec.url}, ${spec.model})`;
    case 'whisper-cpp':
      return `whisper-cpp(${spec.model_path})`;
    case 'none':
      return 'none';
  }
}

export function vadLabel(spec: VadEngineSpec): string {
  if (spec.engine === 'none') return 'none';
  return spec.model_path ? `silero-v5(${spec.model_path})` : 'silero-v5';
}

export function ttsLabel(spec: TtsEngineSpec): string {
  switch (spec.engine) {
    case 'flite':
      return 'flite';
    case 'openai-speech':
      return `openai-speech(${spec.url}, ${spec.model})`;
    case 'none':
      return 'none';
  }
}
