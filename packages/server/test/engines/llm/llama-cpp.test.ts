/**
 * The llama.cpp engine, driven for real on a tiny random-weight GGUF written at test time
 * (test/support/tiny-gguf.ts). Its output is gibberish, so the tests check behaviour — events,
 * limits, abort, errors, tool-call shape — never content.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { ParleyError } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, LlmEvent, LlmRequest, LlmTool } from '../../../src/engines/llm/index.js';
import { LlamaCppLlm, llamaThreads } from '../../../src/engines/llm/llama-cpp.js';
import { buildTinyLlama, writeTinyLlama } from '../../support/tiny-gguf.js';

let modelPath: string;
let engine: LlamaCppLlm;

beforeAll(async () => {
  modelPath = writeTinyLlama();
  // One thread: the test machine may be busy with other test files, and a spinning ggml
  // thread pool with as many threads as cores slows down by orders of magnitude under load.
  engine = new LlamaCppLlm({ modelPath, threads: 1, gpu: false });
  await engine.warmup();
});

afterAll(async () => {
  await engine?.close();
  if (modelPath) rmSync(dirname(modelPath), { recursive: true, force: true });
});

const MESSAGES: ChatMessage[] = [
  { role: 'system', content: 'You are helpful.' },
  { role: 'user', content: 'hello how can you help' },
];

function request(overrides: Partial<LlmRequest> = {}): LlmRequest {
  return { messages: MESSAGES, tools: [], tool_choice: 'auto', max_output_tokens: 24, signal: new AbortController().signal, ...overrides };
}

interface Outcome {
  events: LlmEvent[];
  error?: unknown;
  ms: number;
}

async function run(stream: AsyncIterable<LlmEvent>, onEvent?: (event: LlmEvent, events: LlmEvent[]) => void): Promise<Outcome> {
  const events: LlmEvent[] = [];
  const start = performance.now();
  try {
    for await (const event of stream) {
      events.push(event);
      onEvent?.(event, events);
    }
    return { events, ms: performance.now() - start };
  } catch (error) {
    return { events, error, ms: performance.now() - start };
  }
}

function finish(outcome: Outcome): Extract<LlmEvent, { type: 'finish' }> {
  expect(outcome.error, String(outcome.error)).toBeUndefined();
  const last = outcome.events.at(-1);
  expect(last?.type).toBe('finish');
  expect(outcome.events.filter((e) => e.type === 'finish')).toHaveLength(1);
  return last as Extract<LlmEvent, { type: 'finish' }>;
}

const UNIT_TOOL: LlmTool = {
  name: 'set_unit',
  description: 'Sets the temperature unit.',
  parameters: { type: 'object', properties: { unit: { type: 'string', enum: ['celsius', 'fahrenheit'] }, loud: { type: 'boolean' } }, required: ['unit'] },
};
const LIGHT_TOOL: LlmTool = {
  name: 'toggle_light',
  description: 'Turns a light on or off.',
  parameters: { type: 'object', properties: { on: { type: 'boolean' }, room: { enum: ['kitchen', 'hall'] } } },
};

/** The tool calls of a stream, assembled from its start and argument events. */
function toolCalls(events: LlmEvent[]): { index: number; call_id: string; name: string; arguments: string }[] {
  const calls = new Map<number, { index: number; call_id: string; name: string; arguments: string }>();
  for (const e of events) {
    if (e.type === 'tool_call_start') calls.set(e.index, { index: e.index, call_id: e.call_id, name: e.name, arguments: '' });
    if (e.type === 'tool_call_arguments') {
      const call = calls.get(e.index);
      expect(call, 'arguments before their tool_call_start').toBeDefined();
      if (call) call.arguments += e.delta;
    }
  }
  return [...calls.values()];
}

