/**
 * What a client is told when its event is wrong: one `error` with a registry code, an
 * OpenAI-style sentence, `param` as the dotted path of the offending field, and the client's
 * own `event_id`, whatever the dialect.
 */
import { createCodec, formatParamPath, type Dialect } from '@parley/protocol';
import { describe, expect, it } from 'vitest';

function refuse(dialect: Dialect, frame: unknown) {
  const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
  const result = createCodec(dialect).decode(text);
  if (result.ok) throw new Error(`${dialect} accepted ${text}`);
  return { ...result.error.toWire(result.event_id), eventId: result.event_id };
}

const tools = (fourth: Record<string, unknown>) => [
  { type: 'function', name: 'a' },
  { type: 'function', name: 'b' },
  { type: 'function', name: 'c' },
  { type: 'function', name: 'd', ...fourth },
];

describe('wrong types', () => {
  it('names the field, what was expected and the JSON type received', () => {
    const e = refuse('ga', { type: 'session.update', event_id: 'evt_1', session: { instructions: 5 } });
    expect(e).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_type',
      param: 'session.instructions',
      event_id: 'evt_1',
      message: "Invalid type for 'session.instructions': expected a string, but got an integer instead.",
    });
  });

  it.each([
    [{ instructions: 1.5 }, 'session.instructions', 'a decimal'],
    [{ instructions: true }, 'session.instructions', 'a boolean'],
    [{ instructions: ['x'] }, 'session.instructions', 'an array'],
    [{ instructions: { text: 'x' } }, 'session.instructions', 'an object'],
    [{ instructions: null }, 'session.instructions', 'null'],
    [{ tools: 'lookup' }, 'session.tools', 'a string'],
  ])('describes %j as %s having %s', (session, param, got) => {
    const e = refuse('ga', { type: 'session.update', session });
    expect(e.code).toBe('invalid_type');
    expect(e.param).toBe(param);
    expect(e.message).toContain(`but got ${got} instead.`);
  });

  it('tells an integer field from a decimal value', () => {
    const e = refuse('beta', { type: 'conversation.item.truncate', item_id: 'item_1', content_index: 1.5, audio_end_ms: 10 });
    expect(e).toMatchObject({ code: 'invalid_type', param: 'content_index' });
    expect(e.message).toBe("Invalid type for 'content_index': expected an integer, but got a decimal instead.");
  });
});

describe('unknown parameters', () => {
  it('matches the hosted service’s message for an unknown nested field', () => {
    const e = refuse('beta', { type: 'session.update', event_id: 'evt_2', session: { input_audio_transcription: { enabled: true } } });
    expect(e).toMatchObject({
      code: 'unknown_parameter',
      message: "Unknown parameter: 'session.input_audio_transcription.enabled'.",
      param: 'session.input_audio_transcription.enabled',
      event_id: 'evt_2',
    });
  });

  it('names top-level, deeply nested and in-array unknown fields by their full path', () => {
    expect(refuse('ga', { type: 'response.cancel', foo: 1 }).param).toBe('foo');
    expect(refuse('ga', { type: 'session.update', session: { audio: { input: { turn_detection: { type: 'server_vad', bogus: 1 } } } } }).param).toBe(
      'session.audio.input.turn_detection.bogus',
    );
    const e = refuse('ga', { type: 'session.update', session: { tools: tools({ strict: true }) } });
    expect(e).toMatchObject({ code: 'unknown_parameter', param: 'session.tools[3].strict', message: "Unknown parameter: 'session.tools[3].strict'." });
  });
});

describe('missing required parameters', () => {
  it.each([
    ['ga', { type: 'session.update', event_id: 'e' }, 'session'],
    ['beta', { type: 'conversation.item.truncate', event_id: 'e', item_id: 'item_1', content_index: 0 }, 'audio_end_ms'],
    ['voicelive', { type: 'input_audio_buffer.append', event_id: 'e' }, 'audio'],
    ['ga', { type: 'conversation.item.create', event_id: 'e', item: { role: 'user' } }, 'item.type'],
    ['ga', { type: 'conversation.item.create', event_id: 'e', item: { type: 'function_call_output', output: 'x' } }, 'item.call_id'],
    ['ga', { type: 'response.create', event_id: 'e', response: { input: [{ type: 'item_reference' }] } }, 'response.input[0].id'],
    ['voicelive', { type: 'input_audio.turn.start', event_id: 'e' }, 'turn_id'],
  ] as const)('%s %j: missing %s', (dialect, frame, param) => {
    const e = refuse(dialect, frame);
    expect(e).toMatchObject({ code: 'missing_required_parameter', param, event_id: 'e', message: `Missing required parameter: '${param}'.` });
  });
});

