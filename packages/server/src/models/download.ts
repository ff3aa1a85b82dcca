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
 *   chunks of the body (`idleTimeoutMs`). Redirects are followed (one by one, at most 10).
 * - The expected SHA-256 is given (hex), or `'publisher'`: then it is the one the server states
 *   for the file. Hugging Face answers a `resolve` URL of an LFS file with a redirect whose
 *   `X-Linked-Etag` header is the file's SHA-256 (some mirrors put it in `ETag`); only responses
 *   from the URL's own origin are believed (its relative redirects included, not the CDN's), and
 *   a server that states none is an error (`no-checksum`), never an unverified download.
 * - Failures are `ModelDownloadError`s with a `kind`. When the host cannot be resolved or
 *   refuses the connection the message says the machine seems offline and how to put the file
 *   in place by hand.
 *
 * `ensureModel` is the entry point: it returns the local path of a model, downloading it only
 * when needed. A verified file gets a `<file>.sha256` sidecar (hash, size and mtime) so later
 * starts skip re-hashing. With `sha256: 'publisher'` the sidecar is also the record of the hash
 * the publisher stated, which later starts verify the file against, offline too.
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
 * - `no-checksum`: `sha256: 'publisher'`, but the server stated no SHA-256 for the file
 * - `aborted`: the caller's signal; `invalid`: bad arguments; `io`: the disk (full, read-only…)
 */
export type ModelDownloadErrorKind = 'offline' | 'network' | 'http' | 'timeout' | 'interrupted' | 'checksum' | 'no-checksum' | 'aborted' | 'invalid' | 'io';

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
  /**
   * Expected SHA-256 of the whole file, hex; or `'publisher'` (`PUBLISHER_SHA256`): the one the
   * server states in `X-Linked-Etag` (or a SHA-256 `ETag`), see `publishedSha256`.
   */
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
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/** `sha256` for a file whose checksum the server states (Hugging Face's `X-Linked-Etag`). */
export const PUBLISHER_SHA256 = 'publisher';

function isPublisher(sha256: string): boolean {
  return sha256.trim().toLowerCase() === PUBLISHER_SHA256;
}

/**
 * The SHA-256 a response states for the file it leads to: the `X-Linked-Etag` header (Hugging
 * Face sets it on the redirect of a `resolve` URL of an LFS file), else an `ETag` that is a
 * SHA-256 (some mirrors). Quotes and a weak `W/` prefix are dropped; anything that is not 64 hex
 * digits (a git blob SHA-1, an S3 MD5) does not count.
 */
export function publishedSha256(headers: Headers): string | undefined {
  for (const name of ['x-linked-etag', 'etag']) {
    const hex = (headers.get(name) ?? '')
      .trim()
      .replace(/^W\//i, '')
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    if (SHA256_HEX.test(hex)) return hex;
  }
  return undefined;
}

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

/**
 * How to fetch the file by hand, for error messages. `sha256` is the expected hash, or
 * `'publisher'`: then the check compares with the hash the publisher states.
 */
export function manualDownloadHint(url: string, destination: string, sha256: string): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const check = isPublisher(sha256)
    ? `and check it: sha256sum ${q(destination)} must print the SHA-256 the publisher states, which this shows (x-linked-etag): curl -sI ${q(url)} | grep -i etag`
    : `and check it: sha256sum ${q(destination)}  (expected ${sha256})`;
  return `Download it on a machine that is online and put it at ${destination}, e.g.:\n  mkdir -p ${q(dirname(destination))} && curl -fL -o ${q(destination)} ${q(url)}\n${check}`;
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
 * Fetches `url`, following redirects one by one (`redirect: 'manual'`), so that the headers of
 * every hop can be read: `published` is the first SHA-256 stated by a response from `url`'s own
 * origin (see `publishedSha256`); a CDN's headers further along are not believed. Throws what
 * fetch throws.
 */
async function fetchFollowing(url: string, init: { method: 'GET' | 'HEAD'; headers: Record<string, string>; signal: AbortSignal }): Promise<{ response: Response; at: string; published: string | undefined }> {
  const origin = new URL(url).origin;
  let at = url;
  let published: string | undefined;
  for (let hops = 0; ; hops++) {
    const response = await fetch(at, { ...init, redirect: 'manual' });
    if (published === undefined && new URL(at).origin === origin) published = publishedSha256(response.headers);
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || !location) return { response, at, published };
    await response.body?.cancel().catch(() => {});
    if (hops >= MAX_REDIRECTS) {
      throw new ModelDownloadError('http', `${url} redirected more than ${MAX_REDIRECTS} times (last to ${at}).`, { status: response.status });
    }
    at = new URL(location, at).href;
  }
}

/** A fetch error as a `ModelDownloadError`: `offline` when no server was reached, else `network`. */
function fetchFailure(err: unknown, url: string, hint: () => string): ModelDownloadError {
  if (err instanceof ModelDownloadError) return err;
  const code = errorCode(err);
  if (code && OFFLINE_CODES.has(code)) {
    return new ModelDownloadError('offline', `Could not reach ${new URL(url).host} (${code}): this machine seems to be offline, or the host is blocked.\n${hint()}`, { cause: err });
  }
  return new ModelDownloadError('network', `Fetching ${url} failed: ${describe(err)}. ${hint()}`, { cause: err });
}

