/** The session's small state machines on their own: the response sequencer, playback, history. */
import { describe, expect, it } from 'vitest';
import { History } from '../src/history.js';
import { AudioPlayback } from '../src/playback.js';
import { ResponseSequencer } from '../src/response-sequencer.js';

describe('ResponseSequencer', () => {
  const sequencer = () => {
    const sent: string[] = [];
    return { sent, s: new ResponseSequencer(() => (sent.push(`create_${sent.length + 1}`), `create_${sent.length}`)) };
  };

  it('sends at once when idle; requests while busy become one, sent when the response ends', () => {
    const { s, sent } = sequencer();
    s.request();
    s.request();
    s.created();
    s.request();
    expect(sent).toEqual(['create_1']);
    s.done();
    expect(sent).toEqual(['create_1', 'create_2']);
    s.created();
    s.done();
    expect(sent).toHaveLength(2);
    expect(s.busy).toBe(false);
  });

  it('a refusal because another response got there first: asks again when that one ends', () => {
    const { s, sent } = sequencer();
    s.request();
    expect(s.refused('create_1', 'conversation_already_has_active_response')).toBe(true);
    expect(s.refused('other_event', 'invalid_value')).toBe(false);
    s.done();
    expect(sent).toEqual(['create_1', 'create_2']);
  });

  it('any other refusal frees it', () => {
    const { s, sent } = sequencer();
    s.request();
    s.refused('create_1', 'invalid_value');
    s.request();
    expect(sent).toEqual(['create_1', 'create_2']);
  });
});

describe('AudioPlayback', () => {
  it('estimates real-time playback from the first audio, never past the audio received', () => {
    let now = 1000;
    const playback = new AudioPlayback(() => now);
    playback.received('item_1', 0, 200);
    now += 150;
    expect(playback.playing()).toEqual({ itemId: 'item_1', contentIndex: 0, playedMs: 150 });
    playback.received('item_1', 0, 200);
    now += 1000;
    expect(playback.playing()).toBeNull(); // all 400 ms heard: nothing left to interrupt
    expect(playback.playing(250)).toEqual({ itemId: 'item_1', contentIndex: 0, playedMs: 250 });
  });

  it('a reported position wins over the estimate; a new item starts afresh; stop() ends it', () => {
    let now = 0;
    const playback = new AudioPlayback(() => now);
    playback.received('item_1', 0, 1000);
    now = 900;
    playback.report(100);
    expect(playback.playing()?.playedMs).toBe(100);
    playback.received('item_2', 0, 500);
    expect(playback.playing()).toEqual({ itemId: 'item_2', contentIndex: 0, playedMs: 0 });
    playback.stop();
    expect(playback.playing()).toBeNull();
  });
});

describe('History', () => {
  const user = (itemId: string, previousItemId?: string | null) => ({
    itemId,
    ...(previousItemId !== undefined ? { previousItemId } : {}),
    type: 'message' as const,
    role: 'user' as const,
    status: 'completed' as const,
    content: [{ type: 'input_text' as const, text: itemId }],
  });

  it('places items after their previous item, first for null, last when unknown', () => {
    const history = new History();
    history.upsert(user('b'));
    history.upsert(user('d', 'b'));
    history.upsert(user('c', 'b'));
    history.upsert(user('a', null));
    history.upsert(user('e', 'missing'));
    expect(history.items.map((item) => item.itemId)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('every change is a new array; an update keeps what it lacks (a call’s output, a transcript)', () => {
    const history = new History();
    history.upsert({ itemId: 'f', type: 'function_call', status: 'in_progress', callId: 'call_1', name: 'x', arguments: '{}', output: null });
    const before = history.items;
    history.setFunctionOutput('call_1', 'done');
    expect(history.items).not.toBe(before);
    expect(before[0]).toMatchObject({ output: null });
    history.upsert({ itemId: 'f', type: 'function_call', status: 'in_progress', callId: 'call_1', name: 'x', arguments: '{}', output: null });
    expect(history.items[0]).toMatchObject({ status: 'completed', output: 'done' });

    history.upsert({ itemId: 'm', type: 'message', role: 'assistant', status: 'in_progress', content: [] });
    history.appendContent('m', 0, 'output_audio', 'Hello');
    history.appendContent('m', 0, 'output_audio', ' there');
    history.upsert({ itemId: 'm', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_audio', transcript: null }] });
    expect(history.find('m')).toMatchObject({ status: 'completed', content: [{ type: 'output_audio', transcript: 'Hello there' }] });
    expect(history.remove('f')).toBe(true);
    expect(history.remove('f')).toBe(false);
  });
});
