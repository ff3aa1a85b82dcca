/**
 * Event names per dialect against the wire catalogue: the server events each dialect's codec
 * actually emits (by encoding a sample of every canonical event) and the client events it
 * accepts (by decoding a minimal valid frame of each), compared with the catalogue's lists.
 */
import { checkServerEvent, createCodec, DIALECTS, serverEventSchemas, wireServerEventNames, type Dialect } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import {
  AGENTS_REALTIME_SERVER_EVENTS,
  BETA_CLIENT_EVENTS,
  BETA_SERVER_EVENT_COUNT,
  BETA_SERVER_EVENTS,
  GA_CLIENT_EVENTS,
  GA_LISTED_BUT_NOT_SENT,
  GA_SERVER_EVENT_COUNT,
  GA_SERVER_EVENTS,
  GA_TO_BETA_RENAMES,
  VOICE_LIVE_CLIENT_EVENTS,
  VOICE_LIVE_ONLY_SERVER_EVENTS,
  VOICE_LIVE_SERVER_EVENT_COUNT,
  VOICE_LIVE_SERVER_EVENTS,
} from './catalogue.js';
import { ALL_SERVER_EVENT_TYPES, sampleEvent } from './fixtures.js';

/** Wire type of every frame the dialect's encoder produces, over one sample of each canonical event. */
function emittedNames(dialect: Dialect): Map<string, string> {
  const codec = createCodec(dialect);
  const names = new Map<string, string>(); // wire name → canonical name
  for (const type of ALL_SERVER_EVENT_TYPES) {
    const frame = codec.encode(sampleEvent(type));
    if (frame === undefined) continue;
    const wire = (JSON.parse(frame) as { type: string }).type;
    expect(names.has(wire), `two canonical events encode to '${wire}' in ${dialect}`).toBe(false);
    names.set(wire, type);
  }
  return names;
}

const sorted = (names: Iterable<string>) => [...names].sort();

describe('the catalogue transcription', () => {
  it.each([
    ['GA', GA_SERVER_EVENTS, GA_SERVER_EVENT_COUNT],
    ['beta', BETA_SERVER_EVENTS, BETA_SERVER_EVENT_COUNT],
    ['Voice Live', VOICE_LIVE_SERVER_EVENTS, VOICE_LIVE_SERVER_EVENT_COUNT],
  ])('lists as many %s server events as the catalogue states, without duplicates', (_name, list, count) => {
    expect(list).toHaveLength(count);
    expect(new Set(list).size).toBe(count);
  });
});

describe('server event names each dialect emits', () => {
  it('beta emits exactly the 34 beta server events', () => {
    expect(sorted(emittedNames('beta').keys())).toEqual(sorted(BETA_SERVER_EVENTS));
  });

  it("Voice Live emits exactly the SDK's 56 known server events (it silently drops any other)", () => {
    expect(sorted(emittedNames('voicelive').keys())).toEqual(sorted(VOICE_LIVE_SERVER_EVENTS));
  });

  it('GA emits every catalogued GA event a GA server sends, plus only Voice Live extensions', () => {
    const ga = emittedNames('ga');
    const missing = GA_SERVER_EVENTS.filter((name) => !ga.has(name) && !GA_LISTED_BUT_NOT_SENT.includes(name));
    expect(missing).toEqual([]);
    const extras = [...ga.keys()].filter((name) => !GA_SERVER_EVENTS.includes(name));
    expect(extras.filter((name) => !VOICE_LIVE_ONLY_SERVER_EVENTS.includes(name))).toEqual([]);
    // The two catalogued names a GA server does not send are really not sent.
    for (const name of GA_LISTED_BUT_NOT_SENT) expect(ga.has(name)).toBe(false);
  });

  it('GA emits every event @openai/agents-realtime acts on', () => {
    const ga = emittedNames('ga');
    // `conversation.created` is in its union but "optional; no client depends on it" (§2b-1).
    const needed = AGENTS_REALTIME_SERVER_EVENTS.filter((name) => name !== 'conversation.created');
    expect(needed.length).toBe(AGENTS_REALTIME_SERVER_EVENTS.length - 1);
    expect(needed.filter((name) => !ga.has(name))).toEqual([]);
  });

  it('GA never emits a beta-only name, and beta / Voice Live never emit a GA-only name', () => {
    const ga = emittedNames('ga');
    for (const [gaName, betaName] of GA_TO_BETA_RENAMES) {
      expect(ga.has(betaName), betaName).toBe(false);
      expect(ga.get(gaName)).toBe(gaName);
      for (const dialect of ['beta', 'voicelive'] as const) {
        const names = emittedNames(dialect);
        expect(names.has(gaName), `${dialect} ${gaName}`).toBe(false);
        expect(names.get(betaName), `${dialect} ${betaName}`).toBe(gaName);
      }
    }
    for (const dialect of ['beta', 'voicelive'] as const) {
      const names = emittedNames(dialect);
      expect(names.get('conversation.item.created')).toBe('conversation.item.added');
      expect(names.has('conversation.item.added')).toBe(false);
      expect(names.has('conversation.item.done')).toBe(false);
    }
  });

  it.each(DIALECTS)('wireServerEventNames(%s) is exactly what its encoder emits', (dialect) => {
    expect(sorted(wireServerEventNames(dialect))).toEqual(sorted(emittedNames(dialect).keys()));
  });

  it.each(DIALECTS)('every %s frame the encoder emits passes that dialect’s client-side schema', (dialect) => {
    const codec = createCodec(dialect);
    const schemas = serverEventSchemas(dialect);
    const failures: string[] = [];
    for (const type of ALL_SERVER_EVENT_TYPES) {
      const frame = codec.encode(sampleEvent(type));
      if (frame === undefined) continue;
      const check = checkServerEvent(schemas, JSON.parse(frame));
      if (!check.ok) failures.push(`${type}: ${check.reason}`);
    }
    expect(failures).toEqual([]);
  });

  it('keeps the event_id and the payload when renaming', () => {
    const frame = createCodec('beta').encode(sampleEvent('response.output_text.delta'));
    const wire = JSON.parse(frame!) as Record<string, unknown>;
    expect(wire).toEqual({
      type: 'response.text.delta',
      event_id: 'event_response.output_text.delta',
      response_id: 'resp_test',
      item_id: 'item_a',
      output_index: 0,
      content_index: 0,
      delta: 'He',
    });
    // `type` stays the first key, where people reading logs look for it.
    expect(Object.keys(wire)[0]).toBe('type');
  });
});

