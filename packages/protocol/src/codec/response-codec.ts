/** `response.create` parameters and response objects between canonical and wire shapes. */
import type { Dialect } from '../dialect.js';
import type { ResponseObject, ResponseParams } from '../model/response.js';
import type { BetaResponseParams, GaResponseParams, VoiceLiveResponseParams } from '../schemas/response-params.js';
import { betaFormatString, formatFromGa, formatFromString, voiceLiveOutputFormatString } from './audio-format.js';
import { itemInputToCanonical, itemToWire, responseInputToCanonical } from './items-codec.js';
import { betaModalities, gaModalities, modalitiesFromWire, voiceLiveModalities } from './modalities.js';
import { definedOnly, interimResponseToCanonical, voiceName } from './session-codec.js';

export function gaResponseParamsToCanonical(wire: GaResponseParams = {}): ResponseParams {
  const { output_modalities, audio, input, ...rest } = wire;
  const output = audio?.output;
  return definedOnly({
    ...rest,
    output_modalities: output_modalities && modalitiesFromWire(output_modalities),
    audio: output ? { output: definedOnly({ voice: output.voice, format: output.format && formatFromGa(output.format) }) } : undefined,
    input: input && responseInputToCanonical(input, 'response.input'),
  });
}

export function betaResponseParamsToCanonical(wire: BetaResponseParams = {}): ResponseParams {
  const { modalities, voice, output_audio_format, max_response_output_tokens, input, ...rest } = wire;
  const output = definedOnly({ voice, format: output_audio_format && formatFromString(output_audio_format) });
  return definedOnly({
    ...rest,
    output_modalities: modalities && modalitiesFromWire(modalities),
    audio: Object.keys(output).length > 0 ? { output } : undefined,
    max_output_tokens: max_response_output_tokens,
    input: input && responseInputToCanonical(input, 'response.input'),
  });
}

/**
 * Voice Live's `commit` and `cancel_previous` default to true, so a second `response.create`
 * there replaces the active response rather than being refused.
 */
export function voiceLiveResponseParamsToCanonical(
  wire: VoiceLiveResponseParams = {},
  additionalInstructions?: string,
): ResponseParams {
  const {
    modalities,
    voice,
    output_audio_format,
    max_output_tokens,
    max_response_output_tokens,
    input_items,
    append_input_items,
    pre_generated_assistant_message,
    'interim-response': interimDashed,
    interim_response,
    commit,
    cancel_previous,
    ...rest
  } = wire;
  const output = definedOnly({ voice, format: output_audio_format && formatFromString(output_audio_format) });
  const preGenerated = pre_generated_assistant_message && itemInputToCanonical(pre_generated_assistant_message, 'response.pre_generated_assistant_message');
  return definedOnly({
    ...rest,
    output_modalities: modalities && modalitiesFromWire(modalities),
    audio: Object.keys(output).length > 0 ? { output } : undefined,
    max_output_tokens: max_output_tokens ?? max_response_output_tokens,
    input: input_items && responseInputToCanonical(input_items, 'response.input_items'),
    append_input_items: append_input_items && responseInputToCanonical(append_input_items, 'response.append_input_items'),
    pre_generated_assistant_message: preGenerated?.type === 'message' ? preGenerated : undefined,
    interim_response: interimResponseToCanonical(interim_response !== undefined ? interim_response : interimDashed),
    additional_instructions: additionalInstructions,
    commit: commit ?? true,
    cancel_previous: cancel_previous ?? true,
  });
}

export function responseToWire(r: ResponseObject, dialect: Dialect): Record<string, unknown> {
  const output = dialect === 'ga' ? r.output : r.output.map((item) => itemToWire(item, dialect));
  const common = {
    id: r.id,
    object: r.object,
    status: r.status,
    status_details: r.status_details,
    output,
    conversation_id: r.conversation_id,
  };
  if (dialect === 'ga') {
    const format = r.audio.output.format;
    return definedOnly({
      ...common,
      output_modalities: gaModalities(r.output_modalities),
      audio: { output: { format: format.type === 'audio/pcm' ? format : { type: format.type }, voice: voiceName(r.audio.output.voice) } },
      max_output_tokens: r.max_output_tokens,
      metadata: r.metadata,
      usage: r.usage,
    });
  }
  const voiceLive = dialect === 'voicelive';
  return definedOnly({
    ...common,
    modalities: voiceLive ? voiceLiveModalities(r.output_modalities) : betaModalities(r.output_modalities),
    voice: voiceLive && typeof r.audio.output.voice === 'object' && !('id' in r.audio.output.voice) ? r.audio.output.voice : voiceName(r.audio.output.voice),
    output_audio_format: voiceLive ? voiceLiveOutputFormatString(r.audio.output.format) : betaFormatString(r.audio.output.format),
    temperature: r.temperature,
    max_output_tokens: r.max_output_tokens,
    metadata: r.metadata,
    usage: r.usage,
  });
}
