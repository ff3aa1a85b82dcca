/**
 * RealtimeSession against a real Parley (on 127.0.0.1:0) whose LLM is a scripted
 * OpenAI-compatible server: a handoff between two agents, a tool behind approval (approved and
 * rejected), arguments the schema refuses, a tool the agent does not have, a guardrail trip.
 * Text output, so each answer is exactly what the scripted LLM said.
 */
import { RealtimeAgent, RealtimeSession, tool, type RealtimeOutputGuardrail } from '@parley/agents';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startHarness, type Harness } from '../../server/test/support/harness.js';
import { eventually, record, settle, type Recording } from './support/recorder.js';

let h: Harness;
let session: RealtimeSession<any> | undefined;

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await session?.close();
  session = undefined;
  await h.stop();
});

async function connect<T>(agent: RealtimeAgent<T>, options: ConstructorParameters<typeof RealtimeSession<T>>[1] = {}): Promise<{ s: RealtimeSession<T>; rec: Recording }> {
  const s = new RealtimeSession(agent, { ...options, config: { output_modalities: ['text'], ...options.config } });
  session = s;
  const rec = record(s);
  await s.connect({ url: `${h.server.wsUrl}/v1/realtime?model=gpt-realtime`, apiKey: 'sk-test' });
  return { s, rec };
}

const answers = (rec: Recording) => rec.of('agent_end').map(([, agent, output]) => `${agent.name}: ${output}`);
const transportTypes = (rec: Recording) => rec.of('transport_event').map(([event]) => event.type);

describe('a handoff between two agents', () => {
  it('Triage hands the caller to Billing: instructions, tools and the answering agent change on the live session', async () => {
    const lookupInvoice = tool({
      name: 'lookup_invoice',
      description: 'Finds an invoice.',
      parameters: z.object({ number: z.string() }),
      execute: ({ number }) => `Invoice ${number}: 42 EUR, paid.`,
    });
    const billing = new RealtimeAgent({ name: 'Billing', instructions: 'You answer billing questions.', handoffDescription: 'Invoices and payments.', tools: [lookupInvoice] });
    const triage = new RealtimeAgent({ name: 'Triage', instructions: 'Send billing questions to Billing.', handoffs: [billing] });
    h.llm.enqueue({ toolCalls: [{ name: 'transfer_to_billing', arguments: ['{}'] }] }, { text: ['Billing here.', ' How can I help?'] });
    const { s, rec } = await connect(triage);

    s.sendMessage('I have a question about my invoice.');
    await eventually('the answer from Billing', () => answers(rec).includes('Billing: Billing here. How can I help?'));
    await settle(200);

    expect(rec.of('error')).toEqual([]);
    expect(rec.story()).toEqual(['agent_start', 'agent_handoff', 'agent_end', 'agent_start', 'agent_end']);
    const [[, from, to]] = rec.of('agent_handoff');
    expect([from, to]).toEqual([triage, billing]);
    expect(answers(rec)).toEqual(['Triage: ', 'Billing: Billing here. How can I help?']);
    expect(s.currentAgent).toBe(billing);

    // The first LLM request: Triage's instructions, its handoff tool. The second: Billing's, with the transfer answered.
    const [first, second] = h.llm.requests;
    expect(first!.body.messages[0]).toEqual({ role: 'system', content: 'Send billing questions to Billing.' });
    expect(first!.body.tools?.map((t) => [t.function.name, t.function.description])).toEqual([['transfer_to_billing', 'Handoff to the Billing agent to handle the request. Invoices and payments.']]);
    expect(second!.body.messages[0]).toEqual({ role: 'system', content: 'You answer billing questions.' });
    expect(second!.body.tools?.map((t) => t.function.name)).toEqual(['lookup_invoice']);
    expect(second!.body.messages.at(-1)).toMatchObject({ role: 'tool', content: '{"assistant":"Billing"}' });

    expect(s.history).toMatchObject([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'I have a question about my invoice.' }] },
      { type: 'function_call', name: 'transfer_to_billing', status: 'completed', output: '{"assistant":"Billing"}' },
      { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Billing here. How can I help?' }] },
    ]);
    expect(rec.of('history_added').map(([item]) => item.itemId)).toEqual(s.history.map((item) => item.itemId));
    expect(rec.of('history_updated').at(-1)![0]).toEqual(s.history);
    // Every server event reached transport_event; the session asked for exactly two responses.
    expect(transportTypes(rec).filter((t) => t === 'response.done')).toHaveLength(2);
  });
});

