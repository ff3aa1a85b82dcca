/**
 * Responses: at most one active on the default conversation (out-of-band ones run beside it),
 * and each `response.created` is followed by exactly one `response.done`, whether the response
 * completes, is cancelled, fails, or is cancelled again after it ended. Nothing of a response
 * reaches the wire after its `response.done`.
 */
import type { ServerEventInit } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { Conversation } from '../../src/session/conversation.js';
import { ResponseRun, type ResponsePlan } from '../../src/session/response-run.js';
import { ResponseTracker } from '../../src/session/response-tracker.js';
import { flush, ManualLlm } from './manual-llm.js';

const PLAN: ResponsePlan = {
  output_modalities: ['text'],
  voice: 'alloy',
  format: { type: 'audio/pcm', rate: 24000 },
  max_output_tokens: 'inf',
  temperature: 0.8,
  temperatureSet: false,
  metadata: null,
  buildMessages: () => [{ role: 'user', content: 'Hi' }],
  tools: [],
  tool_choice: 'auto',
  mcp: [],
  mcpToolChoice: null,
  speech: null,
  searchTools: [],
  includeSearchResults: false,
};

function setup(options: { outOfBand?: boolean; inputsReady?: Promise<void> } = {}) {
  const llm = new ManualLlm();
  const events: ServerEventInit[] = [];
  const ended: ResponseRun[] = [];
  const conversation = new Conversation();
  const run = new ResponseRun(
    {
      llm,
      emit: (e) => events.push(e),
      conversation: options.outOfBand ? null : conversation,
      onEnd: (r) => ended.push(r),
      inputsReady: options.inputsReady,
      logger: silentLogger,
    },
    PLAN,
  );
  const types = () => events.map((e) => e.type);
  const dones = () => events.filter((e) => e.type === 'response.done') as Extract<ServerEventInit, { type: 'response.done' }>[];
  return { llm, events, ended, conversation, run, types, dones };
}

describe('ResponseTracker', () => {
  it('holds one active response on the default conversation and refuses a second', () => {
    const tracker = new ResponseTracker();
    const a = setup().run;
    const b = setup().run;
    tracker.add(a);
    expect(tracker.current).toBe(a);
    expect(() => tracker.add(b)).toThrow(a.id);
    expect(tracker.current).toBe(a);
    tracker.remove(a);
    expect(tracker.current).toBeNull();
    tracker.add(b);
    expect(tracker.current).toBe(b);
  });

  it('runs out-of-band responses beside the active one, and finds each by id', () => {
    const tracker = new ResponseTracker();
    const main = setup().run;
    const side1 = setup({ outOfBand: true }).run;
    const side2 = setup({ outOfBand: true }).run;
    tracker.add(main);
    tracker.add(side1);
    tracker.add(side2);
    expect(tracker.current).toBe(main);
    expect(tracker.all()).toEqual([main, side1, side2]);
    expect(tracker.find(side2.id)).toBe(side2);
    expect(tracker.find(main.id)).toBe(main);
    expect(tracker.find('resp_unknown')).toBeUndefined();
    tracker.remove(side1);
    expect(tracker.all()).toEqual([main, side2]);
  });

  it('removing a response that is not tracked changes nothing', () => {
    const tracker = new ResponseTracker();
    const main = setup().run;
    tracker.add(main);
    tracker.remove(setup().run);
    expect(tracker.current).toBe(main);
  });
});

