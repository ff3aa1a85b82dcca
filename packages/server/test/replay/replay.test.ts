/**
 * Protocol replay: each fixture in ./fixtures is a JSONL transcript — a header line, then
 * client events to send and the server events expected back, in exact order. It runs over a
 * real socket against a real server whose LLM is a scripted HTTP server.
 *
 * Line kinds:
 *   {"dialect", "title", "path"?, "headers"?, "llm"?: Script[]}   header (first line)
 *   {"send": {...}}            a client event (or {"send_raw": "text"} for a raw frame)
 *   {"expect": {...}}          the next server event must match (partially; "$x" binds ids)
 *   {"llm_request": {"index": n, "body": {...}}}   the n-th request Parley made to the LLM
 * After the last line no further server event may arrive. `"$mcp_url"` is bound from the start
 * to a real MCP server's Streamable HTTP URL (test/support/mcp-server.ts), for `mcp` tools.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialect } from '@parley/protocol';
import { startHarness, type Harness } from '../support/harness.js';
import { startMcpServer, type TestMcpServer } from '../support/mcp-server.js';
import { connectRealtime } from '../support/realtime-client.js';
import type { Script } from '../support/scripted-llm.js';
import { match, substitute, type Bindings } from './match.js';

interface Header {
  dialect: Dialect;
  title: string;
  path?: string;
  headers?: Record<string, string>;
  llm?: Script[];
}
type Step =
  | { send: Record<string, unknown> }
  | { send_raw: string }
  | { expect: Record<string, unknown> }
  | { llm_request: { index: number; body: Record<string, unknown> } };

const DEFAULT_PATHS: Record<Dialect, string> = {
  ga: '/v1/realtime?model=gpt-realtime',
  beta: '/openai/realtime?api-version=2024-10-01-preview&deployment=gpt-4o-realtime-preview',
  voicelive: '/voice-live/realtime?api-version=2026-07-15&model=gpt-realtime',
};
/** How long to wait for a stray extra event after the last expectation. */
const QUIET_MS = 150;

const dir = join(import.meta.dirname, 'fixtures');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();

function load(file: string): { header: Header; steps: Step[] } {
  const lines = readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.trimStart().startsWith('//'));
  const [first, ...rest] = lines.map((line, i) => {
    try {
      return JSON.parse(line) as unknown;
    } catch (err) {
      throw new Error(`${file}:${i + 1}: ${(err as Error).message}`);
    }
  });
  return { header: first as Header, steps: rest as Step[] };
}

let h: Harness;
let mcp: TestMcpServer;
beforeAll(async () => {
  h = await startHarness({ instructions: 'Replay instructions.' });
  mcp = await startMcpServer();
});
afterAll(async () => {
  await h.stop();
  await mcp.close();
});

describe('protocol replay', () => {
  it('has fixtures for every dialect', () => {
    for (const dialect of ['ga', 'beta', 'voicelive']) expect(fixtures.some((f) => f.startsWith(`${dialect}-`))).toBe(true);
  });

  for (const file of fixtures) {
    const { header, steps } = load(file);
    it(`${file}: ${header.title}`, async () => {
      const firstRequest = h.llm.requests.length;
      h.llm.enqueue(...(header.llm ?? []));
      const client = await connectRealtime(`${h.server.wsUrl}${header.path ?? DEFAULT_PATHS[header.dialect]}`, {
        dialect: header.dialect,
        headers: header.headers,
      });
      const bindings: Bindings = new Map([['$mcp_url', mcp.url]]);
      let next = 0;
      try {
        for (const [i, step] of steps.entries()) {
          const where = `${file} step ${i + 2}`;
          if ('send' in step) client.send(substitute(step.send, bindings) as Record<string, unknown>);
          else if ('send_raw' in step) client.sendRaw(step.send_raw);
          else if ('expect' in step) {
            const event = await waitForValue(() => client.events[next], `${where}: server event #${next}`);
            const miss = match(step.expect, event, bindings);
            if (miss) throw new Error(`${where}: event #${next} ${event.type} does not match: ${miss}\nreceived so far: ${client.types().join(', ')}`);
            next++;
          } else {
            const { index, body } = step.llm_request;
            const request = await waitForValue(() => h.llm.requests[firstRequest + index], `${where}: LLM request ${index}`);
            const miss = match(body, request.body, bindings);
            if (miss) throw new Error(`${where}: LLM request ${index} does not match: ${miss}`);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
        expect(client.types(next), `${file}: events after the last expectation`).toEqual([]);
        expect(client.invalid, `${file}: frames that break the ${header.dialect} schemas`).toEqual([]);
      } finally {
        await client.close();
      }
    });
  }
});

async function waitForValue<T>(get: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
