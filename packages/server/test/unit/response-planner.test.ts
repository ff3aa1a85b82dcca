/** What a response.create asks the LLM: the request's overrides win over the session's, and `input` / `append_input_items` choose the context. */
import { isParleyError, type Item } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { Conversation } from '../../src/session/conversation.js';
import { planResponse } from '../../src/session/response-planner.js';
import { defaultSession, mergeSession } from '../../src/session/session-config.js';
import { ManualLlm } from './manual-llm.js';

const llm = new ManualLlm();
const base = { object: 'realtime.item', status: 'completed' } as const;
const user = (id: string, text: string): Item => ({ ...base, id, type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const weather = { type: 'function', name: 'weather', parameters: { type: 'object' } } as const;

function setup() {
  const conversation = new Conversation();
  conversation.append(user('u1', 'First'));
  conversation.append(user('u2', 'Second'));
  const session = mergeSession(defaultSession('s', { model: 'm', instructions: 'Session rules.', voice: 'alloy', maxDurationMs: 1000 }), { tools: [weather] });
  return { conversation, session };
}

describe('planResponse', () => {
  it('uses the session’s settings when the request overrides nothing', () => {
    const { conversation, session } = setup();
    const plan = planResponse({ params: {}, session, temperatureSet: false, conversation, llm, contextTokens: 32_000 });
    expect(plan.buildMessages()).toEqual([
      { role: 'system', content: 'Session rules.' },
      { role: 'user', content: 'First' },
      { role: 'user', content: 'Second' },
    ]);
    expect(plan.tools).toEqual([{ name: 'weather', description: undefined, parameters: { type: 'object' } }]);
    expect(plan.output_modalities).toEqual(['audio']);
    expect(plan.voice).toBe('alloy');
    expect(plan.temperatureSet).toBe(false);
  });

  it('lets the request’s instructions, tools, modalities, voice and temperature win', () => {
    const { conversation, session } = setup();
    const plan = planResponse({
      params: { instructions: 'Only now.', tools: [], output_modalities: ['text'], audio: { output: { voice: 'ash' } }, temperature: 0.6, max_output_tokens: 7 },
      session,
      temperatureSet: false,
      conversation,
      llm,
      contextTokens: 32_000,
    });
    expect(plan.buildMessages()[0]).toEqual({ role: 'system', content: 'Only now.' });
    expect(plan.tools).toEqual([]);
    expect(plan.output_modalities).toEqual(['text']);
    expect(plan.voice).toBe('ash');
    expect(plan.temperature).toBe(0.6);
    expect(plan.temperatureSet).toBe(true);
    expect(plan.max_output_tokens).toBe(7);
  });

  it('appends Voice Live’s additional_instructions to the instructions', () => {
    const { conversation, session } = setup();
    const plan = planResponse({ params: { additional_instructions: 'Be brief.' }, session, temperatureSet: false, conversation, llm, contextTokens: 32_000 });
    expect(plan.buildMessages()[0]).toEqual({ role: 'system', content: 'Session rules.\n\nBe brief.' });
  });

  it('input replaces the conversation as context ([] leaves only the instructions)', () => {
    const { conversation, session } = setup();
    const plan = planResponse({
      params: { input: [{ type: 'item_reference', id: 'u2' }, { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Extra' }] }] },
      session,
      temperatureSet: false,
      conversation,
      llm,
      contextTokens: 32_000,
    });
    expect(plan.buildMessages().slice(1)).toEqual([
      { role: 'user', content: 'Second' },
      { role: 'user', content: 'Extra' },
    ]);
    expect(planResponse({ params: { input: [] }, session, temperatureSet: false, conversation, llm, contextTokens: 32_000 }).buildMessages()).toEqual([{ role: 'system', content: 'Session rules.' }]);
    expect(conversation.size).toBe(2);
  });

  it('append_input_items extends the conversation for this response only', () => {
    const { conversation, session } = setup();
    const plan = planResponse({
      params: { append_input_items: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Third' }] }] },
      session,
      temperatureSet: false,
      conversation,
      llm,
      contextTokens: 32_000,
    });
    expect(plan.buildMessages().map((m) => m.content)).toEqual(['Session rules.', 'First', 'Second', 'Third']);
    expect(conversation.size).toBe(2);
  });

  it('refuses an unknown item_reference and a forced tool the request does not offer, with response.* paths', () => {
    const { conversation, session } = setup();
    const err = (params: Parameters<typeof planResponse>[0]['params']) => {
      try {
        planResponse({ params, session, temperatureSet: false, conversation, llm, contextTokens: 32_000 });
      } catch (e) {
        if (isParleyError(e)) return e;
        throw e;
      }
      throw new Error('expected an error');
    };
    expect(err({ input: [{ type: 'item_reference', id: 'nope' }] })).toMatchObject({ code: 'item_not_found', param: 'response.input[0].id' });
    expect(err({ append_input_items: [{ type: 'item_reference', id: 'nope' }] })).toMatchObject({ code: 'item_not_found', param: 'response.append_input_items[0].id' });
    expect(err({ tools: [], tool_choice: { type: 'function', name: 'weather' } })).toMatchObject({ code: 'invalid_value', param: 'response.tool_choice' });
  });
});
