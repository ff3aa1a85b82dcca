/**
 * A small pool of worker threads that run Flite, so synthesis never blocks the event loop.
 *
 * - Workers start lazily (or all at `start()`), each with the compiled module (compiled once on
 *   the main thread; a `WebAssembly.Module` is shared with workers, not recompiled), and keep
 *   `spares` instances made ahead, so a job does not wait ~10–20 ms for one.
 * - Jobs wait in one FIFO queue; a job is a list of runs done in order on one worker.
 * - Aborting a queued job removes it. Aborting a running job settles it at once (the caller sees
 *   the abort) and drops its result when it comes; a worker still busy `abortGraceMs` later is
 *   terminated (a long synthesis stops using the CPU) and replaced when needed.
 * - A worker that dies (terminated, an uncaught exception, `process.exit`) fails its job with
 *   `engine_crashed`; a job still running `timeoutMs` after it started has its worker terminated
 *   and fails with `engine_timeout`. Either way the next job gets a new worker.
 * - Idle workers are `unref`'d: the pool never keeps the process alive by itself.
 */
import { ParleyError } from '@parley/protocol';
import { Worker } from 'node:worker_threads';
import { fliteWorkerSource, type FliteRun, type FliteRunResult, type FliteWorkerData, type FliteWorkerReply, type WasmModule } from './flite-wasi.js';

export interface FlitePoolOptions {
  /** Worker threads at most. */
  workers: number;
  /** Instances each worker keeps made ahead. */
  spares: number;
  /** How long a worker may go on with an aborted job before it is terminated, ms. */
  abortGraceMs: number;
  /** How long one job may run on a worker before the worker is terminated and the job fails, ms. */
  timeoutMs: number;
  /** Names the engine in error messages. */
  label: string;
}

export interface FliteJobResult {
  results: FliteRunResult[];
  /** Time in the worker, ms. */
  workerMs: number;
  /** Time waiting for a free worker, ms. */
  queuedMs: number;
}

interface Job {
  id: number;
  runs: FliteRun[];
  signal: AbortSignal;
  queuedAt: number;
  startedAt?: number;
  resolve(result: FliteJobResult): void;
  reject(error: unknown): void;
  settled: boolean;
  onAbort?: () => void;
}

interface PoolWorker {
  worker: Worker;
  ready: boolean;
  job?: Job;
  /** Set when the worker is being terminated or has exited. */
  gone: boolean;
  killTimer?: NodeJS.Timeout;
  /** Fires when the job has run for `timeoutMs`. */
  deadline?: NodeJS.Timeout;
}

export class FlitePool {
  readonly #module: () => Promise<WasmModule>;
  readonly #options: FlitePoolOptions;
  readonly #workers: PoolWorker[] = [];
  readonly #queue: Job[] = [];
  #nextId = 1;
  #closed = false;
  /** Workers whose module is still being compiled. */
  #spawning = 0;
  #source: string | undefined;

  constructor(module: () => Promise<WasmModule>, options: FlitePoolOptions) {
    this.#module = module;
    this.#options = options;
  }

  get size(): number {
    return this.#workers.filter((w) => !w.gone).length;
  }

  /** The worker threads running a job now. */
  get busyThreads(): Worker[] {
    return this.#workers.filter((w) => w.job && !w.gone).map((w) => w.worker);
  }

