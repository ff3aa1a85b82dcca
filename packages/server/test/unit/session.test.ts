/**
 * The session driven in-process with canonical events (no socket): conversation ordering as a
 * client sees it, errors that echo the client's event_id and leave the session serving, one
 * active response at a time with exactly one `response.done` per `response.created`, and
 * nothing sent after close.
 */
import type { ClientEvent, ItemInput } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { Session } from '../../src/session/session.js';
import { flush, ManualLlm } from './manual-llm.js';

/** A server event as a test reads it: its type plus whatever the payload holds. */
type Ev = { type: string; event_id: string } & Record<string, any>;

const sessions: Session[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.close();
});

function open(options: { model?: string } = {}) {
  const llm = new ManualLlm();
  const events: Ev[] = [];
  const session = new Session({
    profile: { name: 'default', llm, instructions: 'Be brief.', voice: 'alloy' },
    model: options.model ?? null,
    send: (e) => events.push(e as unknown as Ev),
    logger: silentLogger,
  });
  sessions.push(session);
  session.start();
  const send = (event: ClientEvent) => {
    const from = events.length;
    session.handle(event);
    return events.slice(from);
  };
  const of = (type: string) => events.filter((e) => e.type === type);
  return { session, llm, events, send, of };
}

const userText = (text: string, id?: string): ItemInput => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }], ...(id ? { id } : {}) });

function errorOf(events: Ev[]) {
  const errors = events.filter((e) => e.type === 'error');
  expect(errors).toHaveLength(1);
  return errors[0]!.error as { type: string; code: string; message: string; param: string | null; event_id: string | null };
}

/** Every response.created has exactly one response.done with the same id, after it. */
function expectPaired(events: Ev[]) {
  const created = events.filter((e) => e.type === 'response.created').map((e) => e.response.id as string);
  const done = events.filter((e) => e.type === 'response.done').map((e) => e.response.id as string);
  expect([...done].sort()).toEqual([...created].sort());
  expect(new Set(done).size).toBe(done.length);
  for (const id of created) {
    const c = events.findIndex((e) => e.type === 'response.created' && e.response.id === id);
    const d = events.findIndex((e) => e.type === 'response.done' && e.response.id === id);
    expect(d).toBeGreaterThan(c);
  }
}

describe('starting', () => {
  it('sends session.created first, with a session id, and an event_id on every event', () => {
    const s = open({ model: 'gpt-realtime' });
    expect(s.events[0]!.type).toBe('session.created');
    expect(s.events[0]!.session.id).toMatch(/^sess_/);
    expect(s.events[0]!.session.id).toBe(s.session.id);
    expect(s.events[0]!.session.model).toBe('gpt-realtime');
    for (const e of s.events) expect(e.event_id).toMatch(/^event_/);
  });

  it('names the profile as the model when the client asked for none', () => {
    expect(open().events[0]!.session.model).toBe('default');
  });

  it('answers session.update with the whole effective session', () => {
    const s = open();
    const out = s.send({ type: 'session.update', session: { instructions: 'New.' } });
    expect(out[0]!.type).toBe('session.updated');
    expect(out.filter((e) => e.type === 'session.updated' || e.type === 'error')).toHaveLength(1);
    expect(out[0]!.session).toMatchObject({ instructions: 'New.', audio: { output: { voice: 'alloy' } }, tools: [] });
  });

  it('refuses an invalid update with an error echoing the event_id, and keeps the old configuration', () => {
    const s = open();
    const out = s.send({ type: 'session.update', event_id: 'evt_bad', session: { tool_choice: { type: 'function', name: 'nope' } } });
    expect(errorOf(out)).toMatchObject({ code: 'invalid_value', param: 'session.tool_choice', event_id: 'evt_bad' });
    expect(s.session.config.tool_choice).toBe('auto');
  });
});

