/**
 * One session's part in the server's metrics: its labels are bound once, at open, and it
 * keeps its own tallies of events in and out for the session's closing log line. Counting
 * an event is a Set lookup, a Map lookup and prom-client's increment (bench/run.js measures it).
 */
import type { Dialect, ServerEvent } from '@parley/protocol';
import type { Gauge, Histogram } from 'prom-client';
import type { Instruments } from './instruments.js';
import { INVALID_CLIENT_EVENT } from './label-values.js';
import type { LatencyObserver } from './response-timer.js';

export interface SessionLabels {
  dialect: Dialect;
  /** The model profile serving the session. */
  profile: string;
}

export class SessionMetrics implements LatencyObserver {
  /** Client events received and server events sent by this session. */
  eventsIn = 0;
  eventsOut = 0;
  readonly #instruments: Instruments;
  readonly #active: Gauge.Internal<'dialect' | 'profile'>;
  readonly #speechToAudio: Histogram.Internal<'profile'>;
  readonly #llmFirstToken: Histogram.Internal<'profile'>;
  readonly #ttsFirstByte: Histogram.Internal<'profile'>;
  #closed = false;

  constructor(instruments: Instruments, labels: SessionLabels) {
    this.#instruments = instruments;
    const { dialect, profile } = labels;
    instruments.sessionsOpened.labels(dialect, profile).inc();
    this.#active = instruments.sessionsActive.labels(dialect, profile);
    this.#active.inc();
    this.#speechToAudio = instruments.speechEndToFirstAudio.labels(profile);
    this.#llmFirstToken = instruments.llmFirstToken.labels(profile);
    this.#ttsFirstByte = instruments.ttsFirstByte.labels(profile);
  }

  /** A client event was decoded (by its canonical type). */
  clientEvent(type: string): void {
    this.eventsIn++;
    this.#instruments.clientEvents.inc(type);
  }

  /** A client frame could not be decoded. */
  invalidClientFrame(): void {
    this.clientEvent(INVALID_CLIENT_EVENT);
  }

  /** A server event went out on the wire. */
  serverEvent(event: ServerEvent): void {
    this.eventsOut++;
    const instruments = this.#instruments;
    instruments.serverEvents.inc(event.type);
    if (event.type === 'error') instruments.errors.inc(event.error.code ?? '');
    else if (event.type === 'response.done') instruments.responses.inc(event.response.status);
  }

  llmFirstToken(ms: number): void {
    this.#llmFirstToken.observe(ms / 1000);
  }

  ttsFirstByte(ms: number): void {
    this.#ttsFirstByte.observe(ms / 1000);
  }

  speechEndToFirstAudio(ms: number): void {
    this.#speechToAudio.observe(ms / 1000);
  }

  /** The session ended; later calls do nothing. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#active.dec();
  }
}
