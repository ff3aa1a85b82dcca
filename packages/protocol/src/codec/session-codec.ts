/** Sessions between the canonical nested shape and each dialect's wire shape. */
import type { Dialect } from '../dialect.js';
import type { SessionObject, SessionPatch, Voice } from '../model/session.js';
import type { BetaSessionUpdate, BetaTranscriptionSessionUpdate, GaSessionUpdate, VoiceLiveSessionUpdate } from '../schemas/session.js';
import type { InterimResponse } from '../schemas/shared.js';
import {
  betaFormatString,
  formatFromGa,
  formatFromString,
  formatSampleRate,
  voiceLiveOutputFormatString,
} from './audio-format.js';
import { betaModalities, gaModalities, modalitiesFromWire, voiceLiveModalities } from './modalities.js';

/** Drops keys whose value is `undefined`, so optional settings vanish from the wire instead of showing as absent. */
export function definedOnly<T extends object>(value: T): T {
  const out = {} as T;
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] !== undefined) out[key] = value[key];
  }
  return out;
}

// ── Decoding: a client's session.update → SessionPatch ───────────────────────

/**
 * Voice Live's docs spell the interim-response types with dashes, its SDK with underscores —
 * and the SDK reads only the underscored ones back (a dashed type loses `texts`, `model`, …).
 * Both are accepted; the SDK's spelling is kept.
 */
export function interimResponseToCanonical<T extends InterimResponse | null | undefined>(value: T): T {
  if (!value) return value;
  return { ...value, type: value.type.replace(/-/g, '_') } as T;
}

export function gaSessionPatch(wire: GaSessionUpdate): SessionPatch {
  const { id: _id, object: _object, expires_at: _expires, client_secret: _secret, audio, output_modalities, ...rest } = wire;
  const patch: SessionPatch = { ...rest, interim_response: interimResponseToCanonical(rest.interim_response) };
  if (output_modalities) patch.output_modalities = modalitiesFromWire(output_modalities);
  if (audio) {
    patch.audio = {};
    if (audio.input) {
      const { format, ...input } = audio.input;
      patch.audio.input = definedOnly({ ...input, format: format && formatFromGa(format) });
    }
    if (audio.output) {
      const { format, ...output } = audio.output;
      patch.audio.output = definedOnly({ ...output, format: format && formatFromGa(format) });
    }
  }
  return definedOnly(patch);
}

type FlatSessionUpdate = BetaSessionUpdate & Partial<VoiceLiveSessionUpdate>;

export function flatSessionPatch(wire: FlatSessionUpdate | VoiceLiveSessionUpdate): SessionPatch {
  const w = wire as FlatSessionUpdate;
  const input = definedOnly({
    format:
      w.input_audio_format !== undefined
        ? formatFromString(w.input_audio_format, w.input_audio_sampling_rate)
        : w.input_audio_sampling_rate !== undefined
          ? { rate: w.input_audio_sampling_rate }
          : undefined,
    transcription: w.input_audio_transcription,
    noise_reduction: w.input_audio_noise_reduction,
    turn_detection: w.turn_detection,
    echo_cancellation: w.input_audio_echo_cancellation,
  });
  const output = definedOnly({
    format: w.output_audio_format !== undefined ? formatFromString(w.output_audio_format) : undefined,
    voice: w.voice,
    speed: w.speed,
  });
  const patch: SessionPatch = definedOnly({
    model: w.model,
    instructions: w.instructions,
    output_modalities: w.modalities && modalitiesFromWire(w.modalities),
    tools: w.tools,
    tool_choice: w.tool_choice,
    temperature: w.temperature,
    max_output_tokens: w.max_response_output_tokens,
    tracing: w.tracing,
    include: w.include,
    animation: w.animation,
    avatar: w.avatar,
    output_audio_timestamp_types: w.output_audio_timestamp_types,
    reasoning_effort: w.reasoning_effort,
    interim_response: interimResponseToCanonical(w.interim_response !== undefined ? w.interim_response : w['interim-response']),
    metadata: w.metadata,
  });
  if (Object.keys(input).length > 0 || Object.keys(output).length > 0) {
    patch.audio = definedOnly({
      input: Object.keys(input).length > 0 ? input : undefined,
      output: Object.keys(output).length > 0 ? output : undefined,
    });
  }
  return patch;
}

export function transcriptionSessionPatch(wire: BetaTranscriptionSessionUpdate): SessionPatch {
  return { ...flatSessionPatch(wire as FlatSessionUpdate), type: 'transcription' };
}