describe('ResponseRun', () => {
  it('completes: created, the text, then one done with the output and usage', async () => {
    const s = setup();
    s.run.start();
    expect(s.types()).toEqual(['response.created']);
    s.llm.at(0).text('Hello', ' world').finish('stop', { input_tokens: 3, output_tokens: 2 });
    await flush();
    expect(s.types()).toEqual([
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    const [done] = s.dones();
    expect(done!.response.status).toBe('completed');
    expect(done!.response.output).toHaveLength(1);
    expect(done!.response.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello world' }] });
    expect(done!.response.usage).toMatchObject({ input_tokens: 3, output_tokens: 2, total_tokens: 5 });
    expect(s.ended).toEqual([s.run]);
    expect(s.run.ended).toBe(true);
    expect(s.conversation.items.map((i) => i.id)).toEqual([done!.response.output[0]!.id]);
  });

  it('response.created carries no output and in_progress; the conversation id is set', () => {
    const s = setup();
    s.run.start();
    const created = s.events[0] as Extract<ServerEventInit, { type: 'response.created' }>;
    expect(created.response).toMatchObject({ id: s.run.id, status: 'in_progress', output: [], conversation_id: s.conversation.id });
  });

  it('cancel: open outputs close incomplete, one done cancelled, the engine request is aborted, late text is dropped', async () => {
    const s = setup();
    s.run.start();
    s.llm.at(0).text('Hel');
    await flush();
    s.run.cancel('client_cancelled');
    const count = s.events.length;
    expect(s.types().slice(-5)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'conversation.item.done', 'response.done']);
    const [done] = s.dones();
    expect(done!.response.status).toBe('cancelled');
    expect(done!.response.status_details).toEqual({ type: 'cancelled', reason: 'client_cancelled' });
    expect(done!.response.output[0]).toMatchObject({ status: 'incomplete' });
    expect(s.llm.at(0).aborted).toBe(true);
    // A late delta from the engine (ignoring the abort) never reaches the wire.
    s.llm.at(0).text('lo, late!');
    await flush();
    expect(s.events).toHaveLength(count);
  });

  it('sends exactly one response.done however often it is ended', async () => {
    const s = setup();
    s.run.start();
    s.run.cancel('turn_detected');
    s.run.cancel('client_cancelled');
    s.llm.at(0).text('x').finish();
    await flush();
    expect(s.dones()).toHaveLength(1);
    expect(s.dones()[0]!.response.status_details).toEqual({ type: 'cancelled', reason: 'turn_detected' });
    expect(s.ended).toHaveLength(1);
  });

  it('a cancel from whoever hears response.done (a session closing) does not end it twice', async () => {
    const s = setup();
    const emit = s.events.push.bind(s.events);
    s.events.push = (...events) => {
      const n = emit(...events);
      // The listener closes the session on response.done, as the engine rehearsal does.
      if (events.some((e) => e.type === 'response.done')) s.run.cancel('client_cancelled');
      return n;
    };
    s.run.start();
    s.llm.at(0).text('Done.').finish();
    await flush();
    expect(s.dones()).toHaveLength(1);
    expect(s.dones()[0]!.response.status).toBe('completed');
    expect(s.ended).toHaveLength(1);
  });

  it('a cancel after completion changes nothing', async () => {
    const s = setup();
    s.run.start();
    s.llm.at(0).text('Done.').finish();
    await flush();
    const count = s.events.length;
    s.run.cancel('client_cancelled');
    expect(s.events).toHaveLength(count);
    expect(s.dones()[0]!.response.status).toBe('completed');
  });

  it('fails: one error event, then one done failed with the error in status_details', async () => {
    const { ParleyError } = await import('@parley/protocol');
    const s = setup();
    s.run.start();
    s.llm.at(0).text('Par');
    await flush();
    s.llm.at(0).fail(new ParleyError('engine_stream_error', 'The stream broke off.'));
    await flush();
    expect(s.types().filter((t) => t === 'error')).toHaveLength(1);
    const error = s.events.find((e) => e.type === 'error') as Extract<ServerEventInit, { type: 'error' }>;
    expect(error.error).toMatchObject({ type: 'server_error', code: 'engine_stream_error', event_id: null });
    expect(s.types().at(-1)).toBe('response.done');
    expect(s.types().indexOf('error')).toBeLessThan(s.types().indexOf('response.done'));
    const [done] = s.dones();
    expect(done!.response.status).toBe('failed');
    expect(done!.response.status_details).toEqual({ type: 'failed', error: { type: 'server_error', code: 'engine_stream_error', message: 'The stream broke off.' } });
    expect(done!.response.output[0]).toMatchObject({ status: 'incomplete' });
  });

  it('an unexpected engine exception becomes internal_error, still with one done', async () => {
    const s = setup();
    s.run.start();
    s.llm.at(0).fail(new TypeError('boom'));
    await flush();
    expect(s.dones()).toHaveLength(1);
    expect(s.dones()[0]!.response.status_details).toMatchObject({ type: 'failed', error: { code: 'internal_error' } });
  });

  it('ends incomplete when the model hit its token limit', async () => {
    const s = setup();
    s.run.start();
    s.llm.at(0).text('Cut').finish('length');
    await flush();
    expect(s.dones()[0]!.response).toMatchObject({ status: 'incomplete', status_details: { type: 'incomplete', reason: 'max_output_tokens' } });
  });

  it('a function call is in_progress when added and completed only when done', async () => {
    const s = setup();
    s.run.start();
    s.llm.at(0).push({ type: 'tool_call_start', index: 0, call_id: 'up_1', name: 'lookup' }, { type: 'tool_call_arguments', index: 0, delta: '{"q":' }, { type: 'tool_call_arguments', index: 0, delta: '1}' });
    s.llm.at(0).finish('tool_calls');
    await flush();
    const added = s.events.find((e) => e.type === 'response.output_item.added') as Extract<ServerEventInit, { type: 'response.output_item.added' }>;
    const done = s.events.find((e) => e.type === 'response.output_item.done') as Extract<ServerEventInit, { type: 'response.output_item.done' }>;
    expect(added.item).toMatchObject({ type: 'function_call', status: 'in_progress', name: 'lookup', arguments: '' });
    expect(done.item).toMatchObject({ type: 'function_call', status: 'completed', arguments: '{"q":1}' });
    const argsDone = s.events.find((e) => e.type === 'response.function_call_arguments.done') as Extract<ServerEventInit, { type: 'response.function_call_arguments.done' }>;
    expect(argsDone).toMatchObject({ name: 'lookup', arguments: '{"q":1}' });
    expect(s.dones()[0]!.response.status).toBe('completed');
  });

  it('asks the LLM only once its inputs are ready (transcripts of user audio)', async () => {
    let ready!: () => void;
    const s = setup({ inputsReady: new Promise<void>((resolve) => (ready = resolve)) });
    s.run.start();
    await flush();
    expect(s.types()).toEqual(['response.created']);
    expect(s.llm.streams).toHaveLength(0);
    ready();
    await flush();
    expect(s.llm.streams).toHaveLength(1);
    s.llm.at(0).text('Heard you.').finish();
    await flush();
    expect(s.dones()).toHaveLength(1);
  });

  it('cancelled while waiting for its inputs: one done, and the LLM is never asked', async () => {
    let ready!: () => void;
    const s = setup({ inputsReady: new Promise<void>((resolve) => (ready = resolve)) });
    s.run.start();
    s.run.cancel('turn_detected');
    ready();
    await flush();
    expect(s.llm.streams).toHaveLength(0);
    expect(s.types()).toEqual(['response.created', 'response.done']);
    expect(s.dones()[0]!.response).toMatchObject({ status: 'cancelled', output: [] });
  });

  it('out-of-band: conversation_id null and nothing joins the conversation', async () => {
    const s = setup({ outOfBand: true });
    s.run.start();
    s.llm.at(0).text('Side note.').finish();
    await flush();
    expect(s.dones()[0]!.response.conversation_id).toBeNull();
    expect(s.types()).not.toContain('conversation.item.added');
    expect(s.conversation.size).toBe(0);
  });
});
