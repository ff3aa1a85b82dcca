/**
 * A dialect's response object (`response.created` / `.done`) → the canonical `ResponseObject`,
 * for clients: the inverse of `responseToWire`. GA's is canonical but for its items' spelling,
 * which GA shares; beta and Voice Live name modalities, voice and format their own way.
 */
import type { Dialect } from '../dialect.js';
import type { Item } from '../model/items.js';
import type { ResponseObject } from '../model/response.js';
import type { AudioFormat, Voice } from '../model/session.js';
import { formatFromString, mergeAudioFormat } from './audio-format.js';
import { itemFromWire } from './items-codec.js';
import { modalitiesFromWire } from './modalities.js';
import { definedOnly } from './session-codec.js';

const PCM_24K: AudioFormat = { type: 'audio/pcm', rate: 24000 };

interface FlatResponse {
  modalities?: string[];
  voice?: Voice;
  output_audio_format?: Parameters<typeof formatFromString>[0];
  output?: unknown[];
}

export function responseFromWire(wire: unknown, dialect: Dialect): ResponseObject {
  const response = (wire ?? {}) as ResponseObject;
  if (dialect === 'ga') return response;
  const { modalities, voice, output_audio_format, output, ...rest } = response as unknown as FlatResponse & Record<string, unknown>;
  return definedOnly({
    ...rest,
    output: (output ?? []).map((item): Item => itemFromWire(item, dialect)),
    output_modalities: modalitiesFromWire(modalities ?? []),
    audio: {
      output: definedOnly({
        format: mergeAudioFormat(PCM_24K, output_audio_format === undefined ? undefined : formatFromString(output_audio_format)),
        voice: voice as Voice,
      }),
    },
  }) as unknown as ResponseObject;
}
