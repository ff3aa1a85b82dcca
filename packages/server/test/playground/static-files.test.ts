/**
 * The playground's files over HTTP from a real server: the page at `/` for browsers, each file
 * with its content type, 404 for what is not there, and nothing outside the folder, however
 * the path is spelled.
 */
import { readdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAYGROUND_DIR } from '../../src/http/routes.js';
import { startHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

/** A GET with the path sent exactly as written (fetch would resolve `..` first). */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: h.server.host, port: h.server.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('the playground over HTTP', () => {
  it('serves the page at / to browsers, and a description of the endpoints to other clients', async () => {
    const page = await get('/', BROWSER);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toBe(await readFile(join(PLAYGROUND_DIR, 'index.html'), 'utf8'));
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");

    const text = await get('/', { accept: '*/*' });
    expect(text.status).toBe(200);
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.body).toContain('/v1/realtime');
  });

  it('serves every file of the folder with its content type', async () => {
    const types: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8' };
    const files = await readdir(PLAYGROUND_DIR);
    expect(files).toContain('main.js');
    for (const file of files) {
      const res = await get(`/playground/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers['content-type'], file).toBe(types[file.slice(file.lastIndexOf('.'))]);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.body).toBe(await readFile(join(PLAYGROUND_DIR, file), 'utf8'));
    }
  });

  it('answers HEAD with the headers only', async () => {
    const res = await get('/playground/main.js', {}, 'HEAD');
    expect(res.status).toBe(200);
    expect(Number(res.headers['content-length'])).toBe((await readFile(join(PLAYGROUND_DIR, 'main.js'))).length);
    expect(res.body).toBe('');
  });

  it('answers 404 for a file that is not there', async () => {
    for (const path of ['/playground/nope.js', '/playground/', '/playground/styles.css.map', '/index.html', '/main.js']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(JSON.parse(res.body).error.code, path).toBe('not_found');
    }
  });

  it('never serves a file outside the folder, however the path is spelled', async () => {
    const secret = await readFile(join(PLAYGROUND_DIR, '../package.json'), 'utf8');
    const attempts = [
      '/playground/../package.json',
      '/playground/../../../package.json',
      '/playground/%2e%2e/package.json',
      '/playground/..%2fpackage.json',
      '/playground/..%2F..%2Fpackage.json',
      '/playground/%2e%2e%2fpackage.json',
      '/playground/..%5cpackage.json',
      '/playground/%2fetc%2fpasswd',
      '/playground//etc/passwd',
      '/playground/..%2fsrc%2fserver.ts',
      '/playground/index.html%00.js',
      '/playground/%E0%A4%A',
    ];
    for (const path of attempts) {
      const res = await get(path, BROWSER);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain('"name": "@parley/server"');
      expect(res.body, path).not.toContain('root:');
      expect(res.body, path).not.toBe(secret);
    }
  });
});
