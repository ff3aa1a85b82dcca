/**
 * The client in a real browser: bundled for the browser (rolldown, `browser` field honoured,
 * so `ws` stays out), loaded into headless Chromium, where it uses the browser's WebSocket and
 * no `Buffer`, and talks to a real Parley server with the auth forms browsers can use.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { rolldown } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../server/test/support/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const KEY = 'sk-browser-key';

async function bundleForBrowser(): Promise<string> {
  const bundle = await rolldown({
    input: fileURLToPath(new URL('../src/index.ts', import.meta.url)),
    platform: 'browser',
    // The workspace packages' TypeScript sources, as their `source` export condition names them.
    resolve: { conditionNames: ['source', 'browser', 'import', 'default'] },
    logLevel: 'silent',
  });
  const { output } = await bundle.generate({ format: 'iife', name: 'ParleyClient' });
  await bundle.close();
  return output[0].code;
}

let h: Harness;
let browser: Browser;
let page: Page;
let code: string;

describe.skipIf(!existsSync(CHROMIUM))('in Chromium', () => {
  beforeAll(async () => {
    [h, code, browser] = await Promise.all([
      startHarness({ apiKeys: [KEY] }),
      bundleForBrowser(),
      chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] }),
    ]);
    page = await browser.newPage();
    await page.addScriptTag({ content: code });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  it('bundles without Node: no ws, no node: modules', () => {
    expect(code).not.toMatch(/require\(["']ws["']\)|from ["']ws["']|["']node:/);
    expect(code.length).toBeLessThan(400_000);
  });

  it.each([
    ['ga', 'subprotocol'],
    ['beta', 'subprotocol'],
    ['voicelive', 'api-key-query'],
  ] as const)('%s with %s auth: a text turn, and audio made and appended in the page', async (dialect, authType) => {
    h.llm.enqueue({ text: ['Hello', ' from', ' Parley.'] });
    const result = await page.evaluate(
      async ({ baseUrl, dialect, authType, key }) => {
        const { RealtimeClient, parleyEndpoint, float32ToPcm16, chunkPcm16 } = (window as any).ParleyClient;
        const auth = authType === 'subprotocol' ? { type: 'subprotocol', key } : { type: 'api-key-query', key };
        const client = new RealtimeClient({ ...parleyEndpoint({ baseUrl, dialect }), auth });
        const types: string[] = [];
        let text = '';
        client.on('*', (event: { type: string }) => types.push(event.type));
        client.on('response.output_text.delta', (event: { delta: string }) => (text += event.delta));
        await client.connect();
        client.updateSession({ output_modalities: ['text'], audio: { input: { turn_detection: null } } });
        client.createItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] });
        client.createResponse();
        await client.waitFor('response.done', { timeoutMs: 5000 });
        const tone = new Float32Array(4800).map((_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / 24000));
        for (const chunk of chunkPcm16(float32ToPcm16(tone), { sampleRate: 24000, chunkMs: 20 })) client.appendInputAudio(chunk);
        const committed = client.waitFor('input_audio_buffer.committed', { timeoutMs: 5000 });
        client.commitInputAudio();
        await committed;
        await client.close();
        return { types, text, hasBuffer: typeof (globalThis as any).Buffer !== 'undefined', state: client.state };
      },
      { baseUrl: h.server.wsUrl, dialect, authType, key: KEY },
    );
    expect(result.hasBuffer).toBe(false);
    expect(result.text).toBe('Hello from Parley.');
    expect(result.types.slice(0, 1)).toEqual(['session.created']);
    expect(result.types).toContain('input_audio_buffer.committed');
    expect(result.types.filter((t) => t === 'response.output_text.delta')).toHaveLength(3);
    expect(result.state).toBe('closed');
  });

  it('header auth cannot work in a browser: connect() says which auth to use instead', async () => {
    const message = await page.evaluate(async ({ baseUrl, key }) => {
      const { RealtimeClient, parleyEndpoint } = (window as any).ParleyClient;
      const client = new RealtimeClient({ ...parleyEndpoint({ baseUrl }), auth: { type: 'bearer', token: key } });
      return client.connect().then(
        () => 'connected',
        (error: Error) => error.message,
      );
    }, { baseUrl: h.server.wsUrl, key: KEY });
    expect(message).toBe(
      "This runtime's WebSocket cannot send headers (Authorization): use auth { type: 'subprotocol' } or { type: 'api-key-query' }, or pass createSocket.",
    );
  });
});