describe('invalid values', () => {
  it('lists the supported values of an enum', () => {
    const e = refuse('ga', { type: 'session.update', session: { output_modalities: ['video'] } });
    expect(e).toMatchObject({
      code: 'invalid_value',
      param: 'session.output_modalities[0]',
      message: "Invalid value: 'video'. Supported values for 'session.output_modalities[0]' are: 'audio', 'text'.",
    });
  });

  it('lists the supported types of turn detection', () => {
    const e = refuse('voicelive', { type: 'session.update', session: { turn_detection: { type: 'foo_vad' } } });
    expect(e.code).toBe('invalid_value');
    expect(e.param).toBe('session.turn_detection.type');
    for (const t of ['server_vad', 'semantic_vad', 'azure_semantic_vad', 'azure_semantic_vad_en', 'azure_semantic_vad_multilingual']) {
      expect(e.message).toContain(`'${t}'`);
    }
    expect(e.message).toMatch(/^Invalid value: 'foo_vad'\./);
  });

  it('lists the supported item types', () => {
    const e = refuse('ga', { type: 'conversation.item.create', item: { type: 'mystery' } });
    expect(e).toMatchObject({ code: 'invalid_value', param: 'item.type' });
    expect(e.message).toBe(
      "Invalid value: 'mystery'. Supported values for 'item.type' are: 'message', 'function_call', 'function_call_output', 'mcp_approval_response'.",
    );
  });

  it('states numeric ranges', () => {
    expect(refuse('ga', { type: 'session.update', session: { audio: { output: { speed: 3 } } } })).toMatchObject({
      code: 'invalid_value',
      param: 'session.audio.output.speed',
      message: "Invalid 'session.audio.output.speed': expected a value <= 1.5, but got 3 instead.",
    });
    expect(refuse('ga', { type: 'conversation.item.truncate', item_id: 'i', content_index: 0, audio_end_ms: -1 }).message).toBe(
      "Invalid 'audio_end_ms': expected a value >= 0, but got -1 instead.",
    );
    expect(refuse('ga', { type: 'session.update', session: { max_output_tokens: 0 } }).param).toBe('session.max_output_tokens');
  });

  it('states string length limits with the path into an array (session.tools[3].description)', () => {
    const e = refuse('ga', { type: 'session.update', session: { tools: tools({ description: 'x'.repeat(5000) }) } });
    expect(e).toMatchObject({ code: 'invalid_value', param: 'session.tools[3].description' });
    expect(e.message).toBe("Invalid 'session.tools[3].description': expected a length value <= 4096, but got 5000 instead.");
  });

  it('names a bad function name as session.tools[3].name', () => {
    const e = refuse('ga', { type: 'session.update', event_id: 'evt_t', session: { tools: tools({ name: 'bad name!' }) } });
    expect(e).toMatchObject({ code: 'invalid_value', param: 'session.tools[3].name', event_id: 'evt_t' });
    expect(e.message).toMatch(/^Invalid 'session\.tools\[3\]\.name': /);
  });

  it('describes a value that fits no branch of a union once per expectation', () => {
    const e = refuse('ga', { type: 'session.update', session: { tool_choice: 5 } });
    expect(e).toMatchObject({ code: 'invalid_value', param: 'session.tool_choice' });
    const expected = /expected (.*), but got/.exec(e.message)?.[1]?.split(' or ') ?? [];
    expect(expected.length).toBeGreaterThan(0);
    expect(new Set(expected).size).toBe(expected.length);
    expect(e.message).toMatch(/but got '5'\.$/);
  });

  it('reports what is wrong with the union branch the value’s type tag chose, not with the first branch', () => {
    // `{type: 'mcp'}` is a valid kind of tool_choice; what is missing is its server_label.
    expect(refuse('ga', { type: 'session.update', session: { tool_choice: { type: 'mcp', name: 'search' } } })).toMatchObject({
      code: 'missing_required_parameter',
      param: 'session.tool_choice.server_label',
      message: "Missing required parameter: 'session.tool_choice.server_label'.",
    });
    expect(refuse('ga', { type: 'session.update', session: { tool_choice: { type: 'function' } } })).toMatchObject({
      code: 'missing_required_parameter',
      param: 'session.tool_choice.name',
    });
    expect(refuse('ga', { type: 'session.update', session: { tool_choice: { type: 'function', name: 7 } } })).toMatchObject({
      code: 'invalid_type',
      param: 'session.tool_choice.name',
    });
  });

  it('explains which parts a message role may hold', () => {
    const e = refuse('ga', { type: 'conversation.item.create', item: { type: 'message', role: 'system', content: [{ type: 'input_audio' }] } });
    expect(e).toMatchObject({ code: 'invalid_value', param: 'item.content[0].type' });
    expect(e.message).toBe("Invalid value: 'input_audio'. A system message may hold: 'input_text'.");
  });
});

