/**
 * Model downloads against a local HTTP server that serves a generated file, with routes that
 * misbehave on purpose: refuse, 404, redirect, cut the body off, hang, stall, ignore ranges;
 * and `/hub/…` routes that act as Hugging Face does for an LFS file (a redirect that states the
 * file's SHA-256 in `X-Linked-Etag`, to a CDN on another origin), for `sha256: 'publisher'`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultModelDir,
  downloadFile,
  ensureModel,
  fetchPublishedSha256,
  manualDownloadHint,
  ModelDownloadError,
  partPath,
  publishedSha256,
  sidecarPath,
  type DownloadProgress,
  type EnsureModelStatus,
} from '../../src/models/download.js';
import { createProgressBar, renderProgressLine } from '../../src/models/progress-bar.js';

const DATA = randomBytes(3 * 1024 * 1024 + 123);
const SHA = createHash('sha256').update(DATA).digest('hex');
const WRONG_SHA = 'f'.repeat(64);

interface Seen {
  path: string;
  range?: string;
  /** Only when not GET. */
  method?: string;
}

let server: Server;
let base: string;
/** Another origin, as Hugging Face's CDN is: it states a wrong SHA-256 in its ETag, which must not be believed. */
let cdn: Server;
let cdnBase: string;
let seen: Seen[] = [];
const sockets = new Set<Socket>();
let dir: string;

