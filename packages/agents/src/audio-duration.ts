/** How long a piece of output audio plays, in the session's output format. */
import { pcm16DurationMs } from '@parley/client';
import type { AudioFormat } from '@parley/protocol';

const G711_BYTES_PER_MS = 8;

export function audioDurationMs(byteLength: number, format: AudioFormat | undefined): number {
  if (!format || format.type === 'audio/pcm') return pcm16DurationMs(byteLength, format?.rate ?? 24000);
  return byteLength / G711_BYTES_PER_MS;
}
