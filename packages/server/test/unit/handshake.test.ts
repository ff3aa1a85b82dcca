/**
 * Reading an upgrade request: the dialect (by path, `OpenAI-Beta` header, subprotocol), the API
 * key (header, query, subprotocol), the model, and the subprotocol to answer with — `realtime`
 * when offered, never an entry carrying a key. The table of real clients is the catalogue's
 * handshake log (§2h).
 */
import type { IncomingMessage } from 'node:http';
import type { Dialect } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { chooseSubprotocol, extractApiKey, normalizePath, parseSubprotocols, readHandshake } from '../../src/transport/handshake.js';

function request(url: string, headers: Record<string, string> = {}): IncomingMessage {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { url, headers: lower } as unknown as IncomingMessage;
}

interface Case {
  client: string;
  url: string;
  headers?: Record<string, string>;
  dialect: Dialect;
  key: string | null;
  model: string | null;
  protocol?: string | false;
}

/** §2h "Handshake logs": what each real client sent, and what Parley must make of it. */
const REAL_CLIENTS: Case[] = [
  {
    client: 'openai GA OpenAIRealtimeWS',
    url: '/v1/realtime?model=gpt-realtime',
    headers: { authorization: 'Bearer sk-test', 'openai-organization': 'org-x', 'openai-project': 'proj-y', 'user-agent': 'OpenAI/JS 7.57.0' },
    dialect: 'ga',
    key: 'sk-test',
    model: 'gpt-realtime',
  },
  {
    client: 'openai GA OpenAIRealtimeWebSocket (native)',
    url: '/v1/realtime?model=gpt-realtime',
    headers: { 'sec-websocket-protocol': 'realtime, openai-insecure-api-key.sk-test, openai-organization.org-x, openai-project.proj-y' },
    dialect: 'ga',
    key: 'sk-test',
    model: 'gpt-realtime',
    protocol: 'realtime',
  },
  {
    client: 'openai beta OpenAIRealtimeWebSocket (native)',
    url: '/v1/realtime?model=gpt-4o-realtime-preview',
    headers: { 'sec-websocket-protocol': 'realtime, openai-insecure-api-key.sk-test, openai-beta.realtime-v1' },
    dialect: 'beta',
    key: 'sk-test',
    model: 'gpt-4o-realtime-preview',
    protocol: 'realtime',
  },
  {
    client: 'openai beta OpenAIRealtimeWS',
    url: '/v1/realtime?model=gpt-4o-realtime-preview',
    headers: { authorization: 'Bearer sk-test', 'openai-beta': 'realtime=v1', 'user-agent': 'OpenAI/JS 7.57.0' },
    dialect: 'beta',
    key: 'sk-test',
    model: 'gpt-4o-realtime-preview',
  },
  {
    client: 'Azure GA OpenAIRealtimeWS.azure, api key',
    url: '/openai/v1/realtime?model=my-realtime-deployment',
    headers: { 'api-key': 'az-key', 'user-agent': 'AzureOpenAI/JS 7.57.0' },
    dialect: 'ga',
    key: 'az-key',
    model: 'my-realtime-deployment',
  },
  {
    client: 'Azure GA OpenAIRealtimeWS.azure, token provider',
    url: '/openai/v1/realtime?model=my-realtime-deployment',
    headers: { authorization: 'Bearer aad-token' },
    dialect: 'ga',
    key: 'aad-token',
    model: 'my-realtime-deployment',
  },
  {
    client: 'Azure GA OpenAIRealtimeWebSocket.azure (native)',
    url: '/openai/v1/realtime?model=my-realtime-deployment',
    headers: { 'api-key': 'az-key', 'sec-websocket-protocol': 'realtime' },
    dialect: 'ga',
    key: 'az-key',
    model: 'my-realtime-deployment',
    protocol: 'realtime',
  },
  {
    client: 'Azure beta OpenAIRealtimeWS.azure',
    url: '/openai/realtime?api-version=2024-10-01-preview&deployment=gpt-4o-realtime-preview',
    headers: { 'api-key': 'az-key', 'openai-beta': 'realtime=v1', 'user-agent': 'AzureOpenAI/JS 7.57.0' },
    dialect: 'beta',
    key: 'az-key',
    model: 'gpt-4o-realtime-preview',
  },
  {
    client: '@openai/agents-realtime, Node',
    url: '/v1/realtime?model=gpt-realtime',
    headers: { authorization: 'Bearer sk-test', 'user-agent': 'Agents/JavaScript 0.20.0', 'x-openai-agents-sdk': 'openai-agents-sdk.0.20.0' },
    dialect: 'ga',
    key: 'sk-test',
    model: 'gpt-realtime',
  },
  {
    client: '@openai/agents-realtime, browser build',
    url: '/v1/realtime?model=gpt-realtime',
    headers: { 'sec-websocket-protocol': 'realtime, openai-insecure-api-key.ek_test, openai-agents-sdk.0.20.0' },
    dialect: 'ga',
    key: 'ek_test',
    model: 'gpt-realtime',
    protocol: 'realtime',
  },
  {
    client: '@azure/ai-voicelive Node, AzureKeyCredential',
    url: '/voice-live/realtime?api-version=2026-07-15&model=gpt-realtime&api-key=vl-key',
    headers: { 'x-ms-client-request-id': '1-abc', 'user-agent': 'Azure-Voice-Live-SDK-JS/1.0.0', 'api-key': 'vl-key' },
    dialect: 'voicelive',
    key: 'vl-key',
    model: 'gpt-realtime',
  },
  {
    client: '@azure/ai-voicelive Node, TokenCredential',
    url: '/voice-live/realtime?api-version=2026-07-15&model=gpt-realtime',
    headers: { authorization: 'Bearer aad-token' },
    dialect: 'voicelive',
    key: 'aad-token',
    model: 'gpt-realtime',
  },
  {
    client: '@azure/ai-voicelive browser build, key',
    url: '/voice-live/realtime?api-version=2026-07-15&model=gpt-realtime&api-key=vl-key&client-request-id=1',
    dialect: 'voicelive',
    key: 'vl-key',
    model: 'gpt-realtime',
  },
  {
    client: '@azure/ai-voicelive browser build, token',
    url: '/voice-live/realtime?api-version=2026-07-15&model=gpt-realtime&client-request-id=1&authorization=Bearer+aad-token',
    dialect: 'voicelive',
    key: 'aad-token',
    model: 'gpt-realtime',
  },
];