describe('a tool behind approval', () => {
  const refunds: string[] = [];
  const refund = tool({
    name: 'refund_order',
    description: 'Refunds an order.',
    parameters: z.object({ order_id: z.string(), amount_eur: z.number().positive() }),
    needsApproval: true,
    execute: ({ order_id, amount_eur }) => {
      refunds.push(order_id);
      return `Refunded ${amount_eur} EUR for order ${order_id}.`;
    },
  });
  const agent = () => new RealtimeAgent({ name: 'Support', instructions: 'Refund when asked.', tools: [refund] });

  it('approved: the tool runs once the user says yes, and the model answers with its result', async () => {
    refunds.length = 0;
    h.llm.enqueue({ toolCalls: [{ name: 'refund_order', arguments: ['{"order_id":"A-17",', '"amount_eur":20}'] }] }, { text: ['Your 20 EUR are on the way.'] });
    const { s, rec } = await connect(agent());
    s.on('tool_approval_requested', (_ctx, _agent, request) => {
      expect(refunds).toEqual([]);
      setTimeout(() => void s.approve(request.approvalItem), 100); // the user takes a moment
    });

    s.sendMessage('Please refund order A-17, 20 euros.');
    await eventually('the answer', () => answers(rec).includes('Support: Your 20 EUR are on the way.'));
    await settle(200);

    expect(rec.of('error')).toEqual([]);
    expect(refunds).toEqual(['A-17']);
    const [[, asker, request]] = rec.of('tool_approval_requested');
    expect(asker.name).toBe('Support');
    expect(request).toMatchObject({ type: 'function_approval', tool: refund, approvalItem: { type: 'tool_approval_item', rawItem: { type: 'function_call', name: 'refund_order', arguments: '{"order_id":"A-17","amount_eur":20}' } } });
    // The first response ends with the call (the request may come just before or after its end); the answer follows the result.
    const story = rec.story();
    expect(story.filter((type) => type !== 'agent_end')).toEqual(['agent_start', 'tool_approval_requested', 'agent_tool_start', 'agent_tool_end', 'agent_start']);
    expect(story.lastIndexOf('agent_start')).toBeGreaterThan(story.indexOf('agent_tool_end'));
    const [[, , startedTool, startDetails]] = rec.of('agent_tool_start');
    expect(startedTool).toBe(refund);
    expect(startDetails.toolCall).toMatchObject({ name: 'refund_order', arguments: '{"order_id":"A-17","amount_eur":20}' });
    expect(rec.of('agent_tool_end')[0]![3]).toBe('Refunded 20 EUR for order A-17.');
    expect(h.llm.requests).toHaveLength(2);
    expect(h.llm.requests[1]!.body.messages.at(-1)).toMatchObject({ role: 'tool', content: 'Refunded 20 EUR for order A-17.' });
    expect(s.history.find((item) => item.type === 'function_call')).toMatchObject({ status: 'completed', output: 'Refunded 20 EUR for order A-17.' });
  });

  it('rejected: the tool never runs, and the model is told why', async () => {
    refunds.length = 0;
    h.llm.enqueue({ toolCalls: [{ name: 'refund_order', arguments: ['{"order_id":"A-17","amount_eur":20}'] }] }, { text: ['Understood, no refund.'] });
    const { s, rec } = await connect(agent());
    s.on('tool_approval_requested', (_ctx, _agent, request) => void s.reject(request.approvalItem, { message: 'The user declined the refund.' }));

    s.sendMessage('Refund order A-17.');
    await eventually('the answer', () => answers(rec).includes('Support: Understood, no refund.'));
    await settle(200);

    expect(rec.of('error')).toEqual([]);
    expect(refunds).toEqual([]);
    expect(rec.of('agent_tool_start')).toEqual([]);
    expect(h.llm.requests[1]!.body.messages.at(-1)).toMatchObject({ role: 'tool', content: 'The user declined the refund.' });
  });

  it('arguments the schema refuses never reach execute: the model hears what was wrong and calls again', async () => {
    refunds.length = 0;
    h.llm.enqueue(
      { toolCalls: [{ name: 'refund_order', arguments: ['{"order_id":"A-17","amount_eur":-5}'] }] },
      { toolCalls: [{ name: 'refund_order', arguments: ['{"order_id":"A-17","amount_eur":5}'] }] },
      { text: ['Refunded 5 EUR.'] },
    );
    const { s, rec } = await connect(agent());
    s.on('tool_approval_requested', (_ctx, _agent, request) => void s.approve(request.approvalItem));

    s.sendMessage('Refund 5 euros for A-17.');
    await eventually('the answer', () => answers(rec).includes('Support: Refunded 5 EUR.'));

    expect(refunds).toEqual(['A-17']);
    // Only the valid call was put to the user.
    expect(rec.of('tool_approval_requested')).toHaveLength(1);
    const told = h.llm.requests[1]!.body.messages.at(-1) as { role: string; content: string };
    expect(told.role).toBe('tool');
    expect(told.content).toMatch(/^The arguments for refund_order did not match its parameters, so it did not run:/);
    expect(told.content).toMatch(/amount_eur/);
  });

  it('a tool the agent does not have: an error event, and the model is told to use its own tools', async () => {
    h.llm.enqueue({ toolCalls: [{ name: 'delete_account', arguments: ['{}'] }] }, { text: ['I cannot do that.'] });
    const { s, rec } = await connect(agent());
    s.sendMessage('Delete my account.');
    await eventually('the answer', () => answers(rec).includes('Support: I cannot do that.'));
    expect(rec.of('error').map(([e]) => (e.error as Error).name)).toEqual(['ModelBehaviorError']);
    expect(h.llm.requests[1]!.body.messages.at(-1)).toMatchObject({ role: 'tool', content: 'There is no tool named delete_account; use only the tools you were given.' });
  });
});