/** A minimal valid frame of every client event the catalogue lists, in any dialect. */
const MINIMAL_CLIENT_FRAMES: Record<string, Record<string, unknown>> = {
  'session.update': { session: { instructions: 'Be brief.' } },
  'transcription_session.update': { session: { input_audio_format: 'pcm16' } },
  'input_audio_buffer.append': { audio: 'AAAA' },
  'input_audio_buffer.commit': {},
  'input_audio_buffer.clear': {},
  'output_audio_buffer.clear': {},
  'conversation.item.create': { item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] } },
  'conversation.item.retrieve': { item_id: 'item_1' },
  'conversation.item.truncate': { item_id: 'item_1', content_index: 0, audio_end_ms: 100 },
  'conversation.item.delete': { item_id: 'item_1' },
  'response.create': {},
  'response.cancel': {},
  'session.avatar.connect': { client_sdp: 'v=0' },
  'input_audio.turn.start': { turn_id: 't1' },
  'input_audio.turn.append': { turn_id: 't1', audio: 'AAAA' },
  'input_audio.turn.end': { turn_id: 't1' },
  'input_audio.turn.cancel': { turn_id: 't1' },
  'input_audio.clear': {},
  'input_text.delta': { id: 'item_1', delta: 'hi' },
  'input_text.done': { id: 'item_1' },
  mcp_approval_response: { approval_request_id: 'req_1', approve: true },
};

const CLIENT_EVENTS: Record<Dialect, string[]> = {
  ga: GA_CLIENT_EVENTS,
  beta: BETA_CLIENT_EVENTS,
  voicelive: VOICE_LIVE_CLIENT_EVENTS,
};
const EVERY_CLIENT_EVENT = Object.keys(MINIMAL_CLIENT_FRAMES);

describe('client event names each dialect accepts', () => {
  it('has a minimal frame for every catalogued client event', () => {
    for (const names of Object.values(CLIENT_EVENTS)) for (const name of names) expect(MINIMAL_CLIENT_FRAMES).toHaveProperty([name]);
  });

  describe.each(DIALECTS)('%s', (dialect) => {
    const codec = createCodec(dialect);
    const own = CLIENT_EVENTS[dialect];

    it.each(own)('accepts %s and echoes its event_id into the canonical event', (type) => {
      const result = codec.decode(JSON.stringify({ type, event_id: 'evt_1', ...MINIMAL_CLIENT_FRAMES[type] }));
      expect(result.ok ? null : result.error.message).toBeNull();
      if (!result.ok) return;
      // The Voice Live SDK's top-level mcp_approval_response is the documented item, canonically.
      expect(result.event.type).toBe(type === 'mcp_approval_response' ? 'conversation.item.create' : type);
      expect(result.event.event_id).toBe('evt_1');
    });

    it("refuses other dialects' client events with unknown_event_type, naming its own events", () => {
      const foreign = EVERY_CLIENT_EVENT.filter((type) => !own.includes(type));
      expect(foreign.length).toBeGreaterThan(0);
      for (const type of foreign) {
        const result = codec.decode(JSON.stringify({ type, event_id: 'evt_x', ...MINIMAL_CLIENT_FRAMES[type] }));
        expect(result.ok, type).toBe(false);
        if (result.ok) continue;
        expect(result.error.code).toBe('unknown_event_type');
        expect(result.error.param).toBe('type');
        expect(result.event_id).toBe('evt_x');
        const listed = /are: (.*)\.$/.exec(result.error.message)?.[1]?.split(', ') ?? [];
        expect(sorted(listed)).toEqual(sorted(own));
      }
    });
  });
});