describe('real clients’ handshakes (catalogue §2h)', () => {
  it.each(REAL_CLIENTS)('$client → $dialect, key $key', (c) => {
    const handshake = readHandshake(request(c.url, c.headers));
    expect(handshake).not.toBeNull();
    expect(handshake!.dialect).toBe(c.dialect);
    expect(handshake!.apiKey).toBe(c.key);
    expect(handshake!.model).toBe(c.model);
    const chosen = chooseSubprotocol(new Set(handshake!.protocols));
    expect(chosen).toBe(c.protocol ?? false);
  });
});

describe('dialect', () => {
  const dialect = (url: string, headers: Record<string, string> = {}) => readHandshake(request(url, headers))?.dialect ?? null;

  it('is GA on /v1/realtime and /openai/v1/realtime', () => {
    expect(dialect('/v1/realtime')).toBe('ga');
    expect(dialect('/v1/realtime?model=gpt-realtime')).toBe('ga');
    expect(dialect('/openai/v1/realtime?model=x')).toBe('ga');
    expect(dialect('/v1/realtime/')).toBe('ga');
  });

  it('is beta with the OpenAI-Beta: realtime=v1 header or the openai-beta.realtime-v1 subprotocol', () => {
    expect(dialect('/v1/realtime', { 'OpenAI-Beta': 'realtime=v1' })).toBe('beta');
    expect(dialect('/openai/v1/realtime', { 'OpenAI-Beta': 'realtime=v1' })).toBe('beta');
    expect(dialect('/v1/realtime', { 'Sec-WebSocket-Protocol': 'realtime, openai-beta.realtime-v1' })).toBe('beta');
  });

  it('stays GA for other OpenAI-Beta values', () => {
    expect(dialect('/v1/realtime', { 'OpenAI-Beta': 'assistants=v2' })).toBe('ga');
  });

  it('is beta on Azure’s /openai/realtime?api-version=…', () => {
    expect(dialect('/openai/realtime?api-version=2024-10-01-preview&deployment=d')).toBe('beta');
  });

  it('is Voice Live on /voice-live/realtime, whatever beta markers come with it', () => {
    expect(dialect('/voice-live/realtime?api-version=2026-07-15')).toBe('voicelive');
    expect(dialect('/voice-live/realtime', { 'OpenAI-Beta': 'realtime=v1', 'Sec-WebSocket-Protocol': 'openai-beta.realtime-v1' })).toBe('voicelive');
  });

  it.each(['/', '/realtime', '/v2/realtime', '/v1/realtime/extra', '/v1/Realtime', '/voice-live', '/v1/realtimex', '/healthz'])(
    'finds no endpoint at %s (the server answers 404)',
    (path) => {
      expect(readHandshake(request(path))).toBeNull();
    },
  );

  it('normalizes trailing slashes only', () => {
    expect(normalizePath('/v1/realtime//')).toBe('/v1/realtime');
    expect(normalizePath('/')).toBe('/');
  });
});

