/** Cutting PCM16 audio into equal chunks of whole samples, e.g. 20 ms appends for a realtime session. */
import { PCM16_BYTES } from './pcm16.js';

export interface ChunkOptions {
  sampleRate: number;
  /** Length of each chunk; the last one may be shorter. */
  chunkMs: number;
}

/** Bytes in one chunk: whole samples, never less than one. */
export function chunkByteLength({ sampleRate, chunkMs }: ChunkOptions): number {
  return Math.max(1, Math.floor((sampleRate * chunkMs) / 1000)) * PCM16_BYTES;
}

/** Views (no copies) of `bytes`, `chunkMs` long each; a trailing odd byte stays in the last one. */
export function chunkPcm16(bytes: Uint8Array, options: ChunkOptions): Uint8Array[] {
  const size = chunkByteLength(options);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}