describe('conversation items as a client sees them', () => {
  it('answers conversation.item.create with added then done, carrying previous_item_id', () => {
    const s = open();
    const first = s.send({ type: 'conversation.item.create', item: userText('one', 'item_1') });
    expect(first.map((e) => e.type)).toEqual(['conversation.item.added', 'conversation.item.done']);
    expect(first[0]!.previous_item_id).toBeNull();
    expect(first[0]!.item).toMatchObject({ id: 'item_1', object: 'realtime.item', status: 'completed', role: 'user' });
    const second = s.send({ type: 'conversation.item.create', item: userText('two', 'item_2') });
    expect(second[0]!.previous_item_id).toBe('item_1');
  });

  it('orders by previous_item_id: root first, after an id, absent appends', () => {
    const s = open();
    s.send({ type: 'conversation.item.create', item: userText('a', 'a') });
    s.send({ type: 'conversation.item.create', item: userText('b', 'b') });
    expect(s.send({ type: 'conversation.item.create', previous_item_id: 'root', item: userText('r', 'r') })[0]!.previous_item_id).toBeNull();
    expect(s.send({ type: 'conversation.item.create', previous_item_id: 'a', item: userText('x', 'x') })[0]!.previous_item_id).toBe('a');
    expect(s.send({ type: 'conversation.item.create', previous_item_id: null, item: userText('z', 'z') })[0]!.previous_item_id).toBe('b');
    expect(s.session.conversation.items.map((i) => i.id)).toEqual(['r', 'a', 'x', 'b', 'z']);
  });

  it('assigns item_ ids when the client gives none', () => {
    const s = open();
    const out = s.send({ type: 'conversation.item.create', item: userText('hi') });
    expect(out[0]!.item.id).toMatch(/^item_/);
  });

  it('refuses an unknown previous_item_id: one error with the event_id, nothing added', () => {
    const s = open();
    const out = s.send({ type: 'conversation.item.create', event_id: 'evt_p', previous_item_id: 'item_ghost', item: userText('x') });
    expect(out.map((e) => e.type)).toEqual(['error']);
    expect(errorOf(out)).toMatchObject({ type: 'invalid_request_error', code: 'item_not_found', param: 'previous_item_id', event_id: 'evt_p' });
    expect(s.session.conversation.size).toBe(0);
  });

  it('refuses a duplicate item id', () => {
    const s = open();
    s.send({ type: 'conversation.item.create', item: userText('a', 'dup') });
    expect(errorOf(s.send({ type: 'conversation.item.create', event_id: 'e2', item: userText('b', 'dup') }))).toMatchObject({
      code: 'item_already_exists',
      event_id: 'e2',
    });
    expect(s.session.conversation.size).toBe(1);
  });

  it('retrieves an item in full, and reports an unknown one', () => {
    const s = open();
    s.send({ type: 'conversation.item.create', item: userText('hello', 'item_r') });
    const got = s.send({ type: 'conversation.item.retrieve', item_id: 'item_r' });
    expect(got.map((e) => e.type)).toEqual(['conversation.item.retrieved']);
    expect(got[0]!.item.content).toEqual([{ type: 'input_text', text: 'hello' }]);
    expect(errorOf(s.send({ type: 'conversation.item.retrieve', event_id: 'evt_r', item_id: 'item_none' }))).toMatchObject({
      code: 'item_not_found',
      param: 'item_id',
      event_id: 'evt_r',
    });
  });

  it('deletes an item, and reports deleting it again', () => {
    const s = open();
    s.send({ type: 'conversation.item.create', item: userText('a', 'item_d') });
    const out = s.send({ type: 'conversation.item.delete', item_id: 'item_d' });
    expect(out.map((e) => e.type)).toEqual(['conversation.item.deleted']);
    expect(out[0]!.item_id).toBe('item_d');
    expect(s.session.conversation.size).toBe(0);
    expect(errorOf(s.send({ type: 'conversation.item.delete', event_id: 'evt_d', item_id: 'item_d' }))).toMatchObject({ code: 'item_not_found', event_id: 'evt_d' });
  });

  it('refuses a function_call_output for a call_id that was never made', () => {
    const s = open();
    const out = s.send({ type: 'conversation.item.create', event_id: 'evt_o', item: { type: 'function_call_output', call_id: 'call_ghost', output: '42' } });
    expect(errorOf(out)).toMatchObject({ code: 'invalid_item', param: 'item.call_id', event_id: 'evt_o' });
  });

  it('refuses to truncate an item that holds no assistant audio', () => {
    const s = open();
    s.send({ type: 'conversation.item.create', item: userText('a', 'item_t') });
    expect(errorOf(s.send({ type: 'conversation.item.truncate', event_id: 'evt_t', item_id: 'item_t', content_index: 0, audio_end_ms: 10 }))).toMatchObject({
      code: 'invalid_truncate',
      message: 'Only model output audio messages can be truncated.',
      event_id: 'evt_t',
    });
  });
});