/** Sends DATA (or the requested range of it) in 64 KiB chunks. */
function sendFile(req: IncomingMessage, res: ServerResponse, honourRange = true): void {
  let start = 0;
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  if (range && honourRange) {
    start = Number(range[1]);
    if (start >= DATA.length) {
      res.writeHead(416, { 'content-range': `bytes */${DATA.length}` }).end();
      return;
    }
    res.writeHead(206, { 'content-length': DATA.length - start, 'content-range': `bytes ${start}-${DATA.length - 1}/${DATA.length}` });
  } else {
    res.writeHead(200, { 'content-length': DATA.length, 'content-type': 'application/octet-stream' });
  }
  let at = start;
  const pump = () => {
    while (at < DATA.length) {
      const chunk = DATA.subarray(at, at + 65536);
      at += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    seen.push({ path, range: req.headers.range, ...(req.method !== 'GET' ? { method: req.method } : {}) });
    const linked = (sha: string, to = `${cdnBase}/model.bin`) => void res.writeHead(302, { location: to, 'x-linked-etag': `"${sha}"`, etag: '"0123456789abcdef0123456789abcdef01234567"' }).end();
    switch (path) {
      case '/hub/model.bin':
        return linked(SHA);
      case '/hub/renamed.bin': // a renamed repository: a relative redirect first, as the hub gives
        return void res.writeHead(307, { location: '/hub/model.bin' }).end();
      case '/hub/wrong.bin':
        return linked(WRONG_SHA);
      case '/hub/nohash.bin':
        return void res.writeHead(302, { location: `${cdnBase}/model.bin`, etag: '"0123456789abcdef0123456789abcdef01234567"' }).end();
      case '/hub/gone.bin':
        return void res.writeHead(404).end();
      case '/mirror/model.bin': // a mirror that serves the file itself, with its SHA-256 as the ETag
        res.setHeader('etag', `W/"${SHA.toUpperCase()}"`);
        return sendFile(req, res);
      case '/model.bin':
        return sendFile(req, res);
      case '/no-range.bin':
        return sendFile(req, res, false);
      case '/redirect':
        return void res.writeHead(302, { location: '/model.bin' }).end();
      case '/cut': {
        // Promises the whole file, sends a third of it, then drops the connection.
        res.writeHead(200, { 'content-length': DATA.length });
        res.write(DATA.subarray(0, Math.floor(DATA.length / 3)), () => setTimeout(() => req.socket.destroy(), 20));
        return;
      }
      case '/hang':
        return; // never answers
      case '/stall':
        res.writeHead(200, { 'content-length': DATA.length });
        res.write(DATA.subarray(0, 1000));
        return; // then silence
      default:
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cdn = createServer((req, res) => {
    seen.push({ path: `cdn:${new URL(req.url ?? '/', 'http://x').pathname}`, range: req.headers.range, ...(req.method !== 'GET' ? { method: req.method } : {}) });
    res.setHeader('etag', `"${WRONG_SHA}"`);
    sendFile(req, res);
  });
  cdn.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
  cdnBase = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => cdn.close(() => resolve()));
});

async function closedUrl(path = '/model.gguf'): Promise<string> {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}

beforeEach(() => {
  seen = [];
  dir = mkdtempSync(join(tmpdir(), 'parley-download-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<ModelDownloadError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ModelDownloadError);
  return error as ModelDownloadError;
}

describe('downloadFile', () => {
  it('downloads, reports progress, verifies the checksum and renames into place', async () => {
    const destination = join(dir, 'nested', 'model.bin');
    const events: DownloadProgress[] = [];
    const result = await downloadFile({ url: `${base}/model.bin`, sha256: SHA.toUpperCase(), destination, onProgress: (p) => events.push(p), progressIntervalMs: 0 });
    expect(result).toEqual({ path: destination, bytes: DATA.length, sha256: SHA, resumedFrom: 0 });
    expect(readFileSync(destination).equals(DATA)).toBe(true);
    expect(existsSync(partPath(destination))).toBe(false);
    expect(events.length).toBeGreaterThan(3);
    expect(events[0]).toMatchObject({ received: 0, total: DATA.length, done: false });
    expect(events.at(-1)).toMatchObject({ received: DATA.length, total: DATA.length, done: true });
    for (let i = 1; i < events.length; i++) expect((events[i] as DownloadProgress).received).toBeGreaterThanOrEqual((events[i - 1] as DownloadProgress).received);
  });

  it('follows redirects', async () => {
    const destination = join(dir, 'model.bin');
    await downloadFile({ url: `${base}/redirect`, sha256: SHA, destination });
    expect(readFileSync(destination).equals(DATA)).toBe(true);
    expect(seen.map((s) => s.path)).toEqual(['/redirect', '/model.bin']);
  });

  it('a checksum mismatch is an error and leaves no file behind', async () => {
    const destination = join(dir, 'model.bin');
    const error = await failure(downloadFile({ url: `${base}/model.bin`, sha256: WRONG_SHA, destination }));
    expect(error.kind).toBe('checksum');
    expect(error.message).toContain(SHA);
    expect(error.message).toContain(WRONG_SHA);
    expect(existsSync(destination)).toBe(false);
    expect(existsSync(partPath(destination))).toBe(false);
  });

  it('a refused connection says the machine seems offline and how to fetch the file by hand', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const destination = join(dir, 'model.gguf');
    const url = `http://127.0.0.1:${port}/model.gguf`;
    const error = await failure(downloadFile({ url, sha256: SHA, destination }));
    expect(error.kind).toBe('offline');
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.message).toMatch(/seems to be offline/);
    expect(error.message).toContain(`put it at ${destination}`);
    expect(error.message).toContain(`curl -fL -o '${destination}' '${url}'`);
    expect(error.message).toContain(SHA);
    expect(existsSync(destination)).toBe(false);
  });

  it('an unresolvable host is offline too', async () => {
    const error = await failure(downloadFile({ url: 'http://parley-no-such-host.invalid/model.gguf', sha256: SHA, destination: join(dir, 'm') }));
    expect(error.kind).toBe('offline');
    expect(error.message).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it('an HTTP error status is an http error naming the status and URL', async () => {
    const destination = join(dir, 'model.bin');
    const error = await failure(downloadFile({ url: `${base}/missing.bin`, sha256: SHA, destination }));
    expect(error.kind).toBe('http');
    expect(error.status).toBe(404);
    expect(error.message).toContain('HTTP 404');
    expect(error.message).toContain(`${base}/missing.bin`);
    expect(existsSync(destination)).toBe(false);
    expect(existsSync(partPath(destination))).toBe(false);
  });

  it('an interrupted transfer is an error with no file at the destination; the next attempt resumes', async () => {
    const destination = join(dir, 'model.bin');
    const error = await failure(downloadFile({ url: `${base}/cut`, sha256: SHA, destination }));
    expect(error.kind).toBe('interrupted');
    expect(error.message).toMatch(/resume/);
    expect(existsSync(destination)).toBe(false);
    const kept = statSync(partPath(destination)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(DATA.length);

    const result = await downloadFile({ url: `${base}/model.bin`, sha256: SHA, destination });
    expect(result.resumedFrom).toBe(kept);
    expect(seen.at(-1)).toEqual({ path: '/model.bin', range: `bytes=${kept}-` });
    expect(readFileSync(destination).equals(DATA)).toBe(true);
    expect(existsSync(partPath(destination))).toBe(false);
  });

  it('starts over when the server ignores the range', async () => {
    const destination = join(dir, 'model.bin');
    writeFileSync(partPath(destination), DATA.subarray(0, 1000));
    const result = await downloadFile({ url: `${base}/no-range.bin`, sha256: SHA, destination });
    expect(result.resumedFrom).toBe(0);
    expect(readFileSync(destination).equals(DATA)).toBe(true);
  });

  it('starts over when the part file is not a prefix the server knows (416)', async () => {
    const destination = join(dir, 'model.bin');
    writeFileSync(partPath(destination), Buffer.concat([DATA, Buffer.from('extra')]));
    const result = await downloadFile({ url: `${base}/model.bin`, sha256: SHA, destination });
    expect(result.resumedFrom).toBe(0);
    expect(readFileSync(destination).equals(DATA)).toBe(true);
  });

  it('a resumed part that turns out corrupt fails the checksum and is deleted', async () => {
    const destination = join(dir, 'model.bin');
    writeFileSync(partPath(destination), randomBytes(5000));
    const error = await failure(downloadFile({ url: `${base}/model.bin`, sha256: SHA, destination }));
    expect(error.kind).toBe('checksum');
    expect(existsSync(partPath(destination))).toBe(false);
    await downloadFile({ url: `${base}/model.bin`, sha256: SHA, destination });
    expect(readFileSync(destination).equals(DATA)).toBe(true);
  });

  it('times out waiting for the headers', async () => {
    const started = performance.now();
    const error = await failure(downloadFile({ url: `${base}/hang`, sha256: SHA, destination: join(dir, 'm'), connectTimeoutMs: 200 }));
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/within 200 ms/);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('times out when the body stalls, keeping the part for resuming', async () => {
    const destination = join(dir, 'm');
    const error = await failure(downloadFile({ url: `${base}/stall`, sha256: SHA, destination, idleTimeoutMs: 200 }));
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/stalled/);
    expect(existsSync(destination)).toBe(false);
    expect(statSync(partPath(destination)).size).toBe(1000);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const pending = downloadFile({ url: `${base}/hang`, sha256: SHA, destination: join(dir, 'm'), signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await failure(pending)).kind).toBe('aborted');
  });

  it('refuses a malformed checksum', async () => {
    expect((await failure(downloadFile({ url: `${base}/model.bin`, sha256: 'abc', destination: join(dir, 'm') }))).kind).toBe('invalid');
    expect(seen).toEqual([]);
  });
});

describe('ensureModel', () => {
  it('downloads a missing model into the cache dir and writes a .sha256 sidecar', async () => {
    const statuses: EnsureModelStatus['type'][] = [];
    const path = await ensureModel({ name: 'tiny.gguf', url: `${base}/model.bin`, sha256: SHA, cacheDir: dir, onStatus: (s) => statuses.push(s.type) });
    expect(path).toBe(join(dir, 'tiny.gguf'));
    expect(readFileSync(path).equals(DATA)).toBe(true);
    expect(readFileSync(sidecarPath(path), 'utf8')).toMatch(new RegExp(`^${SHA}  tiny\\.gguf\\nsize ${DATA.length} mtime [\\d.]+\\n$`));
    expect(statuses).toEqual(['downloading', 'downloaded']);
  });

  it('an existing valid file makes no request: hashed once, then trusted through its sidecar', async () => {
    const path = join(dir, 'given.gguf');
    writeFileSync(path, DATA);
    const statuses: EnsureModelStatus['type'][] = [];
    const options = { name: 'unused', path, url: `${base}/model.bin`, sha256: SHA, onStatus: (s: EnsureModelStatus) => statuses.push(s.type) };
    expect(await ensureModel(options)).toBe(path);
    expect(statuses).toEqual(['verifying', 'cached']);
    expect(existsSync(sidecarPath(path))).toBe(true);
    statuses.length = 0;
    expect(await ensureModel(options)).toBe(path);
    expect(statuses).toEqual(['cached']);
    expect(seen).toEqual([]);
  });

  it('a file that changed since its sidecar was written is hashed again', async () => {
    const path = await ensureModel({ name: 'm.gguf', url: `${base}/model.bin`, sha256: SHA, cacheDir: dir });
    seen = [];
    writeFileSync(path, Buffer.concat([DATA.subarray(0, 10), Buffer.from('tampered'), DATA.subarray(18)]));
    const statuses: EnsureModelStatus['type'][] = [];
    await ensureModel({ name: 'm.gguf', url: `${base}/model.bin`, sha256: SHA, cacheDir: dir, onStatus: (s) => statuses.push(s.type) });
    expect(statuses).toEqual(['verifying', 'mismatch', 'downloading', 'downloaded']);
    expect(readFileSync(path).equals(DATA)).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it('a file of the wrong size is replaced without hashing it', async () => {
    const path = join(dir, 'm.gguf');
    writeFileSync(path, 'short');
    const statuses: EnsureModelStatus['type'][] = [];
    await ensureModel({ name: 'm.gguf', url: `${base}/model.bin`, sha256: SHA, size: DATA.length, cacheDir: dir, onStatus: (s) => statuses.push(s.type) });
    expect(statuses).toEqual(['mismatch', 'downloading', 'downloaded']);
    expect(readFileSync(path).equals(DATA)).toBe(true);
  });

  it('concurrent calls for one file share one download', async () => {
    const options = { name: 'shared.gguf', url: `${base}/model.bin`, sha256: SHA, cacheDir: dir };
    const [a, b] = await Promise.all([ensureModel(options), ensureModel(options)]);
    expect(a).toBe(b);
    expect(seen).toHaveLength(1);
  });

  it('a failed download leaves the destination absent and says how to fix it', async () => {
    const error = await failure(ensureModel({ name: 'm.gguf', url: `${base}/gone`, sha256: SHA, cacheDir: dir }));
    expect(error.kind).toBe('http');
    expect(error.message).toContain(join(dir, 'm.gguf'));
    expect(existsSync(join(dir, 'm.gguf'))).toBe(false);
  });

  it('refuses a name that is a path', async () => {
    expect((await failure(ensureModel({ name: '../evil', url: `${base}/model.bin`, sha256: SHA, cacheDir: dir }))).kind).toBe('invalid');
  });

  it('caches under $PARLEY_CACHE_DIR/models, else XDG_CACHE_HOME, else ~/.cache', () => {
    expect(defaultModelDir({ PARLEY_CACHE_DIR: '/srv/parley' })).toBe('/srv/parley/models');
    expect(defaultModelDir({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/parley/models');
    expect(defaultModelDir({ HOME: '/home/u' })).toMatch(/\.cache\/parley\/models$/);
  });
});

describe("sha256: 'publisher' (the hash the server states, as Hugging Face does for LFS files)", () => {
  it('reads X-Linked-Etag, else an ETag that is a SHA-256; quotes, W/ and case do not matter; a SHA-1 does not count', () => {
    expect(publishedSha256(new Headers({ 'x-linked-etag': `"${SHA}"`, etag: '"abc"' }))).toBe(SHA);
    expect(publishedSha256(new Headers({ etag: `W/"${SHA.toUpperCase()}"` }))).toBe(SHA);
    expect(publishedSha256(new Headers({ etag: '"0123456789abcdef0123456789abcdef01234567"' }))).toBeUndefined();
    expect(publishedSha256(new Headers({}))).toBeUndefined();
  });

  it('takes the hash from the redirect, follows it to the CDN (whose ETag is not believed), verifies and returns it', async () => {
    const destination = join(dir, 'model.gguf');
    const result = await downloadFile({ url: `${base}/hub/model.bin`, sha256: 'publisher', destination });
    expect(result).toEqual({ path: destination, bytes: DATA.length, sha256: SHA, resumedFrom: 0 });
    expect(readFileSync(destination).equals(DATA)).toBe(true);
    expect(seen.map((s) => s.path)).toEqual(['/hub/model.bin', 'cdn:/model.bin']);
  });

  it("follows the hub's own relative redirects to the one that states the hash", async () => {
    const destination = join(dir, 'model.gguf');
    expect((await downloadFile({ url: `${base}/hub/renamed.bin`, sha256: 'publisher', destination })).sha256).toBe(SHA);
    expect(seen.map((s) => s.path)).toEqual(['/hub/renamed.bin', '/hub/model.bin', 'cdn:/model.bin']);
  });

  it('a mirror that serves the file with its SHA-256 as the ETag works too', async () => {
    const destination = join(dir, 'model.gguf');
    expect((await downloadFile({ url: `${base}/mirror/model.bin`, sha256: 'publisher', destination })).sha256).toBe(SHA);
  });

  it('a file that does not match the stated hash is an error, and nothing is left behind', async () => {
    const destination = join(dir, 'model.gguf');
    const error = await failure(downloadFile({ url: `${base}/hub/wrong.bin`, sha256: 'publisher', destination }));
    expect(error.kind).toBe('checksum');
    expect(error.message).toContain(`has SHA-256 ${SHA}, but ${WRONG_SHA} was expected (as the server stated)`);
    expect(existsSync(destination)).toBe(false);
    expect(existsSync(partPath(destination))).toBe(false);
  });

  it('a server that states no SHA-256 is a clear error: nothing is written', async () => {
    const destination = join(dir, 'model.gguf');
    const error = await failure(downloadFile({ url: `${base}/hub/nohash.bin`, sha256: 'publisher', destination }));
    expect(error.kind).toBe('no-checksum');
    expect(error.message).toMatch(/stated no SHA-256 for .*\/hub\/nohash\.bin \(no X-Linked-Etag header, nor an ETag that is one\)/);
    expect(error.message).toContain(`curl -sI '${base}/hub/nohash.bin' | grep -i etag`);
    expect(existsSync(destination)).toBe(false);
    expect(existsSync(partPath(destination))).toBe(false);
  });

  it('offline, the hint gives the commands: curl to fetch, sha256sum to check against the stated hash', async () => {
    const url = await closedUrl();
    const destination = join(dir, 'model.gguf');
    const error = await failure(downloadFile({ url, sha256: 'publisher', destination }));
    expect(error.kind).toBe('offline');
    expect(error.message).toContain(`curl -fL -o '${destination}' '${url}'`);
    expect(error.message).toContain(`sha256sum '${destination}' must print the SHA-256 the publisher states`);
    expect(manualDownloadHint(url, destination, SHA)).toContain(`(expected ${SHA})`);
  });

  it('fetchPublishedSha256 asks with HEAD and downloads nothing', async () => {
    expect(await fetchPublishedSha256(`${base}/hub/renamed.bin`)).toBe(SHA);
    expect(seen).toEqual([
      { path: '/hub/renamed.bin', method: 'HEAD' },
      { path: '/hub/model.bin', method: 'HEAD' },
      { path: 'cdn:/model.bin', method: 'HEAD' },
    ]);
    expect((await failure(fetchPublishedSha256(`${base}/hub/nohash.bin`))).kind).toBe('no-checksum');
    expect((await failure(fetchPublishedSha256(`${base}/hub/gone.bin`))).kind).toBe('http');
    expect((await failure(fetchPublishedSha256(await closedUrl()))).kind).toBe('offline');
  });

  it('ensureModel records the stated hash in the sidecar; later starts verify against it without asking, offline too', async () => {
    const statuses: EnsureModelStatus['type'][] = [];
    const path = await ensureModel({ name: 'm.gguf', url: `${base}/hub/model.bin`, sha256: 'publisher', cacheDir: dir, onStatus: (s) => statuses.push(s.type) });
    expect(statuses).toEqual(['downloading', 'downloaded']);
    expect(readFileSync(sidecarPath(path), 'utf8')).toMatch(new RegExp(`^${SHA}  m\\.gguf\\n`));
    seen = [];
    statuses.length = 0;
    const offline = await closedUrl();
    expect(await ensureModel({ name: 'm.gguf', url: offline, sha256: 'publisher', cacheDir: dir, onStatus: (s) => statuses.push(s.type) })).toBe(path);
    expect(statuses).toEqual(['cached']);
    // Touched (a new mtime): hashed again, against the recorded hash, still without asking.
    writeFileSync(path, DATA);
    statuses.length = 0;
    expect(await ensureModel({ name: 'm.gguf', url: offline, sha256: 'publisher', cacheDir: dir, onStatus: (s) => statuses.push(s.type) })).toBe(path);
    expect(statuses).toEqual(['verifying', 'cached']);
    expect(seen).toEqual([]);
  });

  it('ensureModel: a changed file is downloaded again, with the hash the server states now', async () => {
    const path = await ensureModel({ name: 'm.gguf', url: `${base}/hub/model.bin`, sha256: 'publisher', cacheDir: dir });
    writeFileSync(path, Buffer.concat([DATA.subarray(0, 10), Buffer.from('tampered'), DATA.subarray(18)]));
    seen = [];
    const statuses: EnsureModelStatus['type'][] = [];
    await ensureModel({ name: 'm.gguf', url: `${base}/hub/model.bin`, sha256: 'publisher', cacheDir: dir, onStatus: (s) => statuses.push(s.type) });
    expect(statuses).toEqual(['verifying', 'mismatch', 'downloading', 'downloaded']);
    expect(readFileSync(path).equals(DATA)).toBe(true);
    expect(seen.map((s) => s.path)).toEqual(['/hub/model.bin', 'cdn:/model.bin']);
  });

  it('ensureModel: a file put in place by hand is checked against the stated hash (HEAD), and then recorded', async () => {
    const path = join(dir, 'm.gguf');
    writeFileSync(path, DATA);
    const statuses: EnsureModelStatus['type'][] = [];
    expect(await ensureModel({ name: 'm.gguf', url: `${base}/hub/model.bin`, sha256: 'publisher', cacheDir: dir, onStatus: (s) => statuses.push(s.type) })).toBe(path);
    expect(statuses).toEqual(['verifying', 'cached']);
    expect(seen.every((s) => s.method === 'HEAD')).toBe(true);
    expect(readFileSync(sidecarPath(path), 'utf8')).toMatch(new RegExp(`^${SHA}  `));
  });

  it('ensureModel: a file put in place by hand, offline, is used unverified (and no sidecar is written)', async () => {
    const path = join(dir, 'm.gguf');
    writeFileSync(path, DATA);
    const statuses: EnsureModelStatus[] = [];
    expect(await ensureModel({ name: 'm.gguf', url: await closedUrl(), sha256: 'publisher', cacheDir: dir, onStatus: (s) => statuses.push(s) })).toBe(path);
    expect(statuses).toEqual([{ type: 'unverified', path, reason: expect.stringMatching(/^Could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/) }]);
    expect(existsSync(sidecarPath(path))).toBe(false);
  });

  it('ensureModel: a wrong file put in place by hand is replaced', async () => {
    const path = join(dir, 'm.gguf');
    writeFileSync(path, 'not the model');
    const statuses: EnsureModelStatus['type'][] = [];
    await ensureModel({ name: 'm.gguf', url: `${base}/hub/model.bin`, sha256: 'publisher', cacheDir: dir, onStatus: (s) => statuses.push(s.type) });
    expect(statuses).toEqual(['verifying', 'mismatch', 'downloading', 'downloaded']);
    expect(readFileSync(path).equals(DATA)).toBe(true);
  });
});

describe('progress bar', () => {
  const p = (received: number, total: number | undefined, done = false): DownloadProgress => ({ received, total, resumedFrom: 0, bytesPerSecond: 2e6, done });

  it('redraws one line in place on a terminal', () => {
    const out: string[] = [];
    const bar = createProgressBar({ label: 'tiny.gguf', stream: { isTTY: true, columns: 100, write: (t: string) => out.push(t) }, redrawMs: 0 });
    for (let i = 0; i <= 10; i++) bar.update(p(i * 1e6, 10e6, i === 10));
    bar.finish();
    expect(out.length).toBe(12);
    expect(out.slice(0, -1).every((t) => t.startsWith('\r') && t.endsWith('\x1b[K') && !t.includes('\n'))).toBe(true);
    expect(out.at(-2)).toContain('100%');
    expect(out.at(-1)).toBe('\n');
    expect(renderProgressLine('x', p(5e6, 10e6), 80)).toMatch(/^x \[█+░+\]  50%  5\.0 MB\/10\.0 MB  2\.0 MB\/s  ETA 3s$/);
  });

  it('writes plain lines every 10 % elsewhere, and nothing to the stream', () => {
    const out: string[] = [];
    const lines: string[] = [];
    const bar = createProgressBar({ label: 'tiny.gguf', stream: { isTTY: false, write: (t: string) => out.push(t) }, log: (l) => lines.push(l) });
    for (let i = 0; i <= 1000; i++) bar.update(p(i * 1e4, 1e7, i === 1000));
    bar.finish();
    expect(out).toEqual([]);
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('tiny.gguf: 0% (0 B of 10.0 MB, 2.0 MB/s)');
    expect(lines[5]).toMatch(/^tiny\.gguf: 50% /);
    expect(lines.at(-1)).toMatch(/^tiny\.gguf: 100% \(10\.0 MB of 10\.0 MB/);
  });

  it('logs every 10 MB when the size is unknown', () => {
    const lines: string[] = [];
    const bar = createProgressBar({ label: 'f', stream: { isTTY: false, write: () => {} }, log: (l) => lines.push(l) });
    for (let mb = 0; mb <= 35; mb++) bar.update(p(mb * 1e6, undefined));
    expect(lines).toEqual(['f: 0 B, 2.0 MB/s', 'f: 10.0 MB, 2.0 MB/s', 'f: 20.0 MB, 2.0 MB/s', 'f: 30.0 MB, 2.0 MB/s']);
  });
});