describe('LlamaCppLlm on a tiny random GGUF', () => {
  it('streams text deltas, then a finish with token usage', async () => {
    const outcome = await run(engine.stream(request()));
    const end = finish(outcome);
    const deltas = outcome.events.filter((e) => e.type === 'text_delta');
    expect(deltas.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(end.reason);
    expect(end.usage?.input_tokens).toBeGreaterThan(10);
    expect(end.usage?.output_tokens).toBeGreaterThan(0);
    expect(end.usage?.output_tokens).toBeLessThanOrEqual(24);
    expect(engine.label).toBe(`llama-cpp(${modelPath})`);
    expect(engine.capabilities).toEqual({ tools: true, images: false });
    expect(engine.chatWrapper).toBe('JinjaTemplate'); // the GGUF's own template
    expect(engine.contextSize).toBe(2048); // the model's training context (under the 4096 cap)
  });

  it('stops at max_output_tokens with finish reason length', async () => {
    const outcome = await run(engine.stream(request({ max_output_tokens: 5, temperature: 0 })));
    const end = finish(outcome);
    // Random weights rarely hit end-of-text within 5 tokens; greedy sampling makes it repeatable.
    expect(end.reason).toBe('length');
    expect(end.usage?.output_tokens).toBe(5);
    expect(outcome.events.filter((e) => e.type === 'text_delta').length).toBeLessThanOrEqual(5);
  });

  it('reuses the sequence for a repeated prompt and reports the reused tokens as cached', async () => {
    const first = finish(await run(engine.stream(request({ max_output_tokens: 4, temperature: 0 }))));
    const second = finish(await run(engine.stream(request({ max_output_tokens: 4, temperature: 0 }))));
    expect(second.usage?.input_tokens).toBe(first.usage?.input_tokens);
    expect(second.usage?.cached_tokens).toBeGreaterThan(0);
  });

  it('stops promptly when aborted and throws the abort reason', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const outcome = await run(engine.stream(request({ max_output_tokens: undefined, signal: controller.signal })), (event, events) => {
      if (event.type === 'text_delta' && events.length === 3) {
        abortedAt = performance.now();
        controller.abort(new Error('caller stopped'));
      }
    });
    const stoppedAfter = performance.now() - abortedAt;
    expect((outcome.error as Error | undefined)?.message).toBe('caller stopped');
    expect(outcome.events.some((e) => e.type === 'finish')).toBe(false);
    expect(stoppedAfter).toBeLessThan(1_000);
    // The sequence was handed back: the engine still answers.
    finish(await run(engine.stream(request({ max_output_tokens: 3 }))));
  });

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    const outcome = await run(engine.stream(request({ signal: controller.signal })));
    expect((outcome.error as Error).message).toBe('too late');
    expect(outcome.events).toEqual([]);
  });

  it('stops generating when the reader leaves early, and serves the next call', async () => {
    const started = performance.now();
    for await (const event of engine.stream(request({ max_output_tokens: undefined }))) {
      if (event.type === 'text_delta') break;
    }
    expect(performance.now() - started).toBeLessThan(2_000);
    finish(await run(engine.stream(request({ max_output_tokens: 3 }))));
  });

  it('queues concurrent calls on its one sequence; both complete', async () => {
    const [a, b] = await Promise.all([run(engine.stream(request({ max_output_tokens: 6 }))), run(engine.stream(request({ max_output_tokens: 6 })))]);
    finish(a as Outcome);
    finish(b as Outcome);
  });

  it('a call waiting for the sequence can be aborted', async () => {
    const busy = run(engine.stream(request({ max_output_tokens: 40 })));
    const controller = new AbortController();
    const waiting = run(engine.stream(request({ signal: controller.signal })));
    controller.abort(new Error('gave up waiting'));
    expect(((await waiting).error as Error).message).toBe('gave up waiting');
    finish(await busy);
    finish(await run(engine.stream(request({ max_output_tokens: 2 }))));
  });

  it("tool_choice 'required' makes a tool call whose arguments match the tool's schema", async () => {
    const outcome = await run(engine.stream(request({ tools: [UNIT_TOOL, LIGHT_TOOL], tool_choice: 'required', max_output_tokens: 200 })));
    const end = finish(outcome);
    expect(end.reason).toBe('tool_calls');
    const calls = toolCalls(outcome.events);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.call_id).toMatch(/^call_/);
    expect(['set_unit', 'toggle_light']).toContain(call?.name);
    const args = JSON.parse(call?.arguments ?? '') as Record<string, unknown>;
    if (call?.name === 'set_unit') {
      expect(['celsius', 'fahrenheit']).toContain(args.unit);
      expect(typeof args.loud).toBe('boolean');
    } else {
      expect(typeof args.on).toBe('boolean');
      expect(['kitchen', 'hall']).toContain(args.room);
    }
    expect(end.usage?.output_tokens).toBeGreaterThan(0);
  });

  it('a named tool_choice calls that tool', async () => {
    const outcome = await run(engine.stream(request({ tools: [UNIT_TOOL, LIGHT_TOOL], tool_choice: { name: 'toggle_light' }, max_output_tokens: 200 })));
    expect(finish(outcome).reason).toBe('tool_calls');
    const [call] = toolCalls(outcome.events);
    expect(call?.name).toBe('toggle_light');
    expect(Object.keys(JSON.parse(call?.arguments ?? '') as object).sort()).toEqual(['on', 'room']);
  });

  it('a named tool_choice for a tool not offered is refused', async () => {
    const outcome = await run(engine.stream(request({ tools: [UNIT_TOOL], tool_choice: { name: 'nope' } })));
    expect(outcome.error).toBeInstanceOf(ParleyError);
    expect((outcome.error as ParleyError).code).toBe('invalid_value');
  });

  it("tool_choice 'auto' offers the tools through function calling; the stream stays well-formed", async () => {
    const outcome = await run(engine.stream(request({ tools: [UNIT_TOOL, LIGHT_TOOL], tool_choice: 'auto', max_output_tokens: 12 })));
    const end = finish(outcome);
    const calls = toolCalls(outcome.events);
    if (calls.length > 0) {
      expect(end.reason).toBe('tool_calls');
      for (const call of calls) expect(() => JSON.parse(call.arguments) as unknown).not.toThrow();
    } else {
      expect(['stop', 'length']).toContain(end.reason);
    }
    // The function documentation is part of the prompt.
    const plain = finish(await run(engine.stream(request({ tools: [UNIT_TOOL, LIGHT_TOOL], tool_choice: 'none', max_output_tokens: 1 }))));
    expect(end.usage?.input_tokens).toBeGreaterThan((plain.usage?.input_tokens ?? 0) + 50);
  });

  it('continues after tool results in the history', async () => {
    const messages: ChatMessage[] = [
      ...MESSAGES,
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'set_unit', arguments: '{"unit":"celsius","loud":false}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"ok":true}' },
    ];
    const outcome = await run(engine.stream(request({ messages, tools: [UNIT_TOOL], tool_choice: 'auto', max_output_tokens: 8 })));
    finish(outcome);
  });

  it('caps threads at the core count', () => {
    const cores = availableParallelism();
    expect(new LlamaCppLlm({ modelPath, threads: cores * 100 }).threads).toBe(cores);
    expect(new LlamaCppLlm({ modelPath, threads: 1 }).threads).toBe(1);
    expect(new LlamaCppLlm({ modelPath }).threads).toBe(Math.max(1, cores - 1));
    expect(llamaThreads(64, 2)).toBe(2);
    expect(llamaThreads(undefined, 2)).toBe(1);
    expect(llamaThreads(undefined, 1)).toBe(1);
    expect(llamaThreads(0, 8)).toBe(1);
    expect(llamaThreads(3.7, 8)).toBe(3);
  });

  it('close() fails the calls still waiting, and later calls, with engine_unavailable', async () => {
    const closing = new LlamaCppLlm({ modelPath, threads: 1, gpu: false });
    await closing.warmup();
    const busy = run(closing.stream(request({ max_output_tokens: undefined })), (event, events) => {
      if (events.length === 1) void closing.close();
    });
    const waiting = run(closing.stream(request()));
    const [b, w] = await Promise.all([busy, waiting]);
    expect(b.events.length).toBeGreaterThan(0);
    expect((w.error as ParleyError).code).toBe('engine_unavailable');
    const after = await run(closing.stream(request()));
    expect((after.error as ParleyError).code).toBe('engine_unavailable');
    expect((after.error as ParleyError).message).toMatch(/was closed/);
  });

  it('runs with as many threads as cores when asked for more', async () => {
    const wide = new LlamaCppLlm({ modelPath, threads: 10_000, gpu: false });
    try {
      finish(await run(wide.stream(request({ max_output_tokens: 3 }))));
      expect(wide.threads).toBe(availableParallelism());
    } finally {
      await wide.close();
    }
  });
});

