/**
 * What a client asks for on the wire — URL, subprotocols, headers — for each service and auth
 * form of catalogue §2h, and the reconnect timing.
 */
import {
  azureOpenAiEndpoint,
  buildSocketRequest,
  isAbnormalClose,
  openAiEndpoint,
  parleyEndpoint,
  RealtimeClient,
  reconnectDelayMs,
  voiceLiveEndpoint,
  DEFAULT_RECONNECT_POLICY,
} from '@parley/client';
import { describe, expect, it } from 'vitest';

describe('endpoints', () => {
  it('OpenAI: wss://api.openai.com/v1/realtime?model=…, GA unless beta is asked for', () => {
    expect(openAiEndpoint({ model: 'gpt-realtime' })).toEqual({ url: 'wss://api.openai.com/v1/realtime?model=gpt-realtime', dialect: 'ga' });
    expect(openAiEndpoint({ model: 'gpt-4o-realtime-preview', dialect: 'beta' }).dialect).toBe('beta');
  });

  it('Azure OpenAI: GA under /openai/v1/realtime?model=<deployment>, beta under /openai/realtime?api-version&deployment', () => {
    expect(azureOpenAiEndpoint({ endpoint: 'https://res.openai.azure.com', deployment: 'rt' })).toEqual({
      url: 'wss://res.openai.azure.com/openai/v1/realtime?model=rt',
      dialect: 'ga',
    });
    expect(azureOpenAiEndpoint({ endpoint: 'https://res.openai.azure.com/', deployment: 'rt', dialect: 'beta' })).toEqual({
      url: 'wss://res.openai.azure.com/openai/realtime?api-version=2024-10-01-preview&deployment=rt',
      dialect: 'beta',
    });
  });

  it('Voice Live: http becomes ws, the endpoint path is replaced, api-version and model in the query', () => {
    expect(voiceLiveEndpoint({ endpoint: 'http://127.0.0.1:8765/some/prefix', model: 'gpt-realtime' })).toEqual({
      url: 'ws://127.0.0.1:8765/voice-live/realtime?api-version=2026-07-15&model=gpt-realtime',
      dialect: 'voicelive',
    });
    expect(voiceLiveEndpoint({ endpoint: 'res.services.ai.azure.com', model: 'gpt-realtime', apiVersion: '2026-04-10' }).url).toBe(
      'wss://res.services.ai.azure.com/voice-live/realtime?api-version=2026-04-10&model=gpt-realtime',
    );
  });

  it('Parley: /v1/realtime for GA and beta, /voice-live/realtime for Voice Live', () => {
    expect(parleyEndpoint({ baseUrl: 'ws://127.0.0.1:8080' }).url).toBe('ws://127.0.0.1:8080/v1/realtime');
    expect(parleyEndpoint({ baseUrl: 'http://127.0.0.1:8080', dialect: 'beta', model: 'default' })).toEqual({
      url: 'ws://127.0.0.1:8080/v1/realtime?model=default',
      dialect: 'beta',
    });
    expect(parleyEndpoint({ baseUrl: 'ws://127.0.0.1:8080', dialect: 'voicelive' }).url).toBe(
      'ws://127.0.0.1:8080/voice-live/realtime?api-version=2026-07-15',
    );
  });
});

describe('auth and dialect on the wire', () => {
  const url = 'ws://127.0.0.1:8080/v1/realtime?model=m';

  it.each([
    [{ type: 'bearer', token: 'sk-1' }, url, [], { Authorization: 'Bearer sk-1' }],
    [{ type: 'api-key-header', key: 'k1' }, url, [], { 'api-key': 'k1' }],
    [{ type: 'api-key-query', key: 'k 1' }, `${url}&api-key=k+1`, [], {}],
    [{ type: 'bearer-query', token: 't1' }, `${url}&authorization=Bearer+t1`, [], {}],
    [{ type: 'subprotocol', key: 'ek_1' }, url, ['realtime', 'openai-insecure-api-key.ek_1'], {}],
  ] as const)('%j', (auth, expectedUrl, protocols, headers) => {
    expect(buildSocketRequest({ url, dialect: 'ga', auth })).toEqual({ url: expectedUrl, protocols, headers });
  });

  it('beta on a GA path offers the openai-beta.realtime-v1 subprotocol, after realtime; not on Azure’s beta path', () => {
    expect(buildSocketRequest({ url, dialect: 'beta' }).protocols).toEqual(['realtime', 'openai-beta.realtime-v1']);
    expect(buildSocketRequest({ url: 'wss://r/openai/realtime?api-version=v&deployment=d', dialect: 'beta' }).protocols).toEqual([]);
  });

  it('the dialect defaults to the URL’s and must not contradict it', () => {
    expect(new RealtimeClient({ url: 'ws://h/voice-live/realtime' }).dialect).toBe('voicelive');
    expect(new RealtimeClient({ url: 'ws://h/openai/realtime' }).dialect).toBe('beta');
    expect(new RealtimeClient({ url: 'ws://h/v1/realtime' }).dialect).toBe('ga');
    expect(new RealtimeClient({ url: 'ws://h/v1/realtime', dialect: 'beta' }).dialect).toBe('beta');
    expect(() => new RealtimeClient({ url: 'ws://h/voice-live/realtime', dialect: 'ga' })).toThrow(
      'The URL ws://h/voice-live/realtime serves the voicelive dialect, not ga.',
    );
  });
});

describe('reconnect timing', () => {
  const policy = { ...DEFAULT_RECONNECT_POLICY, initialDelayMs: 500, maxDelayMs: 4000 };

  it('doubles from the initial delay up to the cap; jitter spans the upper half of each step', () => {
    const low = { ...policy, random: () => 0 };
    const high = { ...policy, random: () => 0.999999 };
    expect([1, 2, 3, 4, 5, 6].map((n) => reconnectDelayMs(n, low))).toEqual([250, 500, 1000, 2000, 2000, 2000]);
    expect([1, 2, 3, 4, 5, 6].map((n) => reconnectDelayMs(n, high))).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
  });

  it('reconnects after drops, restarts and server errors; not after normal closes or refusals', () => {
    expect([1001, 1006, 1011, 1012, 1013, 1014].every(isAbnormalClose)).toBe(true);
    expect([1000, 1002, 1003, 1005, 1007, 1008, 1009, 1010, 4000, 4999].some(isAbnormalClose)).toBe(false);
  });
});
