/**
 * Fetching model files (GGUF weights and the like) into a local cache, safely:
 *
 * - The body goes to `<destination>.part`; only a complete file whose SHA-256 matches is
 *   renamed onto the destination (an atomic rename on the same filesystem), so the destination
 *   is either absent or whole and verified.
 * - An interrupted transfer leaves the `.part` file; the next attempt resumes it with an HTTP
 *   `Range` request (a server that ignores ranges answers 200 and the download restarts).
 *   A checksum mismatch deletes the `.part` file.
 * - Timeouts: for the response headers (`connectTimeoutMs`) and for silence between two
 *   chunks of the body (`idleTimeoutMs`). Redirects are followed (fetch does).
 * - Failures are `ModelDownloadError`s with a `kind`. When the host cannot be resolved or
 *   refuses the connection the message says the machine seems offline and how to put the file
 *   in place by hand.
 *
 * `ensureModel` is the entry point: it returns the local path of a model, downloading it only
 * when needed. A verified file gets a `<file>.sha256` sidecar (hash, size and mtime) so later
 * starts skip re-hashing.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/**
 * - `offline`: the host could not be resolved or refused the connection (or the network is down)
 * - `network`: another failure before any response (TLS, a reset, a forbidden port)
 * - `http`: an HTTP error status (`status` says which)
 * - `timeout`: no headers within `connectTimeoutMs`, or the body silent for `idleTimeoutMs`
 * - `interrupted`: the body broke off or came short; the `.part` file is kept for resuming
 * - `checksum`: the file's SHA-256 is not the expected one; the `.part` file was deleted
 * - `aborted`: the caller's signal; `invalid`: bad arguments; `io`: the disk (full, read-only…)
 */
export type ModelDownloadErrorKind = 'offline' | 'network' | 'http' | 'timeout' | 'interrupted' | 'checksum' | 'aborted' | 'invalid' | 'io';

export class ModelDownloadError extends Error {
  override readonly name = 'ModelDownloadError';
  constructor(
    readonly kind: ModelDownloadErrorKind,
    message: string,
    options: { cause?: unknown; status?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
  }
  /** The HTTP status, for `kind: 'http'`. */
  readonly status: number | undefined;
}

export interface DownloadProgress {
  /** Bytes of the file on disk so far, including a resumed part. */
  received: number;
  /** The file's size, when the server said it. */
  total: number | undefined;
  /** Bytes that were already in the `.part` file when this transfer started. */
  resumedFrom: number;
  /** Average transfer rate of this attempt, bytes per second. */
  bytesPerSecond: number;
  /** True on the last event, once every byte arrived (before the checksum is checked). */
  done: boolean;
}

export interface DownloadOptions {
  url: string;
  /** Expected SHA-256 of the whole file, hex. */
  sha256: string;
  /** Final path of the file; its directory is created. */
  destination: string;
  onProgress?: (progress: DownloadProgress) => void;
  /** Most time to wait for the response headers. Default 30 s. */
  connectTimeoutMs?: number;
  /** Most time the body may stay silent. Default 60 s. */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  /** Least time between two progress events (the last one always comes). Default 100 ms. */
  progressIntervalMs?: number;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
  /** Bytes reused from an earlier interrupted attempt. */
  resumedFrom: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const DEFAULT_PROGRESS_INTERVAL_MS = 100;
/** Socket errors meaning the request never reached a server. */
const OFFLINE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'ENETDOWN']);
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Where models are cached: `$PARLEY_CACHE_DIR/models`, else `$XDG_CACHE_HOME/parley/models`, else `~/.cache/parley/models`. */
export function defaultModelDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PARLEY_CACHE_DIR) return join(env.PARLEY_CACHE_DIR, 'models');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'parley', 'models');
}

export function partPath(destination: string): string {
  return `${destination}.part`;
}

export function sidecarPath(file: string): string {
  return `${file}.sha256`;
}

