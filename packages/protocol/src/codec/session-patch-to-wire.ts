/**
 * A canonical `SessionPatch` → the `session` of a dialect's `session.update`: the inverse of
 * `gaSessionPatch` / `flatSessionPatch`, for clients. Settings the dialect has no wire name for
 * keep their canonical name, so the server refuses them with an error naming the field instead
 * of the setting vanishing on the way.
 */
import type { Dialect } from '../dialect.js';
import type { AudioFormat, AudioFormatPatch, SessionPatch, Voice } from '../model/session.js';
import { betaFormatString, mergeAudioFormat, voiceLiveOutputFormatString } from './audio-format.js';
import { betaModalities, gaModalities, voiceLiveModalities } from './modalities.js';
import { definedOnly, voiceName } from './session-codec.js';

const PCM_24K: AudioFormat = { type: 'audio/pcm', rate: 24000 };

/** A format patch as GA writes it: PCM names its rate, G.711 has none. */
export function gaFormatPatch(format: AudioFormatPatch): AudioFormatPatch {
  return format.type === undefined || format.type === 'audio/pcm' ? definedOnly({ type: 'audio/pcm' as const, rate: format.rate }) : { type: format.type };
}

/** GA voices are names or `{id}`; a Voice Live voice object is sent by name. */
export function gaVoice(voice: Voice): string | { id: string } {
  return typeof voice === 'object' && 'id' in voice ? voice : voiceName(voice);
}

/** Voice Live takes names and its own voice objects; a GA `{id}` is sent as its id. */
export function voiceLiveVoice(voice: Voice): Exclude<Voice, { id: string }> {
  return typeof voice === 'object' && 'id' in voice ? voice.id : voice;
}

function gaSession(patch: SessionPatch): Record<string, unknown> {
  const { type, audio, output_modalities, ...rest } = patch;
  const input = audio?.input;
  const output = audio?.output;
  return definedOnly({
    // GA's session.update names the session type; a patch without one means the usual kind.
    type: type ?? 'realtime',
    ...rest,
    output_modalities: output_modalities && gaModalities(output_modalities),
    audio:
      audio &&
      definedOnly({
        input: input && definedOnly({ ...input, format: input.format && gaFormatPatch(input.format) }),
        output:
          output &&
          definedOnly({
            ...output,
            format: output.format && gaFormatPatch(output.format),
            voice: output.voice === undefined ? undefined : gaVoice(output.voice),
          }),
      }),
  });
}

/**
 * Output audio settings as the flat dialects write them, in sessions and in `response.create`:
 * `voice` and `output_audio_format` at the top level; other settings (`speed`) keep their names.
 */
export function flatAudioOutput(
  output: { format?: AudioFormatPatch; voice?: Voice; [setting: string]: unknown } | undefined,
  dialect: 'beta' | 'voicelive',
): Record<string, unknown> {
  const { format, voice, ...rest } = output ?? {};
  const voiceLive = dialect === 'voicelive';
  const fullFormat = format && mergeAudioFormat(PCM_24K, format);
  return {
    ...rest,
    voice: voice === undefined ? undefined : voiceLive ? voiceLiveVoice(voice) : voiceName(voice),
    output_audio_format: fullFormat && (voiceLive ? voiceLiveOutputFormatString(fullFormat) : betaFormatString(fullFormat)),
  };
}

function flatSession(patch: SessionPatch, dialect: 'beta' | 'voicelive'): Record<string, unknown> {
  const { type: _type, audio, output_modalities, max_output_tokens, ...rest } = patch;
  const voiceLive = dialect === 'voicelive';
  const input = audio?.input ?? {};
  const inputFormat = input.format;
  return definedOnly({
    ...rest,
    ...flatAudioOutput(audio?.output, dialect),
    modalities: output_modalities && (voiceLive ? voiceLiveModalities(output_modalities) : betaModalities(output_modalities)),
    // A rate alone (no type) is Voice Live's `input_audio_sampling_rate`; beta's pcm16 is always 24 kHz.
    input_audio_format: inputFormat?.type === undefined ? undefined : betaFormatString(mergeAudioFormat(PCM_24K, inputFormat)),
    input_audio_sampling_rate: voiceLive && inputFormat?.type !== 'audio/pcmu' && inputFormat?.type !== 'audio/pcma' ? inputFormat?.rate : undefined,
    input_audio_transcription: input.transcription,
    input_audio_noise_reduction: input.noise_reduction,
    input_audio_echo_cancellation: input.echo_cancellation,
    turn_detection: input.turn_detection,
    max_response_output_tokens: max_output_tokens,
  });
}

export function sessionPatchToWire(patch: SessionPatch, dialect: Dialect): Record<string, unknown> {
  return dialect === 'ga' ? gaSession(patch) : flatSession(patch, dialect);
}
