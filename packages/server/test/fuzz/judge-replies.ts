/**
 * What a fuzzed connection's replies are checked for, once every frame has been handled: every
 * bad frame answered by an `error`, every error from the registry with a short message (and,
 * for bad input, blaming the client), no `internal_error`, every frame valid for the dialect.
 */
import { isErrorCode, MAX_ERROR_MESSAGE_CHARS } from '@parley/protocol';
import type { RealtimeTestClient, WireEvent } from '../support/realtime-client.js';
import type { FuzzFrame } from './fuzz-frame.js';

export type ProblemKind = 'closed' | 'unanswered' | 'internal_error' | 'unclear_error' | 'missing_error' | 'invalid_frame';

export interface Problem {
  kind: ProblemKind;
  text: string;
}

interface WireError {
  type?: unknown;
  code?: unknown;
  message?: unknown;
  event_id?: unknown;
}

export function clip(text: string, length = 120): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}

export const errorEventId = (event: WireEvent): unknown => (event.error as WireError | undefined)?.event_id;

function judgeError(error: WireError, answering: FuzzFrame | undefined): Problem[] {
  const where = answering ? ` answering ${answering.kind} '${clip(answering.label, 60)}'` : '';
  const problems: Problem[] = [];
  const unclear = (text: string) => problems.push({ kind: 'unclear_error', text });
  if (error.code === 'internal_error') problems.push({ kind: 'internal_error', text: `internal_error${where}: ${String(error.message)}` });
  if (typeof error.code !== 'string' || !isErrorCode(error.code)) unclear(`error code ${String(error.code)} is not in the registry${where}`);
  if (typeof error.message !== 'string' || error.message.trim() === '') unclear(`error without a message${where}`);
  else if (error.message.length > MAX_ERROR_MESSAGE_CHARS) unclear(`error message of ${error.message.length} characters${where}: ${clip(error.message)}`);
  if (answering?.mustFail && error.type !== 'invalid_request_error') unclear(`error of type ${String(error.type)}${where}: bad input is the client's error`);
  return problems;
}

export function judgeReplies(sent: readonly FuzzFrame[], client: RealtimeTestClient): { problems: Problem[]; errorsByCode: Record<string, number> } {
  const problems: Problem[] = [];
  const byEventId = new Map(sent.filter((f) => f.eventId !== null).map((f) => [f.eventId!, f]));
  const errors = client.events.filter((e) => e.type === 'error').map((e) => e.error as WireError);
  const errorsByCode: Record<string, number> = {};
  for (const error of errors) {
    errorsByCode[String(error.code)] = (errorsByCode[String(error.code)] ?? 0) + 1;
    problems.push(...judgeError(error, typeof error.event_id === 'string' ? byEventId.get(error.event_id) : undefined));
  }
  const answered = new Set(errors.map((error) => error.event_id));
  for (const frame of sent) {
    if (frame.mustFail && frame.eventId !== null && !answered.has(frame.eventId)) {
      problems.push({ kind: 'missing_error', text: `no error for ${frame.kind} frame ${clip(String(frame.data), 200)}` });
    }
  }
  const anonymousBad = sent.filter((f) => f.mustFail && f.eventId === null).length;
  const anonymousErrors = errors.filter((error) => error.event_id === null).length;
  if (anonymousErrors < anonymousBad) {
    problems.push({ kind: 'missing_error', text: `${anonymousBad} bad frames without an event_id got only ${anonymousErrors} errors without one` });
  }
  for (const { event, reason } of client.invalid) problems.push({ kind: 'invalid_frame', text: `${event.type}: ${clip(reason, 300)}` });
  return { problems, errorsByCode };
}
