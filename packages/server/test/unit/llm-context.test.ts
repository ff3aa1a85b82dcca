/**
 * Conversation items → the chat messages the LLM reads. What a user would notice: the model
 * hears the instructions, what was said (typed or transcribed), what the assistant said, and
 * every tool result right after the call that asked for it.
 */
import type { Item } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { assistantText, buildChatMessages, INAUDIBLE, UNANSWERED_CALL_OUTPUT } from '../../src/session/llm-context.js';

const base = { object: 'realtime.item', status: 'completed' } as const;
const user = (id: string, text: string): Item => ({ ...base, id, type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const assistant = (id: string, text: string): Item => ({ ...base, id, type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
const call = (callId: string, name = 'lookup', args = '{"q":1}'): Item => ({ ...base, id: `item_${callId}`, type: 'function_call', call_id: callId, name, arguments: args });
const output = (callId: string, out: string): Item => ({ ...base, id: `out_${callId}`, type: 'function_call_output', call_id: callId, output: out });
const opts = { instructions: 'Be brief.', images: false };

describe('buildChatMessages', () => {
  it('puts the instructions first, then the turns in order', () => {
    expect(buildChatMessages([user('u1', 'Hi'), assistant('a1', 'Hello!'), user('u2', 'Bye')], opts)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'Bye' },
    ]);
  });

  it('sends no system message for empty instructions', () => {
    expect(buildChatMessages([user('u1', 'Hi')], { instructions: '', images: false })).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('reads user audio by its transcript, and says so when there is none (the model knows the user spoke)', () => {
    const heard: Item = { ...base, id: 'u1', type: 'message', role: 'user', content: [{ type: 'input_audio', transcript: 'What time is it?' }] };
    const unheard: Item = { ...base, id: 'u2', type: 'message', role: 'user', content: [{ type: 'input_audio', transcript: null }] };
    expect(buildChatMessages([heard, unheard], opts)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What time is it?' },
      { role: 'user', content: INAUDIBLE },
    ]);
    expect(INAUDIBLE.length).toBeGreaterThan(0);
  });

  it('leaves out a user message with nothing in it', () => {
    const empty: Item = { ...base, id: 'u3', type: 'message', role: 'user', content: [] };
    expect(buildChatMessages([empty, user('u4', 'Hi')], opts)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
  });

  it('reads assistant audio by the transcript of what was said', () => {
    const spoken: Item = { ...base, id: 'a1', type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: 'It is noon.' }] };
    expect(buildChatMessages([spoken], opts).at(-1)).toEqual({ role: 'assistant', content: 'It is noon.' });
    expect(assistantText(spoken as Extract<Item, { type: 'message' }>)).toBe('It is noon.');
  });

  it('keeps system items as system messages where they stand', () => {
    const sys: Item = { ...base, id: 's1', type: 'message', role: 'system', content: [{ type: 'input_text', text: 'The user is Ada.' }] };
    expect(buildChatMessages([user('u1', 'Hi'), sys], opts).map((m) => m.role)).toEqual(['system', 'user', 'system']);
  });

  it('sends images to engines that read them and a note to those that do not', () => {
    const pic: Item = {
      ...base,
      id: 'u1',
      type: 'message',
      role: 'user',
      content: [
        { type: 'input_text', text: 'What is this?' },
        { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
      ],
    };
    expect(buildChatMessages([pic], { instructions: '', images: true })).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
    ]);
    expect(buildChatMessages([pic], { instructions: '', images: false })).toEqual([{ role: 'user', content: 'What is this?\n[image omitted]' }]);
  });

  it('puts a tool result right after its call', () => {
    expect(buildChatMessages([user('u1', 'Weather?'), call('c1', 'weather', '{"city":"Oslo"}'), output('c1', 'Rain.')], opts)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'Rain.' },
    ]);
  });

  it('moves a result that arrived after later items back to right after its call', () => {
    const messages = buildChatMessages([user('u1', 'Weather?'), call('c1'), user('u2', 'Hurry up'), output('c1', 'Rain.')], opts);
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'user']);
    expect(messages[3]).toEqual({ role: 'tool', tool_call_id: 'c1', content: 'Rain.' });
  });

  it('follows every call of one turn by all of their results, in call order', () => {
    const messages = buildChatMessages([user('u1', 'Both?'), call('c1', 'a'), call('c2', 'b'), output('c2', 'B'), output('c1', 'A')], opts);
    expect(messages.slice(2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'a', arguments: '{"q":1}' } },
          { id: 'c2', type: 'function', function: { name: 'b', arguments: '{"q":1}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'A' },
      { role: 'tool', tool_call_id: 'c2', content: 'B' },
    ]);
  });

  it('attaches a call to the words the assistant said just before it', () => {
    const messages = buildChatMessages([user('u1', 'Weather?'), assistant('a1', 'Let me check.'), call('c1'), output('c1', 'Rain.'), assistant('a2', 'It rains.')], opts);
    expect(messages.slice(2)).toEqual([
      { role: 'assistant', content: 'Let me check.', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":1}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'Rain.' },
      { role: 'assistant', content: 'It rains.' },
    ]);
  });

  it('gives a call the client never answered a stated placeholder, so the chat stays valid', () => {
    const messages = buildChatMessages([user('u1', 'Weather?'), call('c1'), user('u2', 'Never mind.')], opts);
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'user']);
    expect(messages[3]).toEqual({ role: 'tool', tool_call_id: 'c1', content: UNANSWERED_CALL_OUTPUT });
  });

  it('sends empty call arguments as {}', () => {
    const messages = buildChatMessages([call('c1', 'now', '')], opts);
    expect(messages[1]).toMatchObject({ tool_calls: [{ function: { name: 'now', arguments: '{}' } }] });
  });

  it('every tool message answers a call of the assistant message before it', () => {
    const items = [user('u1', 'a'), assistant('a1', 'x'), call('c1'), output('c1', '1'), call('c2'), user('u2', 'b'), output('c2', '2'), call('c3')];
    const messages = buildChatMessages(items, opts);
    let open: string[] = [];
    for (const m of messages) {
      if (m.role === 'assistant') open = (m.tool_calls ?? []).map((c) => c.id);
      else if (m.role === 'tool') {
        expect(open).toContain(m.tool_call_id);
        open = open.filter((id) => id !== m.tool_call_id);
      } else {
        expect(open, `unanswered calls before a ${m.role} message`).toEqual([]);
      }
    }
    expect(open).toEqual([]);
    expect(messages.filter((m) => m.role === 'tool')).toHaveLength(3);
  });
});
