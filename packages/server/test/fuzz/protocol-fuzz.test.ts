/**
 * Protocol fuzzing over real sockets. Rounds of three fuzzed connections, one per dialect, each
 * a batch of frames generated from the protocol's schemas (valid, mutated, random, not JSON,
 * binary, near the frame limit, churning responses, bogus ids, odd audio), against a server with
 * a scripted LLM, a tone speech engine and, on one connection per round, Silero VAD. A
 * well-behaved session holds text turns throughout. The run is decided by PARLEY_FUZZ_SEED
 * (printed) and sized by PARLEY_FUZZ_EVENTS.
 */
import type { Dialect } from '@parley/protocol';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../src/audio/resampler.js';
import { synthesizeSpeech } from '../support/speech.js';
import { runBatch, type BatchReport } from './fuzz-batch.js';
import type { ProblemKind } from './judge-replies.js';
import { FRAME_LIMIT, MCP_URL, startFuzzServer, type FuzzServer } from './fuzz-server.js';
import { fuzzSummary } from './fuzz-summary.js';
import { sampleMemory, type MemorySample } from './memory.js';
import { connectObserver, startObserver, textTurn, type ObserverReport } from './observer.js';
import { Random } from './random.js';

const SEED = Number(process.env.PARLEY_FUZZ_SEED ?? 20_240_611);
const EVENTS = Number(process.env.PARLEY_FUZZ_EVENTS ?? 21_000);
const FRAMES_PER_BATCH = 350;

const LANES: { dialect: Dialect; path: string; headers?: Record<string, string> }[] = [
  { dialect: 'ga', path: '/v1/realtime' },
  { dialect: 'beta', path: '/v1/realtime', headers: { 'openai-beta': 'realtime=v1' } },
  { dialect: 'voicelive', path: '/voice-live/realtime' },
];

const ROUNDS = Math.ceil(EVENTS / (FRAMES_PER_BATCH * LANES.length));
/** Rounds before memory is compared: caches, JIT and pools settle first. */
const WARM_UP_ROUNDS = Math.max(1, Math.min(3, Math.floor(ROUNDS / 3)));
/**
 * How much live memory (heap + ArrayBuffers, after GC) may grow from the end of warm-up to any
 * later round. V8 keeps compiling code and hidden classes for the fuzz's ever new shapes (about
 * 0.05 MiB a round); sessions kept after their close cost about 1 MiB a round.
 */
const MAX_GROWTH_MIB = 8 + 0.06 * ROUNDS;