describe('an output guardrail', () => {
  it('trips while the answer streams: the answer is cut, guardrail_tripped fires, and the model answers again within policy', async () => {
    const noPasswords: RealtimeOutputGuardrail = {
      name: 'no_passwords',
      policyHint: 'Never reveal passwords',
      execute: ({ agentOutput }) => ({ tripwireTriggered: agentOutput.includes('hunter2'), outputInfo: { leaked: 'password' } }),
    };
    h.llm.enqueue(
      { text: ['The admin', ' password', ' is hunter2', ' and the', ' backup one', ' is swordfish.'], delayMs: 150 },
      { text: ['Sorry, I cannot share that.'] },
    );
    const { s, rec } = await connect(new RealtimeAgent({ name: 'Helper', instructions: 'Help.', outputGuardrails: [noPasswords] }), { outputGuardrailSettings: { debounceTextLength: 10 } });

    s.sendMessage('What is the admin password?');
    await eventually('the second answer', () => answers(rec).includes('Helper: Sorry, I cannot share that.'));
    await settle(200);

    expect(rec.of('error')).toEqual([]);
    const trips = rec.of('guardrail_tripped');
    expect(trips).toHaveLength(1);
    const [, agent, error, details] = trips[0]!;
    expect(agent.name).toBe('Helper');
    expect(error.result).toMatchObject({ guardrail: { type: 'output', name: 'no_passwords', policyHint: 'Never reveal passwords' }, output: { tripwireTriggered: true } });
    // The cut: the response was cancelled, the LLM stream closed, the rest never said.
    const [first] = h.llm.requests;
    await first!.aborted;
    const done = rec.of('transport_event').map(([e]) => e).filter((e) => e.type === 'response.done');
    expect(done[0]).toMatchObject({ response: { status: 'cancelled', status_details: { reason: 'client_cancelled' } } });
    const cut = s.history.find((item) => item.itemId === details.itemId);
    expect(cut).toMatchObject({ role: 'assistant', status: 'incomplete' });
    expect(JSON.stringify(cut)).toContain('hunter2');
    expect(JSON.stringify(s.history)).not.toContain('swordfish');
    // The model was told why, as the user, and answered again.
    const feedback = h.llm.requests[1]!.body.messages.at(-1) as { role: string; content: string };
    expect(feedback.role).toBe('user');
    expect(feedback.content).toContain('Failed Guardrail Reason: Never reveal passwords.');
    expect(feedback.content).toContain('Failure Details: {"leaked":"password"}.');
    expect(answers(rec).at(-1)).toBe('Helper: Sorry, I cannot share that.');
  });
});
