/**
 * What every language-model engine must do (the contract in src/engines/llm/index.ts), as a
 * vitest suite to run against each engine: `describeLlmEngine(name, makeEngine, options)`.
 *
 * Event streams that end with exactly one `finish`, last; known event kinds only; abort (before
 * and during) rejects with the signal's reason and nothing follows; tool-call events that are
 * well-formed (a start with a unique index, an id and an offered name before any of its
 * arguments; arguments that join into a JSON object; `finish: tool_calls`); no tool events when
 * no tools are offered or `tool_choice` is `none`; concurrent calls; an early leaver.
 *
 * What an engine answers is not the suite's business: `prepare` lets a scripted engine queue
 * the answer each scenario needs; a real model just generates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, LlmEngine, LlmEvent, LlmRequest, LlmTool } from '../../../src/engines/llm/index.js';

/** `text`: any answer; `slow`: a long one (for aborting mid-stream); `tools`: a call of one of `tools`. */
export type LlmScenario = 'text' | 'slow' | 'tools';

export interface LlmConformanceOptions {
  /** Called before each request of a scenario (a scripted server queues its answer here). */
  prepare?: (scenario: LlmScenario, tools: LlmTool[]) => void;
  /** `max_output_tokens` for ordinary requests (keeps a real model short). Default 16. */
  maxOutputTokens?: number;
  /** `max_output_tokens` for the `slow` and `tools` scenarios. Default 200. */
  longOutputTokens?: number;
  timeoutMs?: number;
}

const MESSAGES: ChatMessage[] = [
  { role: 'system', content: 'You are a helpful voice assistant.' },
  { role: 'user', content: 'hello, how can you help' },
];

export const CONFORMANCE_TOOLS: LlmTool[] = [
  {
    name: 'set_unit',
    description: 'Sets the temperature unit.',
    parameters: { type: 'object', properties: { unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['unit'] },
  },
  {
    name: 'toggle_light',
    description: 'Turns a light on or off.',
    parameters: { type: 'object', properties: { on: { type: 'boolean' } }, required: ['on'] },
  },
];

const FINISH_REASONS = ['stop', 'length', 'tool_calls', 'content_filter'];

interface Outcome {
  events: LlmEvent[];
  error?: unknown;
}

async function run(stream: AsyncIterable<LlmEvent>, onEvent?: (event: LlmEvent, index: number) => boolean | void): Promise<Outcome> {
  const events: LlmEvent[] = [];
  try {
    for await (const event of stream) {
      events.push(event);
      if (onEvent?.(event, events.length - 1) === false) break;
    }
    return { events };
  } catch (error) {
    return { events, error };
  }
}

/** Checks the stream's shape and returns its tool calls, assembled. */
function wellFormed(outcome: Outcome, offered: LlmTool[]): { name: string; call_id: string; arguments: string }[] {
  expect(outcome.error, `the stream failed: ${String(outcome.error)}`).toBeUndefined();
  const finishes = outcome.events.filter((e) => e.type === 'finish');
  expect(finishes, 'exactly one finish').toHaveLength(1);
  const finish = outcome.events.at(-1);
  expect(finish?.type, 'the finish comes last').toBe('finish');
  if (finish?.type === 'finish') {
    expect(FINISH_REASONS).toContain(finish.reason);
    if (finish.usage) {
      for (const n of [finish.usage.input_tokens, finish.usage.output_tokens, finish.usage.cached_tokens ?? 0]) expect(Number.isInteger(n) && n >= 0).toBe(true);
    }
  }
  const calls = new Map<number, { name: string; call_id: string; arguments: string }>();
  const ids = new Set<string>();
  for (const event of outcome.events) {
    switch (event.type) {
      case 'text_delta':
        expect(typeof event.delta).toBe('string');
        break;
      case 'tool_call_start':
        expect(calls.has(event.index), `tool call index ${event.index} started twice`).toBe(false);
        expect(event.call_id).toMatch(/\S/);
        expect(ids.has(event.call_id), `call_id ${event.call_id} reused`).toBe(false);
        ids.add(event.call_id);
        expect(offered.map((t) => t.name)).toContain(event.name);
        calls.set(event.index, { name: event.name, call_id: event.call_id, arguments: '' });
        break;
      case 'tool_call_arguments':
        expect(calls.has(event.index), `arguments for tool call ${event.index} before its start`).toBe(true);
        calls.get(event.index)!.arguments += event.delta;
        break;
      case 'finish':
        break;
      default:
        throw new Error(`unknown event ${JSON.stringify(event)}`);
    }
  }
  for (const call of calls.values()) {
    const parsed = JSON.parse(call.arguments || '{}') as unknown;
    expect(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed), `arguments of ${call.name} are a JSON object`).toBe(true);
  }
  if (calls.size > 0 && finish?.type === 'finish') expect(finish.reason).toBe('tool_calls');
  return [...calls.values()];
}

