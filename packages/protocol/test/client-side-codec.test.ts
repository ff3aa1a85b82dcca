/**
 * The client-side codec — server frames → canonical events, canonical client events → frames —
 * checked against the server side it inverts: every canonical server event survives
 * encode → decode in every dialect that carries it, and every client event the encoder writes
 * is accepted by the server's strict decoder and means what the client meant.
 */
import {
  createClientEncoder,
  createCodec,
  createServerDecoder,
  DIALECTS,
  type ClientEvent,
  type Dialect,
  type OutgoingClientEvent,
  type ServerEvent,
  type WireFrame,
} from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { ALL_SERVER_EVENT_TYPES, sampleEvent } from './fixtures.js';

function roundTrip(dialect: Dialect, event: ServerEvent, decode = createServerDecoder(dialect)): ServerEvent | undefined {
  const frame = createCodec(dialect).encode(event);
  if (frame === undefined) throw new Error(`${dialect} does not carry ${event.type}`);
  return decode(JSON.parse(frame) as WireFrame);
}

/**
 * What the dialect cannot carry back: GA has no temperature in sessions and responses; beta's
 * function_call_arguments.done has no name (the decoder takes it from the call's item, not seen here).
 */
function expectedAfterRoundTrip(dialect: Dialect, event: ServerEvent): ServerEvent {
  if (dialect === 'beta' && event.type === 'response.function_call_arguments.done') return { ...event, name: '' };
  if (dialect !== 'ga') return event;
  if ('session' in event) {
    const { temperature: _t, ...session } = event.session;
    return { ...event, session } as ServerEvent;
  }
  if ('response' in event) {
    const { temperature: _t, ...response } = event.response;
    return { ...event, response } as ServerEvent;
  }
  return event;
}

describe('server frames back to canonical events', () => {
  it.each(DIALECTS)('%s: every event the dialect carries decodes to the canonical event it was encoded from', (dialect) => {
    let carried = 0;
    for (const type of ALL_SERVER_EVENT_TYPES) {
      const event = sampleEvent(type);
      if (createCodec(dialect).encode(event) === undefined) continue;
      carried++;
      expect(roundTrip(dialect, event), type).toEqual(expectedAfterRoundTrip(dialect, event));
    }
    expect(carried).toBeGreaterThan(25);
  });

  it('beta and Voice Live: conversation.item.created becomes conversation.item.added, the text and audio names become GA’s', () => {
    for (const dialect of ['beta', 'voicelive'] as const) {
      const decode = createServerDecoder(dialect);
      expect(decode({ type: 'conversation.item.created', event_id: 'e', item: { id: 'i', type: 'message', role: 'user', content: [] } })?.type).toBe(
        'conversation.item.added',
      );
      expect(decode({ type: 'response.text.delta', event_id: 'e', delta: 'x' })?.type).toBe('response.output_text.delta');
      expect(decode({ type: 'response.audio.delta', event_id: 'e', delta: 'AAAA' })?.type).toBe('response.output_audio.delta');
      expect(decode({ type: 'response.audio_transcript.done', event_id: 'e', transcript: 'x' })?.type).toBe(
        'response.output_audio_transcript.done',
      );
    }
  });

  it('a type the dialect does not define decodes to undefined, GA names on a beta connection included', () => {
    expect(createServerDecoder('beta')({ type: 'response.output_text.delta', delta: 'x' })).toBeUndefined();
    expect(createServerDecoder('ga')({ type: 'response.text.delta', delta: 'x' })).toBeUndefined();
    expect(createServerDecoder('ga')({ type: 'no.such.event' })).toBeUndefined();
  });

  it('flat sessions fold back into the nested shape: formats, rates, voice objects and modalities', () => {
    const event = createServerDecoder('voicelive')({
      type: 'session.updated',
      event_id: 'e',
      session: {
        id: 'sess_1',
        object: 'realtime.session',
        expires_at: 1,
        model: 'm',
        modalities: ['text', 'audio', 'animation'],
        voice: { type: 'azure-standard', name: 'en-US-AvaNeural' },
        instructions: 'Hi.',
        input_audio_format: 'pcm16',
        input_audio_sampling_rate: 16000,
        output_audio_format: 'pcm16_8000hz',
        turn_detection: null,
        input_audio_transcription: { model: 'azure-speech' },
        tools: [],
        tool_choice: 'auto',
        temperature: 0.7,
        max_response_output_tokens: 'inf',
      },
    });
    expect(event?.type).toBe('session.updated');
    if (event?.type !== 'session.updated') return;
    expect(event.session.output_modalities).toEqual(['audio', 'animation']);
    expect(event.session.audio).toEqual({
      input: {
        format: { type: 'audio/pcm', rate: 16000 },
        noise_reduction: null,
        transcription: { model: 'azure-speech' },
        turn_detection: null,
        echo_cancellation: null,
      },
      output: { format: { type: 'audio/pcm', rate: 8000 }, voice: { type: 'azure-standard', name: 'en-US-AvaNeural' }, speed: 1 },
    });
    expect(event.session.max_output_tokens).toBe('inf');
  });

  it('beta: function_call_arguments.done gets the name of its call, remembered from the item', () => {
    const decode = createServerDecoder('beta');
    const call = { id: 'item_f', object: 'realtime.item', type: 'function_call', status: 'in_progress', call_id: 'call_7', name: 'get_weather', arguments: '' };
    decode({ type: 'response.output_item.added', event_id: 'e1', response_id: 'r', output_index: 0, item: call });
    const done = decode({ type: 'response.function_call_arguments.done', event_id: 'e2', response_id: 'r', item_id: 'item_f', output_index: 0, call_id: 'call_7', arguments: '{}' });
    expect(done).toMatchObject({ type: 'response.function_call_arguments.done', call_id: 'call_7', name: 'get_weather', arguments: '{}' });
  });
});

