/**
 * What each dialect's clients see and send: GA's nested session against beta / Voice Live's
 * flat one, assistant content spelled `output_text` / `output_audio` (GA) or `text` / `audio`
 * (beta, Voice Live), `response.create` parameters folded into one canonical form, and
 * canonical → wire → canonical round trips.
 */
import {
  createCodec,
  type ClientEvent,
  type Dialect,
  type Item,
  type ItemInput,
  type ServerEvent,
  type SessionObject,
  type SessionPatch,
} from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { assistantMessage, sampleEvent, sampleResponse, sampleSession, userMessage } from './fixtures.js';

type Wire = Record<string, any>;

function encode(dialect: Dialect, event: ServerEvent): Wire {
  const frame = createCodec(dialect).encode(event);
  if (frame === undefined) throw new Error(`${dialect} does not carry ${event.type}`);
  return JSON.parse(frame) as Wire;
}

function decode(dialect: Dialect, frame: Record<string, unknown>): ClientEvent {
  const result = createCodec(dialect).decode(JSON.stringify(frame));
  if (!result.ok) throw new Error(`${dialect} refused ${JSON.stringify(frame)}: ${result.error.message}`);
  return result.event;
}

function sessionPatch(dialect: Dialect, session: Record<string, unknown>): SessionPatch {
  const event = decode(dialect, { type: 'session.update', session });
  if (event.type !== 'session.update') throw new Error(event.type);
  return event.session;
}

const sessionUpdated = (session: SessionObject) => ({ type: 'session.updated', event_id: 'event_1', session }) as ServerEvent;