describe('API key extraction', () => {
  const key = (url: string, headers: Record<string, string> = {}) => {
    const req = request(url, headers);
    const u = new URL(url, 'http://localhost');
    return extractApiKey(req, u, parseSubprotocols(req.headers['sec-websocket-protocol']));
  };

  it('reads Authorization: Bearer, case-insensitively and trimmed', () => {
    expect(key('/v1/realtime', { Authorization: 'Bearer sk-1' })).toBe('sk-1');
    expect(key('/v1/realtime', { Authorization: 'bearer   sk-2  ' })).toBe('sk-2');
  });

  it('reads the api-key header', () => {
    expect(key('/v1/realtime', { 'api-key': 'az-1' })).toBe('az-1');
  });

  it('reads ?api-key= and ?authorization=Bearer …', () => {
    expect(key('/voice-live/realtime?api-key=vl-1')).toBe('vl-1');
    expect(key('/voice-live/realtime?authorization=Bearer%20tok-1')).toBe('tok-1');
    expect(key('/voice-live/realtime?authorization=Bearer+tok-2')).toBe('tok-2');
  });

  it('reads the openai-insecure-api-key.<key> subprotocol', () => {
    expect(key('/v1/realtime', { 'Sec-WebSocket-Protocol': 'realtime, openai-insecure-api-key.ek_abc, openai-agents-sdk.0.20.0' })).toBe('ek_abc');
  });

  it('ignores an Authorization header that is not a Bearer token', () => {
    expect(key('/v1/realtime', { Authorization: 'Basic dXNlcjpwYXNz' })).toBeNull();
    expect(key('/v1/realtime', { Authorization: 'Basic dXNlcjpwYXNz', 'api-key': 'az-2' })).toBe('az-2');
  });

  it('is null when no key is presented', () => {
    expect(key('/v1/realtime?model=x', { 'Sec-WebSocket-Protocol': 'realtime' })).toBeNull();
  });
});

describe('subprotocol choice', () => {
  it('echoes realtime whenever it is offered', () => {
    expect(chooseSubprotocol(new Set(['openai-insecure-api-key.sk', 'realtime', 'openai-beta.realtime-v1']))).toBe('realtime');
  });

  it('never echoes an entry that carries a key or an account id', () => {
    expect(chooseSubprotocol(new Set(['openai-insecure-api-key.sk-secret']))).toBe(false);
    expect(chooseSubprotocol(new Set(['openai-organization.org-x', 'openai-project.proj-y']))).toBe(false);
    expect(chooseSubprotocol(new Set(['openai-insecure-api-key.sk-secret', 'openai-beta.realtime-v1']))).toBe('openai-beta.realtime-v1');
  });

  it('selects none when none is offered', () => {
    expect(chooseSubprotocol(new Set())).toBe(false);
  });

  it('over many offered lists, never returns a private entry and always returns realtime if offered', () => {
    const pool = ['realtime', 'openai-insecure-api-key.k', 'openai-organization.o', 'openai-project.p', 'openai-beta.realtime-v1', 'openai-agents-sdk.0.20.0'];
    for (let mask = 0; mask < 1 << pool.length; mask++) {
      const offered = pool.filter((_, i) => mask & (1 << i));
      const chosen = chooseSubprotocol(new Set(offered));
      if (offered.includes('realtime')) expect(chosen).toBe('realtime');
      if (chosen !== false) {
        expect(offered).toContain(chosen);
        expect(chosen).not.toMatch(/^openai-(insecure-api-key|organization|project)\./);
      }
    }
  });
});

describe('parseSubprotocols', () => {
  it('splits, trims and drops empty entries', () => {
    expect(parseSubprotocols(' realtime ,openai-beta.realtime-v1,, ')).toEqual(['realtime', 'openai-beta.realtime-v1']);
    expect(parseSubprotocols(['realtime', 'a, b'])).toEqual(['realtime', 'a', 'b']);
    expect(parseSubprotocols(undefined)).toEqual([]);
  });
});
