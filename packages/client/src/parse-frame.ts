/** A socket message → a wire frame (a JSON object with a string `type`), or why it is not one. */
import type { WireFrame } from '@parley/protocol';

export type ParsedFrame = { ok: true; frame: WireFrame } | { ok: false; reason: string };

export function parseFrame(data: unknown): ParsedFrame {
  if (typeof data !== 'string') return { ok: false, reason: 'binary frame: the realtime protocols send JSON text frames' };
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as { type?: unknown }).type !== 'string') {
    return { ok: false, reason: 'not a JSON object with a string "type"' };
  }
  return { ok: true, frame: value as WireFrame };
}