describe('frames that are not events', () => {
  it('reports invalid JSON, with no event_id to echo', () => {
    const e = refuse('ga', '{"type": "session.update", ');
    expect(e).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json', param: null, event_id: null });
    expect(e.message).toMatch(/^The frame is not valid JSON: .+\.$/);
  });

  it.each(['[1,2]', '"session.update"', 'null', '42'])('reports %s as not an event object', (frame) => {
    expect(refuse('beta', frame)).toMatchObject({ code: 'invalid_event', event_id: null });
  });

  it('reports a missing or non-string type and still echoes the event_id', () => {
    expect(refuse('ga', { event_id: 'evt_9' })).toMatchObject({
      code: 'invalid_event',
      param: 'type',
      event_id: 'evt_9',
      message: "The 'type' field is missing.",
    });
    expect(refuse('ga', { type: 7, event_id: 'evt_10' })).toMatchObject({ code: 'invalid_event', param: 'type', event_id: 'evt_10' });
  });

  it('reports an unknown event type with the types this connection accepts', () => {
    const e = refuse('ga', { type: 'response.make', event_id: 'evt_11' });
    expect(e).toMatchObject({ code: 'unknown_event_type', param: 'type', event_id: 'evt_11' });
    expect(e.message).toMatch(/^Invalid value: 'response\.make'\. Supported client events on this ga connection are: .*response\.create/);
  });

  it('quotes only the start of a huge unknown type, and still lists the types this connection accepts', () => {
    const e = refuse('ga', { type: `response.${'z'.repeat(100_000)}` });
    expect(e.message).toMatch(/^Invalid value: 'response\.z{68}\.\.\.'\. Supported client events on this ga connection are: .*response\.create/);
  });

  it('does not treat inherited object keys as event types', () => {
    for (const type of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(refuse('ga', { type }).code).toBe('unknown_event_type');
    }
  });

  it('echoes only a string event_id', () => {
    const e = refuse('ga', { type: 'response.cancel', event_id: 12 });
    expect(e.event_id).toBeNull();
    expect(e).toMatchObject({ code: 'invalid_type', param: 'event_id' });
  });

  it('refuses an event nested more than 64 levels deep, however deep, with its event_id', () => {
    const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    for (const [field, depth] of [['instructions', 100], ['tracing', 100_000]] as const) {
      const frame = `{"type":"session.update","event_id":"evt_deep","session":{"${field}":${nested(depth)}}}`;
      expect(refuse('ga', frame)).toMatchObject({
        code: 'invalid_event',
        event_id: 'evt_deep',
        message: 'The event nests arrays and objects more than 64 levels deep.',
      });
    }
  });

  it('accepts a function tool whose parameters nest deeply but within the limit', () => {
    const parameters = JSON.parse(`${'{"type":"object","properties":{"a":'.repeat(25)}{"type":"string"}${'}}'.repeat(25)}`);
    const result = createCodec('ga').decode(JSON.stringify({ type: 'session.update', session: { tools: [{ type: 'function', name: 'deep', parameters }] } }));
    expect(result.ok).toBe(true);
  });
});

describe('base64 audio', () => {
  it.each(['ga', 'beta', 'voicelive'] as const)('%s refuses input_audio_buffer.append with bad base64, naming audio', (dialect) => {
    const e = refuse(dialect, { type: 'input_audio_buffer.append', event_id: 'evt_a', audio: 'AAA*' });
    expect(e).toMatchObject({ code: 'invalid_base64', param: 'audio', event_id: 'evt_a' });
  });

  it('decodes good base64 to the bytes', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253]);
    const result = createCodec('ga').decode(JSON.stringify({ type: 'input_audio_buffer.append', audio: bytes.toString('base64') }));
    expect(result.ok && result.event.type === 'input_audio_buffer.append' && result.event.audio.equals(bytes)).toBe(true);
  });

  it('Voice Live refuses bad base64 in input_audio.turn.append too', () => {
    expect(refuse('voicelive', { type: 'input_audio.turn.append', event_id: 'v', turn_id: 't', audio: '!!!!' })).toMatchObject({
      code: 'invalid_base64',
      param: 'audio',
      event_id: 'v',
    });
  });

  it('refuses bad base64 inside a created item, naming the part', () => {
    const e = refuse('ga', {
      type: 'conversation.item.create',
      event_id: 'evt_b',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }, { type: 'input_audio', audio: '@@@@' }] },
    });
    expect(e).toMatchObject({ code: 'invalid_base64', param: 'item.content[1].audio', event_id: 'evt_b' });
  });
});

describe('formatParamPath', () => {
  it('writes keys dotted and indexes bracketed', () => {
    expect(formatParamPath(['session', 'tools', 3, 'description'])).toBe('session.tools[3].description');
    expect(formatParamPath(['response', 'input', 0, 'content', 2, 'audio'])).toBe('response.input[0].content[2].audio');
    expect(formatParamPath([0, 'a'])).toBe('[0].a');
    expect(formatParamPath([])).toBe('');
  });
});
