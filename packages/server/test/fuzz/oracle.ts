/**
 * What the server must make of a frame, judged independently of its decoder: the protocol's
 * client-event schemas, applied to the frame's JSON as a client library would, and its nesting
 * limit. A frame they reject must be answered with an `error` event; one they accept may still
 * fail later (an unknown item, audio that is not base64), so it carries no expectation.
 */
import { clientEventSchemas, MAX_JSON_DEPTH, nestsDeeperThan, type Dialect } from '@parley/protocol';
import type { z } from 'zod';

export interface FrameVerdict {
  /** The schemas reject the frame. */
  invalid: boolean;
  /** The `event_id` an `error` can echo: a string one on a JSON object, else null. */
  eventId: string | null;
  /** The frame's `type`, when it is a string. */
  type: string | null;
}

export function judgeFrame(text: string, dialect: Dialect): FrameVerdict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { invalid: true, eventId: null, type: null };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { invalid: true, eventId: null, type: null };
  const record = parsed as Record<string, unknown>;
  const eventId = typeof record.event_id === 'string' ? record.event_id : null;
  const type = typeof record.type === 'string' ? record.type : null;
  const schemas: Record<string, z.ZodType> = clientEventSchemas[dialect];
  const schema = type !== null && Object.hasOwn(schemas, type) ? schemas[type] : undefined;
  const invalid = !schema || nestsDeeperThan(record, MAX_JSON_DEPTH) || !schema.safeParse(parsed).success;
  return { invalid, eventId, type };
}
