/**
 * The audio of conversation items, held as bytes beside their content parts rather than as
 * base64 strings on them. An hour of conversation is over 100 MB of audio: as strings it would
 * sit on the JavaScript heap, where every major GC walks it (the load benchmark's p99 came from
 * those pauses); as Buffers it is outside the heap. Base64 is made only when a client asks for
 * the audio (`conversation.item.retrieve`).
 */
import type { ContentPart } from '@parley/protocol';

type AudioPart = Extract<ContentPart, { type: 'input_audio' | 'output_audio' }>;

const held = new WeakMap<AudioPart, Buffer>();

/** Keeps `audio` as the part's audio (replacing any base64 on it). */
export function holdAudio(part: AudioPart, audio: Buffer): void {
  delete part.audio;
  held.set(part, audio);
}

/** The part's audio as the wire carries it: base64, or null when it has none. */
export function audioBase64(part: AudioPart): string | null {
  const bytes = held.get(part);
  return bytes ? bytes.toString('base64') : (part.audio ?? null);
}