describe('session objects sent to clients', () => {
  it('GA nests audio settings under audio.input / audio.output and has session.type', () => {
    const s = encode('ga', sessionUpdated(sampleSession())).session;
    expect(s.type).toBe('realtime');
    expect(s.object).toBe('realtime.session');
    expect(s.output_modalities).toEqual(['audio']);
    expect(s.audio.input.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    expect(s.audio.input.turn_detection).toMatchObject({ type: 'server_vad', interrupt_response: true });
    expect(s.audio.input).toHaveProperty('transcription', null);
    expect(s.audio.output).toEqual({ format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1 });
    for (const flat of ['modalities', 'voice', 'input_audio_format', 'output_audio_format', 'turn_detection', 'input_audio_transcription', 'temperature']) {
      expect(s, flat).not.toHaveProperty(flat);
    }
  });

  it.each(['beta', 'voicelive'] as const)('%s is flat, with no session.type and no audio object', (dialect) => {
    const s = encode(dialect, sessionUpdated(sampleSession())).session;
    expect(s).not.toHaveProperty('type');
    expect(s).not.toHaveProperty('audio');
    expect(s).not.toHaveProperty('output_modalities');
    expect(s.id).toBe('sess_test');
    expect(s.modalities).toEqual(['text', 'audio']);
    expect(s.voice).toBe('alloy');
    expect(s.input_audio_format).toBe('pcm16');
    expect(s.output_audio_format).toBe('pcm16');
    expect(s.turn_detection).toMatchObject({ type: 'server_vad', silence_duration_ms: 500 });
    expect(s).toHaveProperty('input_audio_transcription', null);
    expect(s.temperature).toBe(0.8);
    expect(s.max_response_output_tokens).toBe('inf');
  });

  it('Voice Live states the input sampling rate; beta has no such field', () => {
    const session = sampleSession();
    session.audio.input.format = { type: 'audio/pcm', rate: 16000 };
    expect(encode('voicelive', sessionUpdated(session)).session.input_audio_sampling_rate).toBe(16000);
    expect(encode('beta', sessionUpdated(session)).session).not.toHaveProperty('input_audio_sampling_rate');
  });

  it('maps audio formats to each dialect’s spelling', () => {
    const session = sampleSession();
    session.audio.input.format = { type: 'audio/pcmu' };
    session.audio.output.format = { type: 'audio/pcma' };
    const ga = encode('ga', sessionUpdated(session)).session;
    expect(ga.audio.input.format).toEqual({ type: 'audio/pcmu' });
    expect(ga.audio.output.format).toEqual({ type: 'audio/pcma' });
    const beta = encode('beta', sessionUpdated(session)).session;
    expect([beta.input_audio_format, beta.output_audio_format]).toEqual(['g711_ulaw', 'g711_alaw']);
    const vl = encode('voicelive', sessionUpdated(session)).session;
    expect([vl.input_audio_format, vl.output_audio_format, vl.input_audio_sampling_rate]).toEqual(['g711_ulaw', 'g711_alaw', 8000]);

    session.audio.output.format = { type: 'audio/pcm', rate: 8000 };
    expect(encode('voicelive', sessionUpdated(session)).session.output_audio_format).toBe('pcm16_8000hz');
    session.audio.output.format = { type: 'audio/pcm', rate: 16000 };
    expect(encode('voicelive', sessionUpdated(session)).session.output_audio_format).toBe('pcm16_16000hz');
  });

  it('shows turn_detection null (manual turns) explicitly in every dialect', () => {
    const session = sampleSession();
    session.audio.input.turn_detection = null;
    expect(encode('ga', sessionUpdated(session)).session.audio.input).toHaveProperty('turn_detection', null);
    expect(encode('beta', sessionUpdated(session)).session).toHaveProperty('turn_detection', null);
    expect(encode('voicelive', sessionUpdated(session)).session).toHaveProperty('turn_detection', null);
  });

  it('puts transcription where each dialect expects it', () => {
    const session = sampleSession();
    session.audio.input.transcription = { model: 'whisper-1', language: 'en' };
    expect(encode('ga', sessionUpdated(session)).session.audio.input.transcription).toEqual({ model: 'whisper-1', language: 'en' });
    expect(encode('beta', sessionUpdated(session)).session.input_audio_transcription).toEqual({ model: 'whisper-1', language: 'en' });
    expect(encode('voicelive', sessionUpdated(session)).session.input_audio_transcription).toEqual({ model: 'whisper-1', language: 'en' });
  });

  it('maps output modalities: GA one of audio/text, beta text+audio, Voice Live keeps its extras', () => {
    const textOnly = sampleSession({ output_modalities: ['text'] });
    expect(encode('ga', sessionUpdated(textOnly)).session.output_modalities).toEqual(['text']);
    expect(encode('beta', sessionUpdated(textOnly)).session.modalities).toEqual(['text']);
    expect(encode('voicelive', sessionUpdated(textOnly)).session.modalities).toEqual(['text']);

    const animated = sampleSession({ output_modalities: ['audio', 'animation'] });
    expect(encode('ga', sessionUpdated(animated)).session.output_modalities).toEqual(['audio']);
    expect(encode('beta', sessionUpdated(animated)).session.modalities).toEqual(['text', 'audio']);
    expect(encode('voicelive', sessionUpdated(animated)).session.modalities).toEqual(['text', 'audio', 'animation']);
  });

  it('gives a Voice Live voice object to Voice Live, and its name to the OpenAI dialects', () => {
    const session = sampleSession();
    session.audio.output.voice = { type: 'azure-standard', name: 'en-US-AvaNeural', style: 'cheerful' };
    expect(encode('voicelive', sessionUpdated(session)).session.voice).toEqual({ type: 'azure-standard', name: 'en-US-AvaNeural', style: 'cheerful' });
    expect(encode('beta', sessionUpdated(session)).session.voice).toBe('en-US-AvaNeural');
    expect(encode('ga', sessionUpdated(session)).session.audio.output.voice).toBe('en-US-AvaNeural');
  });

  it('keeps a GA custom voice {id} in GA and gives its id to the flat dialects', () => {
    const session = sampleSession();
    session.audio.output.voice = { id: 'voice_123' };
    expect(encode('ga', sessionUpdated(session)).session.audio.output.voice).toEqual({ id: 'voice_123' });
    expect(encode('beta', sessionUpdated(session)).session.voice).toBe('voice_123');
    expect(encode('voicelive', sessionUpdated(session)).session.voice).toBe('voice_123');
  });
});

describe('session.update from clients', () => {
  it('GA: nested audio settings become the canonical patch; a bare PCM format means 24 kHz', () => {
    const patch = sessionPatch('ga', {
      type: 'realtime',
      output_modalities: ['text'],
      audio: {
        input: { format: { type: 'audio/pcm' }, turn_detection: { type: 'semantic_vad', eagerness: 'low' }, transcription: { model: 'whisper-1' } },
        output: { voice: 'marin', format: { type: 'audio/pcmu' } },
      },
    });
    expect(patch).toEqual({
      type: 'realtime',
      output_modalities: ['text'],
      audio: {
        input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: { type: 'semantic_vad', eagerness: 'low' }, transcription: { model: 'whisper-1' } },
        output: { voice: 'marin', format: { type: 'audio/pcmu' } },
      },
    });
  });

  it('GA: read-only fields a client echoes back (id, object, expires_at) are accepted and dropped', () => {
    const patch = sessionPatch('ga', { id: 'sess_x', object: 'realtime.session', expires_at: 1, instructions: 'Hi' });
    expect(patch).toEqual({ instructions: 'Hi' });
  });

  it('beta: flat fields become the canonical nested patch', () => {
    const patch = sessionPatch('beta', {
      modalities: ['text', 'audio'],
      voice: 'ash',
      input_audio_format: 'g711_alaw',
      output_audio_format: 'pcm16',
      input_audio_transcription: null,
      turn_detection: null,
      max_response_output_tokens: 200,
      temperature: 0.7,
    });
    expect(patch).toEqual({
      output_modalities: ['audio'],
      max_output_tokens: 200,
      temperature: 0.7,
      audio: {
        input: { format: { type: 'audio/pcma' }, transcription: null, turn_detection: null },
        output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'ash' },
      },
    });
  });

  it('beta: modalities ["text"] means text only', () => {
    expect(sessionPatch('beta', { modalities: ['text'] }).output_modalities).toEqual(['text']);
  });

  it('Voice Live: sampling rate, 8/16 kHz output formats, voice objects and the dashed interim-response spelling', () => {
    const patch = sessionPatch('voicelive', {
      modalities: ['text', 'audio', 'animation'],
      input_audio_sampling_rate: 16000,
      output_audio_format: 'pcm16_16000hz',
      voice: { type: 'azure-standard', name: 'en-US-AvaNeural' },
      'interim-response': { type: 'static-interim-response', texts: ['One moment.'] },
      animation: { outputs: ['viseme_id'] },
    });
    expect(patch.output_modalities).toEqual(['audio', 'animation']);
    expect(patch.audio?.input?.format).toEqual({ rate: 16000 });
    expect(patch.audio?.output?.format).toEqual({ type: 'audio/pcm', rate: 16000 });
    expect(patch.audio?.output?.voice).toEqual({ type: 'azure-standard', name: 'en-US-AvaNeural' });
    // Accepted in the docs' dashed spelling, kept in the SDK's (the only one it reads back).
    expect(patch.interim_response).toEqual({ type: 'static_interim_response', texts: ['One moment.'] });
    expect(patch.animation).toEqual({ outputs: ['viseme_id'] });
    expect(sessionPatch('voicelive', { input_audio_format: 'pcm16', input_audio_sampling_rate: 8000 }).audio?.input?.format).toEqual({
      type: 'audio/pcm',
      rate: 8000,
    });
  });

  it('beta: transcription_session.update patches a transcription session', () => {
    const event = decode('beta', { type: 'transcription_session.update', session: { input_audio_transcription: { model: 'whisper-1' } } });
    expect(event).toMatchObject({ type: 'transcription_session.update', session: { type: 'transcription', audio: { input: { transcription: { model: 'whisper-1' } } } } });
  });

  it.each([
    ['ga', { voice: 'alloy' }, 'session.voice'],
    ['ga', { modalities: ['text'] }, 'session.modalities'],
    ['beta', { audio: { output: { voice: 'alloy' } } }, 'session.audio'],
    ['beta', { output_modalities: ['text'] }, 'session.output_modalities'],
    ['voicelive', { type: 'realtime' }, 'session.type'],
    ['voicelive', { audio: {} }, 'session.audio'],
  ] as const)('%s refuses the other shape’s field %j as unknown_parameter %s', (dialect, session, param) => {
    const result = createCodec(dialect).decode(JSON.stringify({ type: 'session.update', session }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('unknown_parameter');
    expect(result.error.param).toBe(param);
  });
});

/** A client's item as it would sit in the conversation. */
function asItem(input: ItemInput, id: string): Item {
  if (input.type !== 'message') throw new Error('message expected');
  return {
    id,
    object: 'realtime.item',
    status: 'completed',
    type: 'message',
    role: input.role,
    content: input.content.map((p) =>
      p.type === 'output_audio' || p.type === 'input_audio' ? { ...p, transcript: p.transcript ?? null } : p,
    ) as Extract<Item, { type: 'message' }>['content'],
  };
}

describe('content-part names', () => {
  it.each([
    ['ga', 'output_text', 'output_audio'],
    ['beta', 'text', 'audio'],
    ['voicelive', 'text', 'audio'],
  ] as const)('%s assistant items use %s / %s, in every event that carries items', (dialect, text, audio) => {
    const item = assistantMessage();
    for (const type of ['conversation.item.added', 'conversation.item.retrieved', 'response.output_item.added', 'response.output_item.done'] as const) {
      const wire = encode(dialect, { ...sampleEvent(type), item } as ServerEvent);
      expect(wire.item.content.map((p: { type: string }) => p.type), type).toEqual([text, audio]);
      expect(wire.item.content[0].text).toBe('Hello.');
      expect(wire.item.content[1].transcript).toBe('Hello there.');
    }
    const done = encode(dialect, sampleEvent('response.done'));
    expect(done.response.output[0].content.map((p: { type: string }) => p.type)).toEqual([text, audio]);
  });

  it.each(['ga', 'beta', 'voicelive'] as const)('%s leaves user parts as input_* with the transcript key present', (dialect) => {
    const wire = encode(dialect, { ...sampleEvent('conversation.item.retrieved'), item: userMessage() } as ServerEvent);
    expect(wire.item.content).toEqual([
      { type: 'input_text', text: 'Hi' },
      { type: 'input_audio', transcript: null },
    ]);
  });

  it.each(['ga', 'beta', 'voicelive'] as const)('%s content_part events say text / audio, never output_text', (dialect) => {
    expect(encode(dialect, sampleEvent('response.content_part.added')).part).toEqual({ type: 'text', text: '' });
    expect(encode(dialect, sampleEvent('response.content_part.done')).part).toEqual({ type: 'audio', transcript: 'Hello there.' });
  });

  it('accepts both spellings from any client and round-trips to the dialect’s own', () => {
    for (const [from, spelling] of [
      ['ga', 'text'],
      ['beta', 'output_text'],
      ['voicelive', 'output_text'],
      ['ga', 'output_text'],
    ] as const) {
      const event = decode(from, {
        type: 'conversation.item.create',
        item: { type: 'message', role: 'assistant', content: [{ type: spelling, text: 'Noted.' }] },
      });
      if (event.type !== 'conversation.item.create') throw new Error(event.type);
      expect(event.item).toEqual({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Noted.' }] });
      const item = asItem(event.item, 'item_rt');
      const added = { type: 'conversation.item.added', event_id: 'e', item, previous_item_id: null } as ServerEvent;
      const wire = encode(from, added);
      expect(wire.item.content[0]).toEqual({ type: from === 'ga' ? 'output_text' : 'text', text: 'Noted.' });
      expect(wire.type).toBe(from === 'ga' ? 'conversation.item.added' : 'conversation.item.created');
    }
  });

  it('refuses to create assistant audio, in any spelling', () => {
    for (const [dialect, spelling] of [
      ['ga', 'output_audio'],
      ['beta', 'audio'],
    ] as const) {
      const result = createCodec(dialect).decode(
        JSON.stringify({ type: 'conversation.item.create', event_id: 'c', item: { type: 'message', role: 'assistant', content: [{ type: spelling, transcript: 'x' }] } }),
      );
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error.param).toBe('item.content[0].type');
      expect(result.error.message).toMatch(/Assistant audio messages cannot be created/);
      expect(result.event_id).toBe('c');
    }
  });

  it('function_call_arguments.done carries the name in GA and Voice Live but not beta', () => {
    const event = sampleEvent('response.function_call_arguments.done');
    expect(encode('ga', event).name).toBe('lookup');
    expect(encode('voicelive', event).name).toBe('lookup');
    expect(encode('beta', event)).not.toHaveProperty('name');
    expect(encode('beta', event).arguments).toBe('{"a":1}');
  });
});

describe('response objects', () => {
  const done = (response = sampleResponse()) => ({ type: 'response.done', event_id: 'e', response }) as ServerEvent;

  it('GA: output_modalities and audio.output, no temperature', () => {
    const r = encode('ga', done()).response;
    expect(r.output_modalities).toEqual(['audio']);
    expect(r.audio).toEqual({ output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy' } });
    expect(r).not.toHaveProperty('temperature');
    expect(r).not.toHaveProperty('modalities');
    expect(r.conversation_id).toBe('conv_test');
  });

  it.each(['beta', 'voicelive'] as const)('%s: modalities, voice, output_audio_format and temperature at the top', (dialect) => {
    const r = encode(dialect, done()).response;
    expect(r.modalities).toEqual(['text', 'audio']);
    expect(r.voice).toBe('alloy');
    expect(r.output_audio_format).toBe('pcm16');
    expect(r.temperature).toBe(0.8);
    expect(r).not.toHaveProperty('audio');
    expect(r).not.toHaveProperty('output_modalities');
  });

  it.each(['ga', 'beta', 'voicelive'] as const)('%s: usage travels whole, nested details included', (dialect) => {
    const r = encode(dialect, done()).response;
    expect(r.usage).toEqual(sampleResponse().usage);
  });

  it('omits usage entirely when there is none (Voice Live throws on a partial one)', () => {
    const { usage: _usage, ...rest } = sampleResponse();
    for (const dialect of ['ga', 'beta', 'voicelive'] as const) expect(encode(dialect, done(rest)).response).not.toHaveProperty('usage');
  });
});

describe('response.create from clients', () => {
  function params(dialect: Dialect, frame: Record<string, unknown>) {
    const event = decode(dialect, { type: 'response.create', ...frame });
    if (event.type !== 'response.create') throw new Error(event.type);
    return event.response;
  }

  it('GA: output_modalities, audio.output and max_output_tokens; overlapping creates are not allowed', () => {
    expect(params('ga', { response: { output_modalities: ['text'], audio: { output: { voice: 'cedar' } }, max_output_tokens: 50 } })).toEqual({
      output_modalities: ['text'],
      audio: { output: { voice: 'cedar' } },
      max_output_tokens: 50,
    });
    expect(params('ga', {})).toEqual({});
  });

  it('beta: modalities, voice, output_audio_format and max_response_output_tokens fold into the canonical names', () => {
    expect(params('beta', { response: { modalities: ['text', 'audio'], voice: 'ash', output_audio_format: 'g711_ulaw', max_response_output_tokens: 'inf' } })).toEqual({
      output_modalities: ['audio'],
      audio: { output: { voice: 'ash', format: { type: 'audio/pcmu' } } },
      max_output_tokens: 'inf',
    });
  });

  it('Voice Live: both token-cap spellings, additional_instructions, and commit / cancel_previous defaulting to true', () => {
    expect(params('voicelive', { response: { max_output_tokens: 20 } }).max_output_tokens).toBe(20);
    expect(params('voicelive', { response: { max_response_output_tokens: 30 } }).max_output_tokens).toBe(30);
    const p = params('voicelive', { additional_instructions: 'Be brief.' });
    expect(p).toMatchObject({ additional_instructions: 'Be brief.', commit: true, cancel_previous: true });
    expect(params('voicelive', { response: { cancel_previous: false, commit: false } })).toMatchObject({ commit: false, cancel_previous: false });
    expect(params('ga', {})).not.toHaveProperty('cancel_previous');
    expect(params('beta', {})).not.toHaveProperty('cancel_previous');
  });

  it('Voice Live: interim responses in either spelling become the SDK’s spelling', () => {
    const dashed = params('voicelive', { response: { 'interim-response': { type: 'llm-interim-response', instructions: 'Say one moment.' } } });
    expect(dashed.interim_response).toEqual({ type: 'llm_interim_response', instructions: 'Say one moment.' });
    const underscored = params('voicelive', { response: { interim_response: { type: 'static_interim_response', texts: ['Hm.'] } } });
    expect(underscored.interim_response).toEqual({ type: 'static_interim_response', texts: ['Hm.'] });
  });

  it('Voice Live: the top-level mcp_approval_response becomes the documented approval item', () => {
    const event = decode('voicelive', { type: 'mcp_approval_response', event_id: 'a1', approval_request_id: 'req_1', approve: false, reason: 'no' });
    expect(event).toEqual({
      type: 'conversation.item.create',
      event_id: 'a1',
      item: { type: 'mcp_approval_response', approval_request_id: 'req_1', approve: false, reason: 'no' },
    });
  });

  it('input items are canonicalised and item references pass through', () => {
    const p = params('beta', {
      response: {
        input: [
          { type: 'item_reference', id: 'item_1' },
          { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Earlier.' }] },
        ],
      },
    });
    expect(p.input).toEqual([
      { type: 'item_reference', id: 'item_1' },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Earlier.' }] },
    ]);
  });

  it('names bad base64 inside response input by its path', () => {
    const result = createCodec('ga').decode(
      JSON.stringify({
        type: 'response.create',
        response: { input: [{ type: 'message', role: 'user', content: [{ type: 'input_audio', audio: 'not*base64' }] }] },
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_base64');
    expect(result.error.param).toBe('response.input[0].content[0].audio');
  });
});