/** How to fetch the file by hand, for error messages. */
export function manualDownloadHint(url: string, destination: string, sha256: string): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return (
    `Download it on a machine that is online and put it at ${destination}, e.g.:\n` +
    `  mkdir -p ${q(dirname(destination))} && curl -fL -o ${q(destination)} ${q(url)}\n` +
    `and check it: sha256sum ${q(destination)}  (expected ${sha256})`
  );
}

function normalizeSha(sha256: string): string {
  const hex = sha256.trim().toLowerCase();
  if (!SHA256_HEX.test(hex)) throw new ModelDownloadError('invalid', `Not a SHA-256 hex digest: "${sha256}".`);
  return hex;
}

function errorCode(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const errors = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      const inner = errorCode(errors[0]);
      if (inner) return inner;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describe(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  const detail = cause instanceof Error ? cause.message : undefined;
  const top = err instanceof Error ? err.message : String(err);
  return detail && detail !== top ? `${top}: ${detail}` : top;
}

async function hashFile(path: string, hash: Hash = createHash('sha256')): Promise<{ hash: Hash; bytes: number }> {
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { hash, bytes };
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/**
 * Downloads `url` to `destination` through a `.part` file, resuming one left by an earlier
 * attempt, and checks the SHA-256 before the atomic rename.
 */
export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  const expected = normalizeSha(options.sha256);
  const { url, destination } = options;
  const part = partPath(destination);
  const hint = () => manualDownloadHint(url, destination, expected);
  await mkdir(dirname(destination), { recursive: true });

  let offset = await sizeOf(part);
  const timeout = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number, error: () => ModelDownloadError) => {
    clearTimeout(timer);
    timer = setTimeout(() => timeout.abort(error()), ms);
  };
  const connectMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  /** When the caller aborted or a timeout fired, throws that instead of the fetch error it caused. */
  const throwIfStopped = () => {
    if (options.signal?.aborted) {
      throw new ModelDownloadError('aborted', `The download of ${url} was aborted; the partial file ${part} is kept for resuming.`, { cause: options.signal.reason });
    }
    if (timeout.signal.aborted) throw timeout.signal.reason;
  };

  try {
    // Headers.
    let response: Response;
    for (;;) {
      arm(connectMs, () => new ModelDownloadError('timeout', `No answer from ${url} within ${connectMs} ms. ${hint()}`));
      try {
        response = await fetch(url, { headers: offset > 0 ? { range: `bytes=${offset}-` } : {}, redirect: 'follow', signal });
      } catch (err) {
        throwIfStopped();
        const code = errorCode(err);
        if (code && OFFLINE_CODES.has(code)) {
          throw new ModelDownloadError(
            'offline',
            `Could not reach ${new URL(url).host} (${code}): this machine seems to be offline, or the host is blocked.\n${hint()}`,
            { cause: err },
          );
        }
        throw new ModelDownloadError('network', `Fetching ${url} failed: ${describe(err)}. ${hint()}`, { cause: err });
      }
      if (response.status === 416 && offset > 0) {
        // The part is not a prefix the server recognises (or is already whole): start over.
        await response.body?.cancel().catch(() => {});
        await rm(part, { force: true });
        offset = 0;
        continue;
      }
      break;
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new ModelDownloadError(
        'http',
        `Downloading ${url} failed: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${response.url && response.url !== url ? ` (at ${response.url})` : ''}. Check the URL, or: ${hint()}`,
        { status: response.status },
      );
    }

    // Resume only when the server really sent the rest of the same file.
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    let total: number | undefined;
    if (response.status === 206) {
      const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
      if (!range || Number(range[1]) !== offset) {
        await response.body?.cancel().catch(() => {});
        await rm(part, { force: true });
        throw new ModelDownloadError('interrupted', `The server sent a range of ${url} that does not continue the partial file; it was deleted, try again.`);
      }
      total = range[3] === '*' ? (Number.isFinite(length) ? offset + length : undefined) : Number(range[3]);
    } else {
      offset = 0; // 200: the whole file comes again
      total = Number.isFinite(length) ? length : undefined;
    }
    const resumedFrom = offset;
    const { hash } = offset > 0 ? await hashFile(part) : { hash: createHash('sha256') };

    // Body.
    const file = await open(part, offset > 0 ? 'a' : 'w');
    let received = offset;
    const started = performance.now();
    const interval = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    let lastProgress = -Infinity;
    const progress = (done: boolean) => {
      if (!options.onProgress) return;
      const now = performance.now();
      if (!done && now - lastProgress < interval) return;
      lastProgress = now;
      const seconds = (now - started) / 1000;
      options.onProgress({ received, total, resumedFrom, bytesPerSecond: seconds > 0 ? (received - resumedFrom) / seconds : 0, done });
    };
    try {
      arm(idleMs, () => new ModelDownloadError('timeout', `The download of ${url} stalled: nothing arrived for ${idleMs} ms. The partial file ${part} is kept; run again to resume.`));
      progress(false);
      if (response.body) {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          arm(idleMs, () => new ModelDownloadError('timeout', `The download of ${url} stalled: nothing arrived for ${idleMs} ms. The partial file ${part} is kept; run again to resume.`));
          await file.write(chunk);
          hash.update(chunk);
          received += chunk.length;
          progress(false);
        }
      }
      await file.sync();
    } catch (err) {
      throwIfStopped();
      if (err instanceof ModelDownloadError) throw err;
      const code = errorCode(err);
      if (code && ['ENOSPC', 'EACCES', 'EROFS', 'EDQUOT', 'EIO'].includes(code)) {
        throw new ModelDownloadError('io', `Writing ${part} failed (${code}): ${describe(err)}`, { cause: err });
      }
      throw new ModelDownloadError(
        'interrupted',
        `The download of ${url} broke off after ${received} of ${total ?? 'unknown'} bytes (${describe(err)}). The partial file ${part} is kept; run again to resume.`,
        { cause: err },
      );
    } finally {
      clearTimeout(timer);
      await file.close();
    }
    if (total !== undefined && received !== total) {
      throw new ModelDownloadError(
        'interrupted',
        `The download of ${url} ended after ${received} of ${total} bytes. The partial file ${part} is kept; run again to resume.`,
      );
    }
    progress(true);

    const actual = hash.digest('hex');
    if (actual !== expected) {
      await rm(part, { force: true });
      throw new ModelDownloadError(
        'checksum',
        `The file downloaded from ${url} has SHA-256 ${actual}, but ${expected} was expected; it was deleted. ` +
          'The URL may serve another version of the file, or the transfer was corrupted: check the URL and the checksum.',
      );
    }
    await rename(part, destination);
    return { path: destination, bytes: received, sha256: actual, resumedFrom };
  } finally {
    clearTimeout(timer);
  }
}

