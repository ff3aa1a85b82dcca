/**
 * Canonical `response.create` parameters → the dialect's fields of `response.create`: the
 * inverse of the `*ResponseParamsToCanonical` folds, for clients. As with sessions, a parameter
 * the dialect cannot express keeps its canonical name and the server names it in its error.
 */
import type { Dialect } from '../dialect.js';
import type { ResponseParams } from '../model/response.js';
import { itemToWire, responseInputToWire } from './items-codec.js';
import { betaModalities, gaModalities, voiceLiveModalities } from './modalities.js';
import { definedOnly } from './session-codec.js';
import { flatAudioOutput, gaFormatPatch, gaVoice } from './session-patch-to-wire.js';

/** The `response.create` fields besides `type` and `event_id`; Voice Live has one at the top level. */
export interface ResponseCreateFields {
  response?: Record<string, unknown>;
  additional_instructions?: string;
}

function gaParams(params: ResponseParams): Record<string, unknown> {
  const { output_modalities, audio, input, ...rest } = params;
  const output = audio?.output;
  return definedOnly({
    ...rest,
    output_modalities: output_modalities && gaModalities(output_modalities),
    audio:
      output &&
      {
        output: definedOnly({
          ...output,
          format: output.format && gaFormatPatch(output.format),
          voice: output.voice === undefined ? undefined : gaVoice(output.voice),
        }),
      },
    input: input && responseInputToWire(input, 'ga'),
  });
}

function betaParams(params: ResponseParams): Record<string, unknown> {
  const { output_modalities, audio, input, max_output_tokens, ...rest } = params;
  return definedOnly({
    ...rest,
    ...flatAudioOutput(audio?.output, 'beta'),
    modalities: output_modalities && betaModalities(output_modalities),
    max_response_output_tokens: max_output_tokens,
    input: input && responseInputToWire(input, 'beta'),
  });
}

function voiceLiveParams(params: Omit<ResponseParams, 'additional_instructions'>): Record<string, unknown> {
  const { output_modalities, audio, input, append_input_items, pre_generated_assistant_message, ...rest } = params;
  return definedOnly({
    ...rest,
    ...flatAudioOutput(audio?.output, 'voicelive'),
    modalities: output_modalities && voiceLiveModalities(output_modalities),
    input_items: input && responseInputToWire(input, 'voicelive'),
    append_input_items: append_input_items && responseInputToWire(append_input_items, 'voicelive'),
    pre_generated_assistant_message: pre_generated_assistant_message && itemToWire(pre_generated_assistant_message, 'voicelive'),
  });
}

/** Parameters with nothing in them are left out, as a bare `{"type":"response.create"}`. */
function nonEmpty(response: Record<string, unknown>): Record<string, unknown> | undefined {
  return Object.keys(response).length > 0 ? response : undefined;
}

export function responseParamsToWire(params: ResponseParams = {}, dialect: Dialect): ResponseCreateFields {
  if (dialect === 'ga') return definedOnly({ response: nonEmpty(gaParams(params)) });
  if (dialect === 'beta') return definedOnly({ response: nonEmpty(betaParams(params)) });
  const { additional_instructions, ...rest } = params;
  return definedOnly({ response: nonEmpty(voiceLiveParams(rest)), additional_instructions });
}
