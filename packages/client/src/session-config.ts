/**
 * The session configuration a client has asked for, kept so that a reconnect — which starts a
 * new server session — can ask for it again in one `session.update`. Merged as the server
 * merges updates: `audio.input` and `audio.output` field by field (formats too), every other
 * setting (instructions, tools, turn_detection, …) replaced whole.
 */
import type { SessionPatch } from '@parley/protocol';

type AudioPatch = NonNullable<SessionPatch['audio']>;

function mergeAudioSide<T extends { format?: object }>(base: T | undefined, patch: T | undefined): T | undefined {
  if (!patch) return base;
  if (!base) return patch;
  const format = base.format && patch.format ? { ...base.format, ...patch.format } : (patch.format ?? base.format);
  return { ...base, ...patch, ...(format ? { format } : {}) };
}

export function mergeSessionPatch(base: SessionPatch, patch: SessionPatch): SessionPatch {
  const merged: SessionPatch = { ...base, ...patch };
  if (base.audio && patch.audio) {
    const audio: AudioPatch = {};
    const input = mergeAudioSide(base.audio.input, patch.audio.input);
    const output = mergeAudioSide(base.audio.output, patch.audio.output);
    if (input) audio.input = input;
    if (output) audio.output = output;
    merged.audio = audio;
  }
  return merged;
}
