import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearxngProvider } from '../../../src/tools/search/searxng.js';
import { startScriptedSearxng, type ScriptedSearxng } from '../../support/scripted-searxng.js';

let searx: ScriptedSearxng;
beforeAll(async () => {
  searx = await startScriptedSearxng();
});
afterAll(async () => {
  await searx.close();
});

const PAGES = [
  { url: 'https://example.org/tides', title: 'Tide tables', content: 'High tide in Brest is at 14:05 today.' },
  { url: 'https://example.org/moon', title: 'The moon and tides', content: 'Tides follow the moon.' },
  { url: 'https://example.org/extra', title: 'Extra', content: 'More.' },
];

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('SearxngProvider', () => {
  it('asks the JSON API and gives the pages, at most `limit`, in its order', async () => {
    searx.enqueue({ results: PAGES });
    const provider = new SearxngProvider({ url: `${searx.url}/`, language: 'en-US', apiKey: 'proxy-key' });
    const hits = await provider.search('high tide brest', { limit: 2 });
    expect(hits).toEqual([
      { url: 'https://example.org/tides', title: 'Tide tables', snippet: 'High tide in Brest is at 14:05 today.' },
      { url: 'https://example.org/moon', title: 'The moon and tides', snippet: 'Tides follow the moon.' },
    ]);
    const query = searx.queries.at(-1)!;
    expect(query).toMatchObject({ q: 'high tide brest', format: 'json', language: 'en-US' });
    expect(query.headers.authorization).toBe('Bearer proxy-key');
  });

  it('says the JSON format is off when the instance answers HTML', async () => {
    searx.enqueue({ body: '<html>search form</html>' });
    await expect(new SearxngProvider({ url: searx.url }).search('x', { limit: 5 })).rejects.toThrow(
      `The web search server at ${searx.url} did not answer JSON: is the json format enabled in its settings.yml (search.formats)?`,
    );
  });

  it("quotes the server's HTTP error", async () => {
    searx.enqueue({ status: 429, body: 'Too many requests' });
    await expect(new SearxngProvider({ url: searx.url }).search('x', { limit: 5 })).rejects.toMatchObject({
      code: 'engine_http_error',
      message: `The web search server at ${searx.url} answered HTTP 429: Too many requests`,
    });
  });

  it('gives up after its timeout, saying so', async () => {
    searx.enqueue({ delayMs: 2_000, results: PAGES });
    await expect(new SearxngProvider({ url: searx.url, timeoutMs: 100 }).search('x', { limit: 5 })).rejects.toMatchObject({
      code: 'engine_timeout',
      message: `The web search server at ${searx.url} did not answer within 100 ms.`,
    });
  });

  it('says when the server cannot be reached', async () => {
    const url = `http://127.0.0.1:${await unusedPort()}`;
    await expect(new SearxngProvider({ url }).search('x', { limit: 5 })).rejects.toMatchObject({
      code: 'engine_unreachable',
      message: `The web search server at ${url} could not be reached (ECONNREFUSED).`,
    });
  });

  it('stops when the caller aborts', async () => {
    searx.enqueue({ delayMs: 2_000, results: PAGES });
    const abort = new AbortController();
    const search = new SearxngProvider({ url: searx.url }).search('x', { limit: 5, signal: abort.signal });
    setTimeout(() => abort.abort(), 20);
    await expect(search).rejects.toMatchObject({ code: 'engine_stream_error' });
  });
});
