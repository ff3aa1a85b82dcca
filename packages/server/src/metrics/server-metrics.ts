/**
 * A server's Prometheus metrics: `startServer` makes one unless given one. `exposition()` is the
 * body of `GET /metrics` (text format 0.0.4): this server's metrics, then the process's.
 */
import { Registry } from 'prom-client';
import { createInstruments, type Instruments } from './instruments.js';
import { processMetrics } from './process-metrics.js';
import { SessionMetrics, type SessionLabels } from './session-metrics.js';

export interface ServerMetricsOptions {
  /** Show the process's metrics (memory, CPU, event-loop lag) too. Default true. */
  processMetrics?: boolean;
}

export class ServerMetrics {
  readonly registry = new Registry();
  readonly contentType = Registry.PROMETHEUS_CONTENT_TYPE;
  readonly #instruments: Instruments;
  readonly #withProcess: boolean;

  constructor(options: ServerMetricsOptions = {}) {
    this.#instruments = createInstruments(this.registry);
    this.#withProcess = options.processMetrics ?? true;
  }

  /** Counts a new session; close the result when the session ends. */
  openSession(labels: SessionLabels): SessionMetrics {
    return new SessionMetrics(this.#instruments, labels);
  }

  async exposition(): Promise<string> {
    const own = await this.registry.metrics();
    return this.#withProcess ? own + (await processMetrics().metrics()) : own;
  }
}