  /** Starts every worker and waits until each has its first instance ready. */
  async start(): Promise<void> {
    const module = await this.#module();
    const starting: Promise<void>[] = [];
    while (this.size < this.#options.workers) starting.push(this.#spawn(module));
    await Promise.all(starting);
  }

  run(runs: FliteRun[], signal: AbortSignal): Promise<FliteJobResult> {
    if (this.#closed) return Promise.reject(new ParleyError('engine_unavailable', `${this.#options.label} is closed.`));
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<FliteJobResult>((resolve, reject) => {
      const job: Job = { id: this.#nextId++, runs, signal, queuedAt: performance.now(), resolve, reject, settled: false };
      job.onAbort = () => this.#abort(job);
      signal.addEventListener('abort', job.onAbort, { once: true });
      this.#queue.push(job);
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const closed = new ParleyError('engine_unavailable', `${this.#options.label} was closed.`);
    for (const job of this.#queue.splice(0)) this.#settle(job, undefined, closed);
    await Promise.all(
      this.#workers.splice(0).map(async (w) => {
        if (w.job) this.#settle(w.job, undefined, closed);
        w.gone = true;
        clearTimeout(w.killTimer);
        clearTimeout(w.deadline);
        await w.worker.terminate();
      }),
    );
  }

  #settle(job: Job, result: FliteJobResult | undefined, error?: unknown): void {
    if (job.settled) return;
    job.settled = true;
    if (job.onAbort) job.signal.removeEventListener('abort', job.onAbort);
    if (error !== undefined) job.reject(error);
    else job.resolve(result!);
  }

  #abort(job: Job): void {
    const queued = this.#queue.indexOf(job);
    if (queued >= 0) this.#queue.splice(queued, 1);
    this.#settle(job, undefined, job.signal.reason);
    const owner = this.#workers.find((w) => w.job === job);
    if (owner && !owner.killTimer) {
      owner.killTimer = setTimeout(() => {
        if (owner.job !== job || owner.gone) return;
        this.#retire(owner);
        void owner.worker.terminate();
        this.#dispatch();
      }, this.#options.abortGraceMs);
      owner.killTimer.unref();
    }
  }

  #retire(w: PoolWorker): void {
    w.gone = true;
    w.job = undefined;
    clearTimeout(w.killTimer);
    clearTimeout(w.deadline);
    const at = this.#workers.indexOf(w);
    if (at >= 0) this.#workers.splice(at, 1);
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const idle = this.#workers.find((w) => w.ready && !w.job && !w.gone);
      if (!idle) {
        // Start another worker if there is room; the job waits for whichever is free first.
        const starting = this.#workers.filter((w) => !w.ready && !w.gone).length + this.#spawning;
        if (this.size + this.#spawning < this.#options.workers && starting < this.#queue.length) {
          this.#spawning++;
          this.#module().then(
            (module) => {
              this.#spawning--;
              this.#spawn(module).catch(() => undefined);
            },
            (error: unknown) => {
              this.#spawning--;
              for (const job of this.#queue.splice(0)) this.#settle(job, undefined, error);
            },
          );
        }
        return;
      }
      const job = this.#queue.shift()!;
      idle.job = job;
      job.startedAt = performance.now();
      idle.worker.ref();
      idle.worker.postMessage({ id: job.id, runs: job.runs });
      idle.deadline = setTimeout(() => this.#overdue(idle, job), this.#options.timeoutMs);
      idle.deadline.unref();
    }
  }

  /** A job that ran too long: its worker may be stuck in a loop, so it goes, and the job fails. */
  #overdue(w: PoolWorker, job: Job): void {
    if (w.job !== job || w.gone) return;
    this.#retire(w);
    void w.worker.terminate();
    this.#settle(job, undefined, new ParleyError('engine_timeout', `${this.#options.label} did not finish a synthesis within ${this.#options.timeoutMs} ms; its worker thread was stopped.`));
    this.#dispatch();
  }

  #spawn(module: WasmModule): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#source ??= fliteWorkerSource();
    const workerData: FliteWorkerData = { module, spares: this.#options.spares };
    const worker = new Worker(this.#source, { eval: true, workerData, name: 'parley-flite' });
    const entry: PoolWorker = { worker, ready: false, gone: false };
    this.#workers.push(entry);
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: FliteWorkerReply) => {
        if (reply.type === 'ready') {
          entry.ready = true;
          worker.unref();
          resolve();
          this.#dispatch();
          return;
        }
        const job = entry.job;
        entry.job = undefined;
        clearTimeout(entry.killTimer);
        entry.killTimer = undefined;
        clearTimeout(entry.deadline);
        worker.unref();
        if (job && job.id === reply.id) {
          if (reply.type === 'done') {
            this.#settle(job, { results: reply.results, workerMs: reply.workerMs, queuedMs: (job.startedAt ?? job.queuedAt) - job.queuedAt });
          } else {
            this.#settle(job, undefined, new ParleyError('engine_stream_error', `${this.#options.label} failed: ${reply.message.split('\n')[0]}`));
          }
        }
        this.#dispatch();
      });
      const fail = (why: string, cause?: unknown) => {
        if (entry.gone) return;
        const job = entry.job;
        this.#retire(entry);
        const error = new ParleyError('engine_crashed', `${this.#options.label}: its worker thread ${why}.`, { cause });
        if (job) this.#settle(job, undefined, error);
        reject(error);
        if (!entry.ready) {
          // A worker that cannot even start would fail again: fail the waiting jobs instead of looping.
          for (const waiting of this.#queue.splice(0)) this.#settle(waiting, undefined, error);
          return;
        }
        // Jobs still queued get a new worker.
        this.#dispatch();
      };
      worker.on('error', (error) => fail(`failed (${error.message})`, error));
      worker.on('exit', (code) => fail(`exited with code ${code}`));
    });
  }
}
