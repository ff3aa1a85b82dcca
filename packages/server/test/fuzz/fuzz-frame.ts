/** One frame the fuzzer sends, with what the server owes it. */
import type { Dialect } from '@parley/protocol';
import { judgeFrame } from './oracle.js';

export type FrameKind =
  | 'valid'
  | 'mutated'
  | 'audio'
  | 'response_churn'
  | 'bogus_reference'
  | 'speech'
  | 'random_json'
  | 'not_json'
  | 'binary'
  | 'near_limit';

export interface FuzzFrame {
  kind: FrameKind;
  data: string | Buffer;
  binary: boolean;
  /** The server must answer this frame with an `error` event. */
  mustFail: boolean;
  /** The `event_id` that error echoes; null when the frame has none the server can read. */
  eventId: string | null;
  /** The frame's `type`, or what it is, for failure reports. */
  label: string;
}

/** A text frame, judged by the schemas; `mustFail` forces the verdict for damage they cannot see (bad base64, unknown ids). */
export function textFrame(kind: FrameKind, text: string, dialect: Dialect, mustFail = false): FuzzFrame {
  const verdict = judgeFrame(text, dialect);
  return {
    kind,
    data: text,
    binary: false,
    mustFail: mustFail || verdict.invalid,
    eventId: verdict.eventId,
    label: verdict.type ?? `${kind}: ${text.slice(0, 40)}`,
  };
}

export function binaryFrame(data: Buffer): FuzzFrame {
  return { kind: 'binary', data, binary: true, mustFail: true, eventId: null, label: `binary frame of ${data.length} bytes` };
}