export function describeLlmEngine(name: string, makeEngine: () => LlmEngine | Promise<LlmEngine>, options: LlmConformanceOptions = {}): void {
  const timeout = options.timeoutMs ?? 30_000;
  const prepare = (scenario: LlmScenario, tools: LlmTool[] = []) => options.prepare?.(scenario, tools);
  const request = (overrides: Partial<LlmRequest> = {}): LlmRequest => ({
    messages: MESSAGES,
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: options.maxOutputTokens ?? 16,
    signal: new AbortController().signal,
    ...overrides,
  });
  const long = options.longOutputTokens ?? 200;

  describe(`LLM engine conformance: ${name}`, () => {
    let engine: LlmEngine & { warmup?(): Promise<void>; close?(): Promise<void> };

    beforeAll(async () => {
      engine = await makeEngine();
      await engine.warmup?.();
    }, 60_000);
    afterAll(async () => {
      await engine?.close?.();
    });

    it('declares its capabilities', () => {
      expect(engine.label).toMatch(/\S/);
      expect(typeof engine.capabilities.tools).toBe('boolean');
      expect(typeof engine.capabilities.images).toBe('boolean');
    });

    it(
      'streams an answer that ends with exactly one finish, last',
      async () => {
        prepare('text');
        const calls = wellFormed(await run(engine.stream(request())), []);
        expect(calls).toEqual([]);
      },
      timeout,
    );

    it(
      'rejects with the reason of a signal aborted before the call, with no events',
      async () => {
        // No prepare(): an aborted call must not reach the model at all.
        const reason = new Error('conformance: aborted already');
        expect(await run(engine.stream(request({ signal: AbortSignal.abort(reason) })))).toEqual({ events: [], error: reason });
      },
      timeout,
    );

    it(
      'rejects with the reason when aborted mid-stream, and nothing follows',
      async () => {
        prepare('slow');
        const controller = new AbortController();
        const reason = new Error('conformance: barge-in');
        let abortedAt = -1;
        const outcome = await run(engine.stream(request({ max_output_tokens: long, signal: controller.signal })), (_, index) => {
          if (abortedAt < 0) {
            abortedAt = index;
            controller.abort(reason);
          }
        });
        expect(outcome.error).toBe(reason);
        expect(outcome.events).toHaveLength(abortedAt + 1);
        expect(outcome.events.some((e) => e.type === 'finish')).toBe(false);
      },
      timeout,
    );

    it(
      'stays usable after a reader that left early',
      async () => {
        prepare('slow');
        const left = await run(engine.stream(request({ max_output_tokens: long })), () => false);
        expect(left.error).toBeUndefined();
        expect(left.events).toHaveLength(1);
        prepare('text');
        wellFormed(await run(engine.stream(request())), []);
      },
      timeout,
    );

    it(
      'serves two calls at once, each ending with its finish',
      async () => {
        prepare('text');
        prepare('text');
        const [a, b] = await Promise.all([run(engine.stream(request())), run(engine.stream(request()))]);
        wellFormed(a, []);
        wellFormed(b, []);
      },
      timeout,
    );

    it(
      "makes no tool events when tool_choice is 'none'",
      async () => {
        prepare('text');
        expect(wellFormed(await run(engine.stream(request({ tools: CONFORMANCE_TOOLS, tool_choice: 'none' }))), CONFORMANCE_TOOLS)).toEqual([]);
      },
      timeout,
    );

    it(
      "calls an offered tool with well-formed events when tool_choice is 'required'",
      async () => {
        if (!engine.capabilities.tools) return;
        prepare('tools', CONFORMANCE_TOOLS);
        const calls = wellFormed(await run(engine.stream(request({ tools: CONFORMANCE_TOOLS, tool_choice: 'required', max_output_tokens: long }))), CONFORMANCE_TOOLS);
        expect(calls.length).toBeGreaterThanOrEqual(1);
      },
      timeout,
    );

    it(
      'calls the named tool when tool_choice names one',
      async () => {
        if (!engine.capabilities.tools) return;
        const named = CONFORMANCE_TOOLS[1]!;
        prepare('tools', [named]);
        const calls = wellFormed(
          await run(engine.stream(request({ tools: CONFORMANCE_TOOLS, tool_choice: { name: named.name }, max_output_tokens: long }))),
          CONFORMANCE_TOOLS,
        );
        expect(calls.map((c) => c.name)).toEqual([named.name]);
      },
      timeout,
    );
  });
}
