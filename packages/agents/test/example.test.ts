/** The README's example (`examples/support-desk.mjs`) runs as written against a real Parley, in every dialect. */
import type { RealtimeSession } from '@parley/agents';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../server/test/support/harness.js';
// @ts-expect-error — a plain JavaScript example, without type declarations
import { createSupportDesk } from '../examples/support-desk.mjs';
import { eventually } from './support/recorder.js';

const PATHS = { ga: '/v1/realtime', beta: '/openai/realtime', voicelive: '/voice-live/realtime' } as const;

let h: Harness;
let session: RealtimeSession | undefined;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await session?.close();
  await h.stop();
});

describe('examples/support-desk.mjs', () => {
  it.each(['ga', 'beta', 'voicelive'] as const)('%s: Triage hands over to Billing, the refund waits for approval, the guardrail stops a card number', async (dialect) => {
    h.llm.enqueue(
      { toolCalls: [{ name: 'transfer_to_billing', arguments: ['{}'] }] },
      { toolCalls: [{ name: 'refund_order', arguments: ['{"order_id":"A-17","amount_eur":20}'] }] },
      { text: ['Done: 20 EUR are on the way.'] },
    );
    const lines: string[] = [];
    const approvals: string[] = [];
    session = createSupportDesk({ approve: async (name: string, args: string) => (approvals.push(`${name} ${args}`), true), log: (line: string) => lines.push(line) }) as RealtimeSession;
    await session.connect({ url: `${h.server.wsUrl}${PATHS[dialect]}?model=gpt-realtime`, apiKey: 'sk-test', dialect });
    session.sendMessage('Please refund order A-17, 20 euros.');
    await eventually('the answer', () => lines.includes('Billing: Done: 20 EUR are on the way.'));
    expect(approvals).toEqual(['refund_order {"order_id":"A-17","amount_eur":20}']);
    expect(h.llm.requests[2]!.body.messages.at(-1)).toMatchObject({ role: 'tool', content: 'Refunded 20 EUR for order A-17.' });

    h.llm.enqueue({ text: ['Your card is 4111 1111', ' 1111 1111 and', ' it expires soon.'], delayMs: 100 }, { text: ['Sorry, I cannot read that out.'] });
    session.sendMessage('What card did I pay with?');
    await eventually('the second answer', () => lines.includes('Billing: Sorry, I cannot read that out.'));
    expect(lines).toContain('[guardrail no_card_numbers stopped the answer]');
    expect(lines.filter((line) => line.startsWith('[error'))).toEqual([]);
    expect(lines[0]).toBe('[Triage → Billing]');
  });
});
