/**
 * The session's effective configuration: its defaults, and how a `session.update` patch
 * merges into it. `session.updated` always carries the whole result, defaults filled in.
 */
import { mergeAudioFormat, ParleyError, type SessionObject, type SessionPatch, type Tool, type ToolChoice, type TurnDetection, type Voice } from '@parley/protocol';

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

/** Rejects tool lists with two functions of one name, and a forced function that is not offered. */
export function checkTools(tools: readonly Tool[], choice: ToolChoice, param: string): void {
  const seen = new Set<string>();
  tools.forEach((tool, index) => {
    const key = tool.type === 'function' ? `function:${tool.name}` : `mcp:${tool.server_label}`;
    if (seen.has(key)) {
      const what = tool.type === 'function' ? `function '${tool.name}'` : `MCP server label '${tool.server_label}'`;
      throw new ParleyError('invalid_value', `Duplicate ${what} in '${param}.tools'.`, { param: `${param}.tools[${index}]` });
    }
    seen.add(key);
  });
  if (typeof choice === 'object' && choice.type === 'function' && !seen.has(`function:${choice.name}`)) {
    throw new ParleyError('invalid_value', `'${param}.tool_choice' names function '${choice.name}', which is not among the tools.`, {
      param: `${param}.tool_choice`,
    });
  }
}

/** The session after `patch`. Throws (changing nothing) if the result would be invalid. */
export function mergeSession(current: SessionObject, patch: SessionPatch): SessionObject {
  const { audio, ...top } = patch;
  const next: SessionObject = { ...current, ...top, audio: current.audio };
  if (audio) {
    const { format: inputFormat, ...input } = audio.input ?? {};
    const { format: outputFormat, ...output } = audio.output ?? {};
    next.audio = {
      input: { ...current.audio.input, ...input, format: mergeAudioFormat(current.audio.input.format, inputFormat) },
      output: { ...current.audio.output, ...output, format: mergeAudioFormat(current.audio.output.format, outputFormat) },
    };
    if (input.turn_detection !== undefined) next.audio.input.turn_detection = withTurnDetectionDefaults(input.turn_detection);
  }
  checkTools(next.tools, next.tool_choice, 'session');
  return next;
}