/**
 * Asks the server which SHA-256 it states for `url` (a `HEAD` request, see `publishedSha256`),
 * without downloading anything. Fails with the same kinds as `downloadFile` (`no-checksum` when
 * it states none).
 */
export async function fetchPublishedSha256(url: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const hint = () => `Check the URL, or that ${new URL(url).host} can be reached.`;
  let result: Awaited<ReturnType<typeof fetchFollowing>>;
  try {
    result = await fetchFollowing(url, { method: 'HEAD', headers: {}, signal });
  } catch (err) {
    if (options.signal?.aborted) throw new ModelDownloadError('aborted', `Asking ${url} for its SHA-256 was aborted.`, { cause: options.signal.reason });
    if (timeout.aborted) throw new ModelDownloadError('timeout', `No answer from ${url} within ${timeoutMs} ms.`, { cause: err });
    throw fetchFailure(err, url, hint);
  }
  const { response, at, published } = result;
  await response.body?.cancel().catch(() => {});
  if (!response.ok) {
    throw new ModelDownloadError('http', `Asking ${url} for its SHA-256 failed: HTTP ${response.status}${at !== url ? ` (at ${at})` : ''}.`, { status: response.status });
  }
  if (published === undefined) throw new ModelDownloadError('no-checksum', `${new URL(url).host} stated no SHA-256 for ${url} (no X-Linked-Etag header, nor an ETag that is one).`);
  return published;
}

/**
 * Downloads `url` to `destination` through a `.part` file, resuming one left by an earlier
 * attempt, and checks the SHA-256 (given, or stated by the server) before the atomic rename.
 */
export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  const publisher = isPublisher(options.sha256);
  let expected = publisher ? undefined : normalizeSha(options.sha256);
  const { url, destination } = options;
  const part = partPath(destination);
  const hint = () => manualDownloadHint(url, destination, expected ?? PUBLISHER_SHA256);
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
    let at: string;
    let published: string | undefined;
    for (;;) {
      arm(connectMs, () => new ModelDownloadError('timeout', `No answer from ${url} within ${connectMs} ms. ${hint()}`));
      try {
        ({ response, at, published } = await fetchFollowing(url, { method: 'GET', headers: offset > 0 ? { range: `bytes=${offset}-` } : {}, signal }));
      } catch (err) {
        throwIfStopped();
        throw fetchFailure(err, url, hint);
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
        `Downloading ${url} failed: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${at !== url ? ` (at ${at})` : ''}. Check the URL, or: ${hint()}`,
        { status: response.status },
      );
    }
    if (expected === undefined) {
      if (published === undefined) {
        await response.body?.cancel().catch(() => {});
        throw new ModelDownloadError(
          'no-checksum',
          `${new URL(url).host} stated no SHA-256 for ${url} (no X-Linked-Etag header, nor an ETag that is one), so a download from it cannot be verified and was not made. ` +
            `Give the file's SHA-256 explicitly, or: ${hint()}`,
        );
      }
      expected = published;
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
        `The file downloaded from ${url} has SHA-256 ${actual}, but ${expected} was expected${publisher ? ' (as the server stated)' : ''}; it was deleted. ` +
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
  /**
   * Expected SHA-256, hex; or `'publisher'` (`PUBLISHER_SHA256`): the one the server states when
   * the file is downloaded (see `downloadFile`), recorded in the sidecar, which later calls then
   * verify the file against without asking the server. A file found in place without a sidecar
   * is checked against the hash the server states (a `HEAD` request); when the server cannot be
   * asked (offline) it is used as it is, and `onStatus` says so (`unverified`).
   */
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
  /** `sha256: 'publisher'`, a file without a sidecar, and the publisher could not be asked: used as it is. */
  | { type: 'unverified'; path: string; reason: string }
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

/** Kinds of failure that mean the publisher could not be asked, rather than that something is wrong here. */
const UNREACHABLE_KINDS = new Set<ModelDownloadErrorKind>(['offline', 'network', 'timeout', 'http', 'no-checksum']);

async function ensureAt(path: string, options: EnsureModelOptions): Promise<string> {
  const publisher = isPublisher(options.sha256);
  let expected = publisher ? undefined : normalizeSha(options.sha256);
  const status = options.onStatus ?? (() => {});
  let info: Awaited<ReturnType<typeof stat>> | undefined;
  try {
    info = await stat(path);
  } catch {
    info = undefined;
  }
  if (info?.isFile()) {
    const sidecar = await readSidecar(path);
    // The publisher's hash, as recorded when the file was downloaded or verified.
    if (publisher && sidecar) expected = sidecar.sha256;
    if (sidecar && sidecar.sha256 === expected && sidecar.size === info.size && sidecar.mtimeMs === info.mtimeMs) {
      status({ type: 'cached', path });
      return path;
    }
    if (options.size === undefined || options.size === info.size) {
      if (expected === undefined) {
        // Put in place by hand: checked against what the publisher states, when it can be asked.
        try {
          expected = await fetchPublishedSha256(options.url, { timeoutMs: options.connectTimeoutMs, signal: options.signal });
        } catch (err) {
          if (!(err instanceof ModelDownloadError) || !UNREACHABLE_KINDS.has(err.kind)) throw err;
          status({ type: 'unverified', path, reason: err.message.split('\n')[0] as string });
          return path;
        }
      }
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
    sha256: publisher ? PUBLISHER_SHA256 : (expected as string),
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