describe('LlamaCppLlm model file errors', () => {
  async function failure(path: string): Promise<ParleyError> {
    const broken = new LlamaCppLlm({ modelPath: path, threads: 1, gpu: false });
    const outcome = await run(broken.stream(request()));
    expect(outcome.error).toBeInstanceOf(ParleyError);
    const error = outcome.error as ParleyError;
    expect(error.code).toBe('engine_unavailable');
    expect(error.message).toContain(path);
    await expect(broken.warmup()).rejects.toThrow(path);
    return error;
  }

  it('a missing file is engine_unavailable, naming the path and how to fix it', async () => {
    const error = await failure(join(dirname(modelPath), 'no-such-model.gguf'));
    expect(error.message).toMatch(/does not exist/);
    expect(error.message).toMatch(/ensureModel|modelPath/);
  });

  it('a file that is not GGUF is engine_unavailable', async () => {
    const path = join(dirname(modelPath), 'not-a-model.gguf');
    writeFileSync(path, '<html>404 Not Found</html>');
    const error = await failure(path);
    expect(error.message).toMatch(/not a GGUF/);
  });

  it('a truncated GGUF is engine_unavailable', async () => {
    const path = join(dirname(modelPath), 'truncated.gguf');
    const whole = buildTinyLlama();
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length / 2)));
    const error = await failure(path);
    expect(error.message).toMatch(/could not load the model/);
  });

  it('a directory is engine_unavailable', async () => {
    const error = await failure(dirname(modelPath));
    expect(error.message).toMatch(/directory/);
  });
});
