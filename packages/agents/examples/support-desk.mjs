// A support desk of two agents over Parley (or OpenAI, or Azure Voice Live), in text:
// Triage hands the caller to Billing; Billing's refund tool waits for your approval; a
// guardrail stops any answer that reads out a card number.
//
//   npm run build && npm start                                    # Parley on ws://127.0.0.1:8080
//   node packages/agents/examples/support-desk.mjs "Please refund order A-17, 20 euros."
//   PARLEY_URL=ws://127.0.0.1:8080/voice-live/realtime PARLEY_API_KEY=secret node packages/agents/examples/support-desk.mjs "Refund A-17"
//
// Type more lines to go on talking; an empty line (or Ctrl-D) ends the call.
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RealtimeAgent, RealtimeSession, tool } from '@parley/agents';
import { z } from 'zod';

const refundOrder = tool({
  name: 'refund_order',
  description: 'Refunds an order.',
  parameters: z.object({ order_id: z.string(), amount_eur: z.number().positive() }),
  needsApproval: true,
  execute: ({ order_id, amount_eur }) => `Refunded ${amount_eur} EUR for order ${order_id}.`,
});

const noCardNumbers = {
  name: 'no_card_numbers',
  policyHint: 'Never read out card numbers',
  execute: ({ agentOutput }) => ({ tripwireTriggered: /\b\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}\b/.test(agentOutput) }),
};

const billing = new RealtimeAgent({
  name: 'Billing',
  instructions: 'You handle refunds and invoices. Be brief.',
  handoffDescription: 'Refunds, invoices and payments.',
  tools: [refundOrder],
});
const triage = new RealtimeAgent({
  name: 'Triage',
  instructions: 'Greet the caller and hand billing questions to Billing.',
  handoffs: [billing],
});

/**
 * The desk's session, ready to connect: it logs what is said, asks `approve(name, args)` before
 * each refund, and tells the model when the caller said no.
 */
export function createSupportDesk({ approve, log = console.log }) {
  const session = new RealtimeSession(triage, {
    config: { output_modalities: ['text'] },
    outputGuardrails: [noCardNumbers],
    outputGuardrailSettings: { debounceTextLength: 20 },
  });
  session.on('agent_handoff', (_context, from, to) => log(`[${from.name} → ${to.name}]`));
  session.on('agent_end', (_context, agent, text) => text && log(`${agent.name}: ${text}`));
  session.on('tool_approval_requested', async (_context, _agent, request) => {
    const { name, arguments: args } = request.approvalItem;
    if (await approve(name, args)) await session.approve(request.approvalItem);
    else await session.reject(request.approvalItem, { message: 'The caller did not allow it.' });
  });
  session.on('guardrail_tripped', (_context, _agent, error) => log(`[guardrail ${error.result.guardrail.name} stopped the answer]`));
  session.on('error', ({ error }) => log(`[error: ${error.message}]`));
  return session;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const terminal = createInterface({ input: process.stdin });
  let answerApproval = null; // while set, the next line answers the approval question
  const approve = (name, args) =>
    new Promise((resolve) => {
      console.log(`Allow ${name} ${args}? [y/N]`);
      answerApproval = (line) => resolve(/^y/i.test(line));
    });
  const session = createSupportDesk({ approve });
  await session.connect({ url: process.env.PARLEY_URL ?? 'ws://127.0.0.1:8080/v1/realtime', apiKey: process.env.PARLEY_API_KEY ?? 'sk-local' });
  if (process.argv[2]) session.sendMessage(process.argv[2]);
  for await (const line of terminal) {
    if (answerApproval) {
      const answer = answerApproval;
      answerApproval = null;
      answer(line);
    } else if (!line) break;
    else session.sendMessage(line);
  }
  terminal.close();
  await session.close();
}