export interface EnsureModelOptions {
  /** File name in the cache directory, e.g. `qwen2.5-0.5b-instruct-q4_k_m.gguf`. */
  name: string;
  url: string;
  /** Expected SHA-256, hex. */
  sha256: string;
  /** Where the file lives; default `<cacheDir>/<name>`. */
  path?: string;
  /** Default `defaultModelDir()`. */
  cacheDir?: string;
  /** Expected size in bytes, when known: a file of another size is not hashed at all. */
  size?: number;
  onProgress?: (progress: DownloadProgress) => void;
  /** Told what `ensureModel` is doing: verifying an existing file, downloading, done. */
  onStatus?: (status: EnsureModelStatus) => void;
  connectTimeoutMs?: number;
  idleTimeoutMs?: number;
  signal?: AbortSignal;
}

export type EnsureModelStatus =
  | { type: 'cached'; path: string }
  | { type: 'verifying'; path: string; bytes: number }
  | { type: 'mismatch'; path: string; sha256: string }
  | { type: 'downloading'; path: string; url: string }
  | { type: 'downloaded'; path: string; bytes: number; resumedFrom: number };

interface Sidecar {
  sha256: string;
  size: number;
  mtimeMs: number;
}

async function readSidecar(file: string): Promise<Sidecar | undefined> {
  try {
    const text = await readFile(sidecarPath(file), 'utf8');
    const hash = /^([0-9a-f]{64}) /m.exec(text);
    const meta = /^size (\d+) mtime ([\d.]+)$/m.exec(text);
    if (!hash || !meta) return undefined;
    return { sha256: hash[1] as string, size: Number(meta[1]), mtimeMs: Number(meta[2]) };
  } catch {
    return undefined;
  }
}

