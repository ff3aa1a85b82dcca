/**
 * Files of one folder over HTTP (the playground): known types only, never a path outside the
 * folder, with a content-security policy that keeps the page to this server.
 */
import { readFile, realpath } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Scripts, styles and workers from this server only; WebSockets to any host (the page may be proxied). */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self' ws: wss:",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function contentTypeFor(path: string): string | undefined {
  return CONTENT_TYPES[extname(path).toLowerCase()];
}

/**
 * The absolute path of `urlPath` (still percent-encoded, relative to `root`), or null when it
 * is malformed, names a type not served, or leads outside `root`.
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const base = resolve(root);
  const file = resolve(base, `.${sep}${decoded}`);
  if (!file.startsWith(base + sep) || !contentTypeFor(file)) return null;
  return file;
}

/**
 * Sends `urlPath` from `root`; false (nothing sent) when there is no such file. A symbolic
 * link is followed only when its target is inside `root` too.
 */
export async function sendStaticFile(res: ServerResponse, root: string, urlPath: string, headOnly = false): Promise<boolean> {
  const file = resolveInside(root, urlPath);
  if (!file) return false;
  let body: Buffer;
  try {
    const [real, realRoot] = await Promise.all([realpath(file), realpath(root)]);
    if (!real.startsWith(realRoot + sep)) return false;
    body = await readFile(real);
  } catch {
    return false;
  }
  res.writeHead(200, {
    'content-type': contentTypeFor(file)!,
    'content-length': body.length,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'content-security-policy': CONTENT_SECURITY_POLICY,
  });
  res.end(headOnly ? undefined : body);
  return true;
}