const AUDIO = Buffer.from([1, 2, 3, 4, 5, 6]);

/** Client events of every kind, in their canonical form (audio as base64, as clients send it). */
const COMMON_EVENTS: OutgoingClientEvent[] = [
  {
    type: 'session.update',
    event_id: 'c1',
    session: {
      instructions: 'Be brief.',
      output_modalities: ['text'],
      audio: {
        input: { format: { type: 'audio/pcmu' }, transcription: { model: 'whisper-1' }, turn_detection: null },
        output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'ash', speed: 1.2 },
      },
      tools: [{ type: 'function', name: 'get_weather', description: 'Weather.', parameters: { type: 'object', properties: {} } }],
      tool_choice: 'auto',
      max_output_tokens: 300,
    },
  },
  { type: 'input_audio_buffer.append', event_id: 'c2', audio: AUDIO.toString('base64') },
  { type: 'input_audio_buffer.commit', event_id: 'c3' },
  { type: 'input_audio_buffer.clear' },
  { type: 'output_audio_buffer.clear' },
  {
    type: 'conversation.item.create',
    previous_item_id: 'item_1',
    item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Earlier answer.' }] },
  },
  { type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] } },
  { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_1', output: '{"temp":21}' } },
  { type: 'conversation.item.create', item: { type: 'mcp_approval_response', approval_request_id: 'mcpr_1', approve: false, reason: 'No.' } },
  { type: 'conversation.item.retrieve', item_id: 'item_1' },
  { type: 'conversation.item.truncate', item_id: 'item_1', content_index: 0, audio_end_ms: 1500 },
  { type: 'conversation.item.delete', item_id: 'item_1' },
  {
    type: 'response.create',
    event_id: 'c4',
    response: {
      output_modalities: ['audio'],
      instructions: 'Answer in French.',
      audio: { output: { voice: 'coral', format: { type: 'audio/pcma' } } },
      max_output_tokens: 50,
      metadata: { topic: 'weather' },
      conversation: 'none',
      input: [{ type: 'item_reference', id: 'item_1' }, { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Context.' }] }],
    },
  },
  { type: 'response.create' },
  { type: 'response.cancel', response_id: 'resp_1' },
];

/** The event the server decodes: audio as bytes, and what the dialect adds or cannot carry. */
function serverView(dialect: Dialect, event: OutgoingClientEvent): ClientEvent {
  if ('audio' in event) return { ...event, audio: Buffer.from(event.audio, 'base64') } as ClientEvent;
  if (event.type === 'response.create') {
    const response = { ...event.response };
    // Voice Live's defaults, which its decoder makes explicit.
    if (dialect === 'voicelive') Object.assign(response, { commit: true, cancel_previous: true });
    // The conversation option is GA and beta's, and Voice Live's docs'.
    return { ...event, response } as ClientEvent;
  }
  if (event.type === 'session.update' && dialect !== 'ga') {
    const { type: _type, ...session } = event.session;
    return { ...event, session } as ClientEvent;
  }
  if (event.type === 'session.update') return { ...event, session: { type: 'realtime', ...event.session } } as ClientEvent;
  return event as ClientEvent;
}

function serverDecode(dialect: Dialect, frame: string): ClientEvent {
  const result = createCodec(dialect).decode(frame);
  if (!result.ok) throw new Error(`${dialect} refused ${frame}: ${result.error.code} ${result.error.param ?? ''} ${result.error.message}`);
  return result.event;
}

describe('canonical client events to frames', () => {
  it.each(DIALECTS)('%s: the server decodes every encoded event to the event the client meant', (dialect) => {
    const encode = createClientEncoder(dialect);
    for (const event of COMMON_EVENTS) expect(serverDecode(dialect, encode(event)), event.type).toEqual(serverView(dialect, event));
  });

  it('GA nests and names the session type; beta and Voice Live flatten', () => {
    const session = { audio: { input: { turn_detection: null }, output: { voice: 'ash' } }, output_modalities: ['text' as const] };
    expect(JSON.parse(createClientEncoder('ga')({ type: 'session.update', session }))).toEqual({
      type: 'session.update',
      session: { type: 'realtime', output_modalities: ['text'], audio: { input: { turn_detection: null }, output: { voice: 'ash' } } },
    });
    expect(JSON.parse(createClientEncoder('beta')({ type: 'session.update', session }))).toEqual({
      type: 'session.update',
      session: { modalities: ['text'], voice: 'ash', turn_detection: null },
    });
  });

  it('Voice Live: input rate, 16 kHz output, voice objects, additional_instructions at the top level', () => {
    const encode = createClientEncoder('voicelive');
    const voice = { type: 'azure-standard' as const, name: 'en-US-AvaNeural' };
    const session = JSON.parse(
      encode({ type: 'session.update', session: { audio: { input: { format: { rate: 16000 } }, output: { format: { type: 'audio/pcm', rate: 16000 }, voice } } } }),
    ).session;
    expect(session).toEqual({ input_audio_sampling_rate: 16000, output_audio_format: 'pcm16_16000hz', voice });
    const create = JSON.parse(encode({ type: 'response.create', response: { additional_instructions: 'Be warm.', output_modalities: ['text'] } }));
    expect(create).toEqual({ type: 'response.create', response: { modalities: ['text'] }, additional_instructions: 'Be warm.' });
    expect(serverDecode('voicelive', JSON.stringify(create))).toMatchObject({ response: { additional_instructions: 'Be warm.', output_modalities: ['text'] } });
  });

  it('Voice Live-only events are encoded for Voice Live and refused for the OpenAI dialects', () => {
    const turn: OutgoingClientEvent = { type: 'input_audio.turn.append', turn_id: 't1', audio: AUDIO.toString('base64') };
    expect(serverDecode('voicelive', createClientEncoder('voicelive')(turn))).toEqual({ ...turn, audio: AUDIO });
    for (const dialect of ['ga', 'beta'] as const) {
      expect(() => createClientEncoder(dialect)(turn)).toThrow(`'input_audio.turn.append' is not a client event of the ${dialect} dialect.`);
    }
  });

  it('transcription sessions: beta’s own event, GA’s session.update of type transcription', () => {
    const event: OutgoingClientEvent = { type: 'transcription_session.update', session: { audio: { input: { transcription: { model: 'whisper-1' } } } } };
    expect(serverDecode('beta', createClientEncoder('beta')(event))).toEqual({ type: 'transcription_session.update', session: { type: 'transcription', ...event.session } });
    expect(serverDecode('ga', createClientEncoder('ga')(event))).toEqual({ type: 'session.update', session: { type: 'transcription', ...event.session } });
    expect(() => createClientEncoder('voicelive')(event)).toThrow(TypeError);
  });

  it('a setting the dialect cannot express keeps its name, so the server names it in its refusal', () => {
    const frame = createClientEncoder('beta')({ type: 'session.update', session: { truncation: 'disabled' } });
    const result = createCodec('beta').decode(frame);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.param).toBe('session.truncation');
  });
});