/** `sha256sum` format on the first line; the size and mtime that were hashed on the second. */
async function writeSidecar(file: string, sha256: string): Promise<void> {
  const info = await stat(file);
  await writeFile(sidecarPath(file), `${sha256}  ${basename(file)}\nsize ${info.size} mtime ${info.mtimeMs}\n`);
}

const inFlight = new Map<string, Promise<string>>();

/**
 * Returns the local path of a model file, downloading it when it is missing or wrong.
 * An existing file is hashed once; its `.sha256` sidecar (hash, size, mtime) makes the
 * next check a `stat`. A file whose hash does not match is replaced by a fresh download
 * (it stays in place until the new one is complete). Concurrent calls for one path share
 * one download.
 */
export function ensureModel(options: EnsureModelOptions): Promise<string> {
  if (!options.path && (options.name.includes('/') || options.name.includes('\\') || options.name.startsWith('.'))) {
    return Promise.reject(new ModelDownloadError('invalid', `A model name must be a plain file name: "${options.name}".`));
  }
  const path = options.path ?? join(options.cacheDir ?? defaultModelDir(), options.name);
  let pending = inFlight.get(path);
  if (!pending) {
    pending = ensureAt(path, options).finally(() => inFlight.delete(path));
    inFlight.set(path, pending);
  }
  return pending;
}

async function ensureAt(path: string, options: EnsureModelOptions): Promise<string> {
  const expected = normalizeSha(options.sha256);
  const status = options.onStatus ?? (() => {});
  let info: Awaited<ReturnType<typeof stat>> | undefined;
  try {
    info = await stat(path);
  } catch {
    info = undefined;
  }
  if (info?.isFile()) {
    const sidecar = await readSidecar(path);
    if (sidecar && sidecar.sha256 === expected && sidecar.size === info.size && sidecar.mtimeMs === info.mtimeMs) {
      status({ type: 'cached', path });
      return path;
    }
    if (options.size === undefined || options.size === info.size) {
      status({ type: 'verifying', path, bytes: info.size });
      const actual = (await hashFile(path)).hash.digest('hex');
      if (actual === expected) {
        await writeSidecar(path, actual).catch(() => {}); // a read-only cache still works, just slower
        status({ type: 'cached', path });
        return path;
      }
      status({ type: 'mismatch', path, sha256: actual });
    } else {
      status({ type: 'mismatch', path, sha256: '' });
    }
  } else if (info) {
    throw new ModelDownloadError('invalid', `${path} exists but is not a file.`);
  }
  status({ type: 'downloading', path, url: options.url });
  await rm(sidecarPath(path), { force: true });
  const result = await downloadFile({
    url: options.url,
    sha256: expected,
    destination: path,
    onProgress: options.onProgress,
    connectTimeoutMs: options.connectTimeoutMs,
    idleTimeoutMs: options.idleTimeoutMs,
    signal: options.signal,
  });
  await writeSidecar(path, result.sha256).catch(() => {});
  status({ type: 'downloaded', path, bytes: result.bytes, resumedFrom: result.resumedFrom });
  return path;
}
