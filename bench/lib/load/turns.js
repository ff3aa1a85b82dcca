/**
 * Where each turn's time went, and whether a step held. All times are ms on the generator's
 * clock (since its T0). Per turn:
 *
 *   true speech end ──(VAD judgment + silence window, frame-rounded)──► commit point in the audio
 *     ──(the append holding it is "recorded")──► append due ──(generator pacing)──► append sent
 *     ──(server: parse, decode, resample, VAD, turn, encode, both socket hops)──► speech_stopped
 *     ──► response.created ──(LLM request, first token, TTS first clause)──► first delta
 *
 * - `hearingLag` = speech_stopped − true end − the configured silence window: the capacity figure.
 * - `serverStop` = speech_stopped − when the append that completed the silence window was sent:
 *   the server's own delay in hearing the end (nothing in it depends on the audio).
 * - `overhead` = serverStop + (created − stopped) + (first delta − created) − the LLM's first
 *   token − the TTS's first chunk (both measured apart) − with STT, the wait from
 *   `response.created` for the final transcript: the server's own share of the turn.
 *   Equivalently: end → first delta − silence window − the VAD's judgment and frame rounding −
 *   the append's recording time − generator pacing − the engines.
 */

/** Nearest-rank percentile of numbers (null when there are none). */
export function percentile(values, q) {
  const xs = values.filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  return xs[Math.min(xs.length - 1, Math.max(0, Math.ceil(q * xs.length) - 1))];
}

export const spread = (values) => ({ p50: percentile(values, 0.5), p95: percentile(values, 0.95), p99: percentile(values, 0.99), n: values.filter((v) => v !== null).length });

const diff = (a, b) => (a === null || b === null || a === undefined || b === undefined ? null : a - b);

/** The per-turn intervals; `engines` = { silenceMs, llmFirstTokenMs, ttsFirstChunkMs }. */
export function decompose(turn, engines) {
  const serverStop = diff(turn.stopped, turn.triggerSent);
  const stopToCreated = diff(turn.created, turn.stopped);
  const createdToDelta = diff(turn.firstDelta, turn.created);
  // With STT the answer waits for the final transcript: that wait is the STT engine's time.
  const sttWait = turn.transcribed !== null && turn.created !== null ? Math.max(0, turn.transcribed - turn.created) : 0;
  const parts = [serverStop, stopToCreated, createdToDelta];
  return {
    hearingLag: turn.stopped === null ? null : turn.stopped - turn.trueEnd - engines.silenceMs,
    pacing: diff(turn.triggerSent, turn.triggerDue),
    serverStop,
    stopToTranscribed: diff(turn.transcribed, turn.stopped),
    stopToCreated,
    createdToDelta,
    endToDelta: diff(turn.firstDelta, turn.trueEnd),
    overhead: parts.some((p) => p === null) ? null : serverStop + stopToCreated + createdToDelta - sttWait - engines.llmFirstTokenMs - engines.ttsFirstChunkMs,
  };
}

export const CAPACITY_LAG_MS = 100;
/** The generator keeps time when its appends go out at most this late (p99). */
export const PACING_LIMIT_MS = 20;

/** The step's figures and verdict: held when hearing lag p99 ≤ 100 ms, nothing lost, and the generator kept time. */
export function summarizeStep(step, engines, { expectResponses, expectTranscripts }) {
  const parts = step.turns.map((t) => decompose(t, engines));
  const column = (key) => spread(parts.map((p) => p[key]));
  const missed = step.turns.filter((t) => t.stopped === null).length;
  const misheard = step.turns.filter((t) => t.audioEndOffMs !== null && Math.abs(t.audioEndOffMs) > 32).length;
  const unansweredTurns = expectResponses ? step.turns.filter((t) => t.stopped !== null && (t.status !== 'completed' || t.firstDelta === null)) : [];
  const unanswered = unansweredTurns.length;
  const statuses = new Map();
  for (const t of unansweredTurns) {
    const status = t.status === 'completed' ? 'no delta' : (t.status ?? 'no response.done');
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  const byStatus = [...statuses].map(([status, n]) => `${status} ${n}`).join(', ');
  const untranscribed = expectTranscripts ? step.turns.filter((t) => t.stopped !== null && t.transcribed === null).length : 0;
  const figures = {
    hearingLag: column('hearingLag'),
    pacing: column('pacing'),
    serverStop: column('serverStop'),
    stopToTranscribed: column('stopToTranscribed'),
    stopToCreated: column('stopToCreated'),
    createdToDelta: column('createdToDelta'),
    endToDelta: column('endToDelta'),
    overhead: column('overhead'),
  };
  const lost = missed + misheard + unanswered + untranscribed + step.errors.length + step.closedEarly + step.unexpectedStops;
  const reasons = [];
  if (step.turns.length === 0) reasons.push('no turns');
  if (figures.hearingLag.p99 !== null && figures.hearingLag.p99 > CAPACITY_LAG_MS) reasons.push(`lag p99 ${figures.hearingLag.p99.toFixed(0)} ms`);
  if (lost > 0) reasons.push(`${lost} lost (missed ${missed}, misheard ${misheard}, unanswered ${unanswered}${byStatus ? ` (${byStatus})` : ''}, untranscribed ${untranscribed}, errors ${step.errors.length}, closed ${step.closedEarly}, extra ${step.unexpectedStops})`);
  if (step.lateness.p99 !== null && step.lateness.p99 > PACING_LIMIT_MS) reasons.push(`generator pacing p99 ${step.lateness.p99.toFixed(0)} ms`);
  return { ...figures, turns: step.turns.length, missed, lost, held: reasons.length === 0, reasons };
}
