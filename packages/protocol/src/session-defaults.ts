/**
 * A new session's configuration: the hosted services' defaults, which `session.created` shows
 * in full. The server starts every session from it; the SDK's offline server does too.
 */
import type { SessionObject, TurnDetection, Voice } from './model/session.js';

export interface SessionDefaults {
  model: string;
  instructions: string;
  voice: Voice;
  /** Session lifetime, reported as `expires_at`. */
  maxDurationMs: number;
}

/** Fills in the defaults of a turn-detection type (the hosted services' values). */
export function withTurnDetectionDefaults(td: TurnDetection | null): TurnDetection | null {
  if (td === null) return null;
  switch (td.type) {
    case 'server_vad': {
      const { type, ...fields } = td;
      return {
        type,
        threshold: 0.5,
        prefix_padding_ms: 300,
        silence_duration_ms: 500,
        idle_timeout_ms: null,
        create_response: true,
        interrupt_response: true,
        ...fields,
      };
    }
    case 'semantic_vad': {
      const { type, ...fields } = td;
      return { type, eagerness: 'auto', create_response: true, interrupt_response: true, ...fields };
    }
    default: {
      // Azure semantic VAD: Voice Live documents a 420 ms prefix padding for these.
      const { type, ...fields } = td;
      return {
        type,
        threshold: 0.5,
        prefix_padding_ms: 420,
        silence_duration_ms: 500,
        speech_duration_ms: 80,
        remove_filler_words: false,
        create_response: true,
        interrupt_response: true,
        auto_truncate: false,
        ...fields,
      };
    }
  }
}

export function defaultSession(id: string, defaults: SessionDefaults, now = Date.now()): SessionObject {
  return {
    id,
    object: 'realtime.session',
    expires_at: Math.floor((now + defaults.maxDurationMs) / 1000),
    type: 'realtime',
    model: defaults.model,
    instructions: defaults.instructions,
    output_modalities: ['audio'],
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        noise_reduction: null,
        transcription: null,
        turn_detection: withTurnDetectionDefaults({ type: 'server_vad' }),
        echo_cancellation: null,
      },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: defaults.voice, speed: 1 },
    },
    include: null,
    max_output_tokens: 'inf',
    tools: [],
    tool_choice: 'auto',
    tracing: null,
    truncation: 'auto',
    prompt: null,
    temperature: 0.8,
  };
}