describe('input audio', () => {
  /** A session with manual turns, so nothing but the client's commit acts on the audio. */
  function manual() {
    const s = open();
    s.send({ type: 'session.update', session: { audio: { input: { turn_detection: null } } } });
    return s;
  }

  it('refuses a commit of less than 100 ms, saying how much there was', () => {
    const s = manual();
    s.send({ type: 'input_audio_buffer.append', audio: Buffer.alloc(48 * 50) });
    const e = errorOf(s.send({ type: 'input_audio_buffer.commit', event_id: 'evt_c' }));
    expect(e).toMatchObject({ code: 'input_audio_buffer_commit_empty', event_id: 'evt_c' });
    expect(e.message).toContain('50.00ms');
  });

  it('commits 100 ms or more into a user audio item whose transcript key is present', () => {
    const s = manual();
    s.send({ type: 'input_audio_buffer.append', audio: Buffer.alloc(48 * 100) });
    const out = s.send({ type: 'input_audio_buffer.commit' });
    const committed = out.find((e) => e.type === 'input_audio_buffer.committed')!;
    const added = out.find((e) => e.type === 'conversation.item.added')!;
    expect(committed.item_id).toBe(added.item.id);
    expect(committed.previous_item_id).toBeNull();
    expect(out.map((e) => e.type).indexOf('input_audio_buffer.committed')).toBeLessThan(out.map((e) => e.type).indexOf('conversation.item.added'));
    expect(added.item.content).toHaveLength(1);
    expect(added.item.content[0]).toHaveProperty('transcript');
    expect(added.item.content[0].type).toBe('input_audio');
    // Audio bytes travel only in conversation.item.retrieved.
    expect(added.item.content[0]).not.toHaveProperty('audio');
    const retrieved = s.send({ type: 'conversation.item.retrieve', item_id: added.item.id })[0]!;
    expect(Buffer.from(retrieved.item.content[0].audio, 'base64')).toHaveLength(48 * 100);
  });

  it('never fires an idle timeout longer than a timer holds (2^31 ms), where Node would fire at once', async () => {
    const s = open();
    s.send({ type: 'session.update', session: { audio: { input: { turn_detection: { type: 'server_vad', idle_timeout_ms: 2 ** 31 } } } } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(s.of('input_audio_buffer.timeout_triggered')).toEqual([]);
    expect(s.of('response.created')).toEqual([]);
  });

  it('has no idle timeout in a transcription session, which cannot answer one', async () => {
    const s = open();
    s.send({ type: 'session.update', session: { type: 'transcription', audio: { input: { turn_detection: { type: 'server_vad', idle_timeout_ms: 10 } } } } });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(s.of('input_audio_buffer.timeout_triggered')).toEqual([]);
    expect(s.of('error')).toEqual([]);
  });

  it('clear empties the buffer and says so', () => {
    const s = manual();
    s.send({ type: 'input_audio_buffer.append', audio: Buffer.alloc(48 * 200) });
    expect(s.send({ type: 'input_audio_buffer.clear' }).map((e) => e.type)).toEqual(['input_audio_buffer.cleared']);
    expect(errorOf(s.send({ type: 'input_audio_buffer.commit' })).code).toBe('input_audio_buffer_commit_empty');
  });
});

describe('responses', () => {
  it('runs a response: created, output, one done, with the conversation as context', async () => {
    const s = open();
    s.send({ type: 'conversation.item.create', item: userText('Hi!') });
    s.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    expect(s.llm.at(0).request.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi!' },
    ]);
    s.llm.at(0).text('Hello.').finish();
    await flush();
    expectPaired(s.events);
    expect(s.of('response.done')[0]!.response.output[0].content).toEqual([{ type: 'output_text', text: 'Hello.' }]);
    // The answer is now part of the conversation, after the user's item.
    expect(s.session.conversation.items.map((i) => (i.type === 'message' ? i.role : i.type))).toEqual(['user', 'assistant']);
  });

  it('refuses a second response.create while one is active, echoing its event_id; the first still ends once', async () => {
    const s = open();
    s.send({ type: 'response.create', event_id: 'c1', response: {} });
    const out = s.send({ type: 'response.create', event_id: 'c2', response: {} });
    const e = errorOf(out);
    expect(e).toMatchObject({ code: 'conversation_already_has_active_response', event_id: 'c2' });
    expect(e.message).toContain(s.of('response.created')[0]!.response.id);
    expect(s.llm.streams).toHaveLength(1);
    s.llm.at(0).text('Done.').finish();
    await flush();
    expectPaired(s.events);
    expect(s.of('response.created')).toHaveLength(1);
    // Once it is done, a new one may start.
    s.send({ type: 'response.create', event_id: 'c3', response: {} });
    expect(s.of('response.created')).toHaveLength(2);
  });

  it('response.cancel with nothing active is an error that leaves the session serving', () => {
    const s = open();
    const out = s.send({ type: 'response.cancel', event_id: 'x1' });
    expect(errorOf(out)).toMatchObject({ code: 'response_cancel_not_active', param: null, event_id: 'x1', message: 'Cancellation failed: no active response found' });
    expect(errorOf(s.send({ type: 'response.cancel', event_id: 'x2', response_id: 'resp_nope' }))).toMatchObject({ param: 'response_id', event_id: 'x2' });
    expect(s.send({ type: 'session.update', session: { instructions: 'Still here.' } })[0]!.type).toBe('session.updated');
  });

  it('response.cancel ends the active response once, cancelled by the client, and aborts the engine', async () => {
    const s = open();
    s.send({ type: 'response.create', response: {} });
    s.llm.at(0).text('Part');
    await flush();
    const out = s.send({ type: 'response.cancel' });
    expect(out.at(-1)!.type).toBe('response.done');
    expect(out.at(-1)!.response).toMatchObject({ status: 'cancelled', status_details: { type: 'cancelled', reason: 'client_cancelled' } });
    expect(s.llm.at(0).aborted).toBe(true);
    const count = s.events.length;
    s.llm.at(0).text('ial, too late');
    await flush();
    expect(s.events).toHaveLength(count);
    expectPaired(s.events);
    // A second cancel finds nothing active.
    expect(errorOf(s.send({ type: 'response.cancel' })).code).toBe('response_cancel_not_active');
  });

  it('cancels by response_id', () => {
    const s = open();
    s.send({ type: 'response.create', response: {} });
    const id = s.of('response.created')[0]!.response.id as string;
    expect(s.send({ type: 'response.cancel', response_id: id }).at(-1)!.type).toBe('response.done');
    expectPaired(s.events);
  });

  it('Voice Live cancel_previous (its default) replaces the active response: each created still gets one done', async () => {
    const s = open();
    s.send({ type: 'response.create', response: { cancel_previous: true } });
    const first = s.of('response.created')[0]!.response.id;
    s.send({ type: 'response.create', response: { cancel_previous: true } });
    expect(s.of('response.created')).toHaveLength(2);
    expect(s.of('response.done')[0]!.response).toMatchObject({ id: first, status: 'cancelled' });
    s.llm.at(1).text('Second.').finish();
    await flush();
    expectPaired(s.events);
    expect(s.of('error')).toHaveLength(0);
  });

  it('an out-of-band response runs beside the active one and joins no conversation', async () => {
    const s = open();
    s.send({ type: 'response.create', response: {} });
    s.send({ type: 'response.create', response: { conversation: 'none', output_modalities: ['text'] } });
    expect(s.of('error')).toHaveLength(0);
    expect(s.of('response.created')[1]!.response.conversation_id).toBeNull();
    s.llm.at(1).text('Aside.').finish();
    s.llm.at(0).text('Main.').finish();
    await flush();
    expectPaired(s.events);
    expect(s.session.conversation.items.map((i) => (i.type === 'message' ? i.content : null))).toEqual([[{ type: 'output_text', text: 'Main.' }]]);
  });

  it('refuses an unknown response.conversation', () => {
    const s = open();
    expect(errorOf(s.send({ type: 'response.create', event_id: 'rc', response: { conversation: 'conv_other' } }))).toMatchObject({
      code: 'invalid_value',
      param: 'response.conversation',
      event_id: 'rc',
    });
    expect(s.of('response.created')).toHaveLength(0);
  });

  it('refuses an item_reference to an unknown item without starting a response', () => {
    const s = open();
    const e = errorOf(s.send({ type: 'response.create', event_id: 'ir', response: { input: [{ type: 'item_reference', id: 'item_none' }] } }));
    expect(e).toMatchObject({ code: 'item_not_found', param: 'response.input[0].id', event_id: 'ir' });
    expect(s.of('response.created')).toHaveLength(0);
    expect(s.llm.streams).toHaveLength(0);
  });

  it('a failing engine ends the response failed with an error, and the next response works', async () => {
    const { ParleyError } = await import('@parley/protocol');
    const s = open();
    s.send({ type: 'response.create', response: {} });
    s.llm.at(0).fail(new ParleyError('engine_unreachable', 'The LLM server could not be reached.'));
    await flush();
    expect(s.of('error').map((e) => e.error.code)).toEqual(['engine_unreachable']);
    expect(s.of('response.done')[0]!.response.status).toBe('failed');
    s.send({ type: 'response.create', response: {} });
    s.llm.at(1).text('Back.').finish();
    await flush();
    expectPaired(s.events);
    expect(s.of('response.done')[1]!.response.status).toBe('completed');
  });

  it('sends nothing after close, and aborts the running response', async () => {
    const s = open();
    s.send({ type: 'response.create', response: {} });
    const count = s.events.length;
    s.session.close();
    expect(s.llm.at(0).aborted).toBe(true);
    s.session.handle({ type: 'session.update', session: { instructions: 'x' } });
    s.llm.at(0).text('late').finish();
    await flush();
    expect(s.events).toHaveLength(count);
  });
});

describe('reportError', () => {
  it('sends a decode failure as one error event with the given event_id, and the session keeps serving', async () => {
    const { ParleyError } = await import('@parley/protocol');
    const s = open();
    const from = s.events.length;
    s.session.reportError(new ParleyError('invalid_json', 'The frame is not valid JSON.'), null);
    s.session.reportError(new ParleyError('unknown_parameter', "Unknown parameter: 'foo'.", { param: 'foo' }), 'evt_u');
    expect(s.events.slice(from).map((e) => e.error)).toEqual([
      { type: 'invalid_request_error', code: 'invalid_json', message: 'The frame is not valid JSON.', param: null, event_id: null },
      { type: 'invalid_request_error', code: 'unknown_parameter', message: "Unknown parameter: 'foo'.", param: 'foo', event_id: 'evt_u' },
    ]);
    expect(s.send({ type: 'session.update', session: {} })[0]!.type).toBe('session.updated');
  });
});