// ── Encoding: SessionObject → the dialect's session object ───────────────────

/** A voice as a plain name, for dialects whose sessions carry only strings. */
export function voiceName(voice: Voice): string {
  if (typeof voice === 'string') return voice;
  if ('id' in voice) return voice.id;
  return voice.name ?? voice.type;
}

function gaVoice(voice: Voice): string | { id: string } {
  return typeof voice === 'object' && 'id' in voice ? voice : voiceName(voice);
}

function gaFormat(format: SessionObject['audio']['input']['format']) {
  return format.type === 'audio/pcm' ? { type: format.type, rate: format.rate } : { type: format.type };
}

/** Settings that only Voice Live defines; GA shows them only when a client set them. */
function voiceLiveExtensions(s: SessionObject) {
  return definedOnly({
    output_audio_timestamp_types: s.output_audio_timestamp_types,
    animation: s.animation,
    interim_response: s.interim_response,
    metadata: s.metadata,
  });
}

export function gaSessionObject(s: SessionObject): Record<string, unknown> {
  const input = s.audio.input;
  return definedOnly({
    type: s.type,
    object: s.object,
    id: s.id,
    model: s.model,
    output_modalities: gaModalities(s.output_modalities),
    instructions: s.instructions,
    tools: s.tools,
    tool_choice: s.tool_choice,
    max_output_tokens: s.max_output_tokens,
    tracing: s.tracing,
    truncation: s.truncation,
    prompt: s.prompt,
    expires_at: s.expires_at,
    audio: {
      input: definedOnly({
        format: gaFormat(input.format),
        transcription: input.transcription,
        noise_reduction: input.noise_reduction,
        turn_detection: input.turn_detection,
        echo_cancellation: input.echo_cancellation ?? undefined,
      }),
      output: { format: gaFormat(s.audio.output.format), voice: gaVoice(s.audio.output.voice), speed: s.audio.output.speed },
    },
    include: s.include,
    reasoning: s.reasoning,
    parallel_tool_calls: s.parallel_tool_calls,
    ...voiceLiveExtensions(s),
  });
}

export function betaSessionObject(s: SessionObject): Record<string, unknown> {
  const input = s.audio.input;
  return definedOnly({
    id: s.id,
    object: s.object,
    expires_at: s.expires_at,
    model: s.model,
    modalities: betaModalities(s.output_modalities),
    instructions: s.instructions,
    voice: voiceName(s.audio.output.voice),
    input_audio_format: betaFormatString(input.format),
    output_audio_format: betaFormatString(s.audio.output.format),
    input_audio_transcription: input.transcription,
    input_audio_noise_reduction: input.noise_reduction,
    turn_detection: input.turn_detection,
    tools: s.tools,
    tool_choice: s.tool_choice,
    temperature: s.temperature,
    max_response_output_tokens: s.max_output_tokens,
    speed: s.audio.output.speed,
    tracing: s.tracing,
    include: s.include ?? undefined,
  });
}

export function voiceLiveSessionObject(s: SessionObject): Record<string, unknown> {
  const input = s.audio.input;
  const voice = s.audio.output.voice;
  return definedOnly({
    id: s.id,
    object: s.object,
    expires_at: s.expires_at,
    model: s.model,
    modalities: voiceLiveModalities(s.output_modalities),
    voice: typeof voice === 'object' && 'id' in voice ? voice.id : voice,
    instructions: s.instructions,
    input_audio_sampling_rate: formatSampleRate(input.format),
    input_audio_format: betaFormatString(input.format),
    output_audio_format: voiceLiveOutputFormatString(s.audio.output.format),
    turn_detection: input.turn_detection,
    input_audio_noise_reduction: input.noise_reduction,
    input_audio_echo_cancellation: input.echo_cancellation,
    input_audio_transcription: input.transcription,
    tools: s.tools,
    tool_choice: s.tool_choice,
    temperature: s.temperature,
    max_response_output_tokens: s.max_output_tokens,
    avatar: s.avatar,
    reasoning_effort: s.reasoning_effort,
    include: s.include ?? undefined,
    ...voiceLiveExtensions(s),
  });
}

export const SESSION_ENCODERS: Record<Dialect, (s: SessionObject) => Record<string, unknown>> = {
  ga: gaSessionObject,
  beta: betaSessionObject,
  voicelive: voiceLiveSessionObject,
};