const crashes: string[] = [];
const onCrash = (what: string) => (error: unknown) => crashes.push(`${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
const onUncaught = onCrash('uncaught exception');
const onUnhandled = onCrash('unhandled rejection');
/** Node's own warnings point at server bugs too: a timer delay that overflowed, listeners piling up on an emitter. */
const warnings: string[] = [];
const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);

let fuzz: FuzzServer;
const reports: BatchReport[] = [];
const memory: MemorySample[] = [];
let observer: ObserverReport;
let afterwards: { turnMs?: number; problem?: string } = {};
let elapsedMs = 0;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

/** A lane's own stream for a round, so a failing batch replays alone whatever ran beside it. */
const laneRandom = (round: number, lane: number) => new Random(SEED ^ Math.imul(round * LANES.length + lane + 1, 0x9e3779b1));

async function speech24k(): Promise<Buffer> {
  const speech = await synthesizeSpeech('what is the weather in paris today', { voice: 'slt' });
  const samples = await resample(speech.samples, 16_000, 24_000);
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
}

async function fuzzRound(round: number, speech: Buffer): Promise<BatchReport[]> {
  return Promise.all(
    LANES.map(({ dialect, path, headers }, lane) => {
      const profile = (round + lane) % LANES.length === 0 ? 'fuzz-hearing' : 'fuzz';
      return runBatch({
        url: `${fuzz.server.wsUrl}${path}?model=${profile}`,
        dialect,
        headers,
        frames: FRAMES_PER_BATCH,
        random: laneRandom(round, lane),
        frameLimit: FRAME_LIMIT,
        mcpUrls: [MCP_URL],
        speech,
        eventIdPrefix: `r${round}-${dialect}-`,
      });
    }),
  );
}

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUnhandled);
  process.on('warning', onWarning);
  console.log(`protocol fuzz: seed ${SEED}, ${EVENTS} events (replay with PARLEY_FUZZ_SEED=${SEED} PARLEY_FUZZ_EVENTS=${EVENTS})`);
  const [speech, server] = await Promise.all([speech24k(), startFuzzServer(new Random(SEED), { hearing: true })]);
  fuzz = server;
  const started = performance.now();
  const running = await startObserver(fuzz.server.wsUrl);
  loopDelay.enable();
  for (let round = 0; round < ROUNDS; round++) {
    reports.push(...(await fuzzRound(round, speech)));
    fuzz.forgetRecordings();
    memory.push(await sampleMemory());
  }
  observer = await running.stop();
  const fresh = await connectObserver(fuzz.server.wsUrl);
  try {
    afterwards = { turnMs: await textTurn(fresh, 1) };
  } catch (err) {
    afterwards = { problem: (err as Error).message };
  }
  await fresh.close();
  elapsedMs = performance.now() - started;
  loopDelay.disable();
  console.log(
    fuzzSummary({
      reports,
      memory,
      warmUpRounds: WARM_UP_ROUNDS,
      observer,
      afterwards,
      elapsedMs,
      loopDelay: { p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6 },
      errorLogs: fuzz.errorLogs,
    }),
  );
}, 600_000);

afterAll(async () => {
  await fuzz?.stop();
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUnhandled);
  process.off('warning', onWarning);
});

function problems(kind: ProblemKind): string[] {
  const texts = reports.flatMap((r) => r.problems.filter((p) => p.kind === kind).map((p) => p.text));
  const distinct = [...new Set(texts)];
  return distinct.length > 20 ? [...distinct.slice(0, 20), `… and ${distinct.length - 20} more`] : distinct;
}

describe(`protocol fuzz (seed ${SEED})`, () => {
  it(`sends at least ${EVENTS} frames, in all three dialects, on connections with and without a VAD`, () => {
    expect(reports.reduce((n, r) => n + r.framesSent, 0)).toBeGreaterThanOrEqual(EVENTS);
    expect(reports.length).toBeGreaterThanOrEqual(LANES.length);
  });

  it('never throws in the server process: no uncaught exception, no unhandled rejection', () => {
    expect(crashes).toEqual([]);
  });

  it('raises no process warning (timer overflow, listener leak, ...)', () => {
    expect([...new Set(warnings)]).toEqual([]);
  });

  it("sends only JSON frames that the connection's dialect schema accepts", () => {
    expect(problems('invalid_frame')).toEqual([]);
  });

  it('answers every bad frame with an error event', () => {
    expect(problems('missing_error')).toEqual([]);
  });

  it('never answers with internal_error, and every error has a registry code and a short, clear message', () => {
    expect(problems('internal_error')).toEqual([]);
    expect(problems('unclear_error')).toEqual([]);
  });

  it('keeps every fuzzed socket open and still answering after its batch', () => {
    expect(problems('closed')).toEqual([]);
    expect(problems('unanswered')).toEqual([]);
  });

  it('logs no error-level line: no handler, hearing or decoding failure', () => {
    expect(fuzz.errorLogs.map(({ msg, fields }) => `${msg}: ${String(fields.error ?? JSON.stringify(fields)).slice(0, 300)}`)).toEqual([]);
  });

  it('lets a well-behaved session on the same server complete text turns during and after the fuzzing', () => {
    expect(observer.problems).toEqual([]);
    expect(observer.turnMs.length).toBeGreaterThan(0);
    expect(afterwards.problem).toBeUndefined();
    expect(afterwards.turnMs).toBeDefined();
  });

  it(`keeps memory bounded: live memory grows less than ${MAX_GROWTH_MIB.toFixed(1)} MiB after warm-up`, () => {
    expect(memory.length).toBeGreaterThan(WARM_UP_ROUNDS);
    const warm = memory[WARM_UP_ROUNDS - 1]!.liveMiB;
    const peak = Math.max(...memory.slice(WARM_UP_ROUNDS).map((m) => m.liveMiB));
    expect(peak - warm).toBeLessThan(MAX_GROWTH_MIB);
  });
});
