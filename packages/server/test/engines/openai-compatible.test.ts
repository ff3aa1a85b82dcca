import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ParleyError, type ErrorCode } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LlmEvent, LlmRequest } from '../../src/engines/llm/index.js';
import { OpenAiCompatibleLlm, type OpenAiCompatibleOptions } from '../../src/engines/llm/openai-compatible.js';
import { startScriptedLlm, type RecordedRequest, type ScriptedLlm } from '../support/scripted-llm.js';

let llm: ScriptedLlm;
beforeEach(async () => {
  llm = await startScriptedLlm();
});
afterEach(async () => {
  await llm.close();
});

function engine(options: Partial<OpenAiCompatibleOptions> = {}): OpenAiCompatibleLlm {
  return new OpenAiCompatibleLlm({ baseUrl: llm.url, model: 'test-model', connectTimeoutMs: 5_000, idleTimeoutMs: 5_000, ...options });
}

function request(overrides: Partial<LlmRequest> = {}): LlmRequest {
  return {
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi!' },
    ],
    tools: [],
    tool_choice: 'auto',
    signal: new AbortController().signal,
    ...overrides,
  };
}

interface Outcome {
  events: LlmEvent[];
  /** What the iteration threw, if it did. */
  error?: unknown;
  ms: number;
}

/** Runs a stream to its end; `onEvent` sees each event as it arrives. */
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

/** The outcome's error, checked to be a ParleyError with `code`. */
function expectParleyError(outcome: Outcome, code: ErrorCode): ParleyError {
  expect(outcome.error, `expected ${code}, events: ${JSON.stringify(outcome.events)}`).toBeInstanceOf(ParleyError);
  const error = outcome.error as ParleyError;
  expect(error.code).toBe(code);
  expect(error.type).toBe('server_error');
  return error;
}

/** Resolves once the scripted server saw the client hang up; fails the test after `ms`. */
async function expectAborted(recorded: RecordedRequest, ms = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  const result = await Promise.race([recorded.aborted.then(() => 'aborted' as const), timedOut]);
  clearTimeout(timer);
  expect(result, 'the scripted server should see the HTTP request closed').toBe('aborted');
  expect(recorded.wasAborted).toBe(true);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sse = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
const textChunk = (content: string) => sse({ choices: [{ index: 0, delta: { content }, finish_reason: null }] });
const finishChunk = (reason = 'stop') => sse({ choices: [{ index: 0, delta: {}, finish_reason: reason }] });

/** A port that was just free: opened, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The arguments of the call at `index`, joined from its `tool_call_arguments` events. */
function argumentsOf(events: LlmEvent[], index: number): string {
  return events
    .filter((e): e is Extract<LlmEvent, { type: 'tool_call_arguments' }> => e.type === 'tool_call_arguments' && e.index === index)
    .map((e) => e.delta)
    .join('');
}

describe('OpenAiCompatibleLlm: streamed text', () => {
  it('yields the text pieces as text_delta events in order, then finish with the reason and the upstream usage', async () => {
    llm.enqueue({ text: ['Hel', 'lo', ' wor', 'ld.'], usage: { prompt_tokens: 21, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 8 } } });
    const outcome = await run(engine().stream(request()));
    expect(outcome.error).toBeUndefined();
    expect(outcome.events).toStrictEqual([
      { type: 'text_delta', delta: 'Hel' },
      { type: 'text_delta', delta: 'lo' },
      { type: 'text_delta', delta: ' wor' },
      { type: 'text_delta', delta: 'ld.' },
      { type: 'finish', reason: 'stop', usage: { input_tokens: 21, output_tokens: 4, cached_tokens: 8 } },
    ]);
  });

  it('finishes without usage when the server reports none', async () => {
    llm.enqueue({ text: ['Hi.'] });
    const outcome = await run(engine().stream(request()));
    expect(outcome.error).toBeUndefined();
    expect(outcome.events).toStrictEqual([
      { type: 'text_delta', delta: 'Hi.' },
      { type: 'finish', reason: 'stop', usage: undefined },
    ]);
  });

  it.each([
    ['length', 'length'],
    ['content_filter', 'content_filter'],
    ['tool_calls', 'tool_calls'],
    ['stop', 'stop'],
  ] as const)('maps finish_reason %s to %s', async (upstream, expected) => {
    llm.enqueue({ text: ['x'], finishReason: upstream });
    const outcome = await run(engine().stream(request()));
    expect(outcome.error).toBeUndefined();
    expect(outcome.events.at(-1)).toMatchObject({ type: 'finish', reason: expected });
    expect(outcome.events.filter((e) => e.type === 'finish')).toHaveLength(1);
  });

  it('reassembles an SSE event split across network writes, and several events in one write', async () => {
    const first = textChunk('Bon');
    llm.enqueue({
      raw: [first.slice(0, 17), first.slice(17), textChunk('jour') + textChunk(' à ') + textChunk('tous'), finishChunk(), 'data: [DONE]\n\n'],
      delayMs: 30,
    });
    const outcome = await run(engine().stream(request()));
    expect(outcome.error).toBeUndefined();
    expect(outcome.events).toStrictEqual([
      { type: 'text_delta', delta: 'Bon' },
      { type: 'text_delta', delta: 'jour' },
      { type: 'text_delta', delta: ' à ' },
      { type: 'text_delta', delta: 'tous' },
      { type: 'finish', reason: 'stop', usage: undefined },
    ]);
  });

  it('accepts a stream that ends cleanly after its finish_reason without [DONE]', async () => {
    llm.enqueue({ raw: [textChunk('Done'), finishChunk('length')] });
    const outcome = await run(engine().stream(request()));
    expect(outcome.error).toBeUndefined();
    expect(outcome.events).toStrictEqual([
      { type: 'text_delta', delta: 'Done' },
      { type: 'finish', reason: 'length', usage: undefined },
    ]);
  });
});

describe('OpenAiCompatibleLlm: the request it sends', () => {
  it('POSTs model, messages and stream:true to /chat/completions, with no tools, limits or Authorization unless set', async () => {
    const messages: LlmRequest['messages'] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What is 2+2?' },
      { role: 'assistant', content: '4.' },
      { role: 'user', content: [{ type: 'text', text: 'And this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
    ];
    llm.enqueue({ text: ['OK.'] });
    const outcome = await run(engine().stream(request({ messages })));
    expect(outcome.error).toBeUndefined();
    expect(llm.requests).toHaveLength(1);
    const sent = llm.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers.accept).toBe('text/event-stream');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body.model).toBe('test-model');
    expect(sent.body.messages).toStrictEqual(messages);
    expect(sent.body.stream).toBe(true);
    expect(Object.keys(sent.body)).not.toContain('tools');
    expect(Object.keys(sent.body)).not.toContain('tool_choice');
    expect(Object.keys(sent.body)).not.toContain('max_tokens');
    expect(Object.keys(sent.body)).not.toContain('temperature');
  });

  it('sends tools in chat-completions shape with tool_choice, max_tokens, temperature and a Bearer key when given', async () => {
    llm.enqueue({ text: ['OK.'] });
    const outcome = await run(
      engine({ apiKey: 'sk-scripted-123' }).stream(
        request({
          tools: [
            { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
            { name: 'now' },
          ],
          tool_choice: 'required',
          max_output_tokens: 77,
          temperature: 0.3,
        }),
      ),
    );
    expect(outcome.error).toBeUndefined();
    const sent = llm.requests[0]!;
    expect(sent.headers.authorization).toBe('Bearer sk-scripted-123');
    expect(sent.body.tools).toStrictEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
      // No description and no schema: JSON drops the undefined description; parameters default to an empty object schema.
      { type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } },
    ]);
    expect(sent.body.tool_choice).toBe('required');
    expect(sent.body.max_tokens).toBe(77);
    expect(sent.body.temperature).toBe(0.3);
  });

  it('names a forced function in tool_choice and sends a temperature of 0 (set, though falsy)', async () => {
    llm.enqueue({ text: ['OK.'] });
    await run(engine().stream(request({ tools: [{ name: 'lookup' }], tool_choice: { name: 'lookup' }, temperature: 0 })));
    const sent = llm.requests[0]!;
    expect(sent.body.tool_choice).toStrictEqual({ type: 'function', function: { name: 'lookup' } });
    expect(sent.body.temperature).toBe(0);
    expect(Object.keys(sent.body)).not.toContain('max_tokens');
  });

  it.each([`/`, `/chat/completions`, `/chat/completions/`])('accepts a base URL ending in %s', async (suffix) => {
    llm.enqueue({ text: ['OK.'] });
    const outcome = await run(engine({ baseUrl: llm.url + suffix }).stream(request()));
    expect(outcome.error).toBeUndefined();
    expect(llm.requests[0]!.path).toBe('/v1/chat/completions');
  });
});

describe('OpenAiCompatibleLlm: tool calls', () => {
  it('announces a call with tool_call_start, then streams its argument pieces with the same index', async () => {
    llm.enqueue({
      toolCalls: [{ id: 'call_abc', name: 'get_weather', arguments: ['{"ci', 'ty": "Par', 'is", "unit"', ': "C"}'] }],
      usage: { prompt_tokens: 30, completion_tokens: 12 },
    });
    const outcome = await run(engine().stream(request({ tools: [{ name: 'get_weather' }] })));
    expect(outcome.error).toBeUndefined();
    expect(outcome.events).toStrictEqual([
      { type: 'tool_call_start', index: 0, call_id: 'call_abc', name: 'get_weather' },
      { type: 'tool_call_arguments', index: 0, delta: '{"ci' },
      { type: 'tool_call_arguments', index: 0, delta: 'ty": "Par' },
      { type: 'tool_call_arguments', index: 0, delta: 'is", "unit"' },
      { type: 'tool_call_arguments', index: 0, delta: ': "C"}' },
      { type: 'finish', reason: 'tool_calls', usage: { input_tokens: 30, output_tokens: 12, cached_tokens: undefined } },
    ]);
    expect(JSON.parse(argumentsOf(outcome.events, 0))).toStrictEqual({ city: 'Paris', unit: 'C' });
  });

  it('keeps two parallel calls apart by index, each starting before its arguments', async () => {
    llm.enqueue({
      text: ['Checking both.'],
      toolCalls: [
        { id: 'call_one', name: 'get_weather', arguments: ['{"city":', '"Oslo"}'] },
        { id: 'call_two', name: 'get_time', arguments: ['{"tz":"Europe/', 'Oslo"', '}'] },
      ],
    });
    const outcome = await run(engine().stream(request({ tools: [{ name: 'get_weather' }, { name: 'get_time' }] })));
    expect(outcome.error).toBeUndefined();
    expect(outcome.events).toStrictEqual([
      { type: 'text_delta', delta: 'Checking both.' },
      { type: 'tool_call_start', index: 0, call_id: 'call_one', name: 'get_weather' },
      { type: 'tool_call_arguments', index: 0, delta: '{"city":' },
      { type: 'tool_call_arguments', index: 0, delta: '"Oslo"}' },
      { type: 'tool_call_start', index: 1, call_id: 'call_two', name: 'get_time' },
      { type: 'tool_call_arguments', index: 1, delta: '{"tz":"Europe/' },
      { type: 'tool_call_arguments', index: 1, delta: 'Oslo"' },
      { type: 'tool_call_arguments', index: 1, delta: '}' },
      { type: 'finish', reason: 'tool_calls', usage: undefined },
    ]);
    expect(argumentsOf(outcome.events, 0)).toBe('{"city":"Oslo"}');
    expect(argumentsOf(outcome.events, 1)).toBe('{"tz":"Europe/Oslo"}');
  });

  it('separates parallel calls whose fragments arrive interleaved, and holds arguments sent before the name', async () => {
    const call = (tool_calls: unknown[]) => sse({ choices: [{ index: 0, delta: { tool_calls }, finish_reason: null }] });
    llm.enqueue({
      raw: [
        call([{ index: 0, id: 'call_a', type: 'function', function: { name: 'alpha', arguments: '{"a"' } }]),
        // Call 1's id and first argument piece come before its name.
        call([{ index: 1, id: 'call_b', type: 'function', function: { arguments: '{"b"' } }]),
        call([{ index: 0, function: { arguments: ':1}' } }]),
        call([{ index: 1, function: { name: 'beta', arguments: ':2' } }]),
        call([{ index: 1, function: { arguments: '}' } }]),
        finishChunk('tool_calls'),
        'data: [DONE]\n\n',
      ],
    });
    const outcome = await run(engine().stream(request({ tools: [{ name: 'alpha' }, { name: 'beta' }] })));
    expect(outcome.error).toBeUndefined();
    const starts = outcome.events.filter((e) => e.type === 'tool_call_start');
    expect(starts).toStrictEqual([
      { type: 'tool_call_start', index: 0, call_id: 'call_a', name: 'alpha' },
      { type: 'tool_call_start', index: 1, call_id: 'call_b', name: 'beta' },
    ]);
    // No arguments for a call before its start.
    for (const index of [0, 1]) {
      const startAt = outcome.events.findIndex((e) => e.type === 'tool_call_start' && e.index === index);
      const firstArgsAt = outcome.events.findIndex((e) => e.type === 'tool_call_arguments' && e.index === index);
      expect(firstArgsAt).toBeGreaterThan(startAt);
    }
    expect(argumentsOf(outcome.events, 0)).toBe('{"a":1}');
    expect(argumentsOf(outcome.events, 1)).toBe('{"b":2}');
    expect(outcome.events.at(-1)).toStrictEqual({ type: 'finish', reason: 'tool_calls', usage: undefined });
  });
});

describe('OpenAiCompatibleLlm: a non-streaming JSON answer', () => {
  it('turns a JSON completion with text into one text_delta and finish with usage', async () => {
    llm.enqueue({ nonStreaming: true, text: ['Hello ', 'there.'], usage: { prompt_tokens: 9, completion_tokens: 2 } });
    const outcome = await run(engine().stream(request()));
    expect(outcome.error).toBeUndefined();
    expect(outcome.events).toStrictEqual([
      { type: 'text_delta', delta: 'Hello there.' },
      { type: 'finish', reason: 'stop', usage: { input_tokens: 9, output_tokens: 2, cached_tokens: undefined } },
    ]);
  });

  it('turns a JSON completion with tool calls into start + arguments per call', async () => {
    llm.enqueue({
      nonStreaming: true,
      toolCalls: [
        { id: 'call_x', name: 'first', arguments: ['{"n":', '1}'] },
        { id: 'call_y', name: 'second', arguments: ['{}'] },
      ],
    });
    const outcome = await run(engine().stream(request({ tools: [{ name: 'first' }, { name: 'second' }] })));
    expect(outcome.error).toBeUndefined();
    expect(outcome.events).toStrictEqual([
      { type: 'tool_call_start', index: 0, call_id: 'call_x', name: 'first' },
      { type: 'tool_call_arguments', index: 0, delta: '{"n":1}' },
      { type: 'tool_call_start', index: 1, call_id: 'call_y', name: 'second' },
      { type: 'tool_call_arguments', index: 1, delta: '{}' },
      { type: 'finish', reason: 'tool_calls', usage: undefined },
    ]);
  });
});

describe('OpenAiCompatibleLlm: failures', () => {
  it.each([
    [500, 'The model crashed.'],
    [401, 'Incorrect API key provided.'],
  ])('maps HTTP %i with a JSON error body to engine_http_error quoting the status and upstream message', async (status, message) => {
    llm.enqueue({ status, body: JSON.stringify({ error: { message, type: 'server_error' } }) });
    const outcome = await run(engine().stream(request()));
    const error = expectParleyError(outcome, 'engine_http_error');
    expect(error.message).toBe(`The LLM server at ${llm.url}/chat/completions answered HTTP ${status}: ${message}`);
    expect(outcome.events).toStrictEqual([]);
  });

  it('quotes a non-JSON error body as it is', async () => {
    llm.enqueue({ status: 503, body: 'upstream overloaded, retry later\n' });
    const outcome = await run(engine().stream(request()));
    const error = expectParleyError(outcome, 'engine_http_error');
    expect(error.message).toBe(`The LLM server at ${llm.url}/chat/completions answered HTTP 503: upstream overloaded, retry later`);
  });

  it('maps a refused connection to engine_unreachable', async () => {
    const port = await closedPort();
    const outcome = await run(engine({ baseUrl: `http://127.0.0.1:${port}/v1` }).stream(request()));
    const error = expectParleyError(outcome, 'engine_unreachable');
    expect(error.message).toBe(`The LLM server at http://127.0.0.1:${port}/v1/chat/completions could not be reached (ECONNREFUSED).`);
    expect(outcome.events).toStrictEqual([]);
  });

  it('does not call a server that took the request and then hung up "unreachable": that is engine_stream_error', async () => {
    // The connection was accepted and the request sent: nothing was refused or unresolvable
    // (the registry's definition of engine_unreachable). The upstream broke off before its answer.
    llm.enqueue({ hangUp: true });
    const outcome = await run(engine().stream(request()));
    expect(llm.requests).toHaveLength(1);
    const error = expectParleyError(outcome, 'engine_stream_error');
    expect(error.message).toMatch(/^The LLM stream from http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions broke off: /);
    expect(outcome.events).toStrictEqual([]);
  });

  it('times out with engine_timeout after connectTimeoutMs when no headers come, and closes the request', async () => {
    llm.enqueue({ neverAnswer: true });
    const outcome = await run(engine({ connectTimeoutMs: 200 }).stream(request()));
    const error = expectParleyError(outcome, 'engine_timeout');
    expect(error.message).toBe(`The LLM server at ${llm.url}/chat/completions did not answer within 200 ms.`);
    expect(outcome.ms).toBeGreaterThanOrEqual(190);
    expect(outcome.ms).toBeLessThan(2_000);
    expect(outcome.events).toStrictEqual([]);
    await expectAborted(llm.requests[0]!);
  });

  it('times out with engine_timeout after idleTimeoutMs when the stream goes silent, keeping what came before', async () => {
    llm.enqueue({ text: ['one', 'two', 'three'], breakAfter: { chunks: 2, how: 'hang' } });
    const outcome = await run(engine({ idleTimeoutMs: 200 }).stream(request()));
    const error = expectParleyError(outcome, 'engine_timeout');
    expect(error.message).toBe(`The LLM server at ${llm.url}/chat/completions sent nothing within 200 ms.`);
    expect(outcome.events).toStrictEqual([
      { type: 'text_delta', delta: 'one' },
      { type: 'text_delta', delta: 'two' },
    ]);
    expect(outcome.ms).toBeGreaterThanOrEqual(190);
    expect(outcome.ms).toBeLessThan(2_000);
    await expectAborted(llm.requests[0]!);
  });

  it('applies the idle timeout between chunks, not to the whole stream, and the connect timeout only until headers', async () => {
    // Six writes 80 ms apart: 480 ms in all, longer than either timeout, but no gap reaches 200 ms.
    llm.enqueue({ text: ['a', 'b', 'c', 'd'], delayMs: 80 });
    const outcome = await run(engine({ connectTimeoutMs: 200, idleTimeoutMs: 200 }).stream(request()));
    expect(outcome.error).toBeUndefined();
    expect(outcome.events.map((e) => (e.type === 'text_delta' ? e.delta : e.type))).toStrictEqual(['a', 'b', 'c', 'd', 'finish']);
    expect(outcome.ms).toBeGreaterThan(200);
  });

  it('times out with engine_timeout when headers come but no chunk ever does', async () => {
    llm.enqueue({ text: ['never'], breakAfter: { chunks: 0, how: 'hang' } });
    const outcome = await run(engine({ connectTimeoutMs: 5_000, idleTimeoutMs: 200 }).stream(request()));
    const error = expectParleyError(outcome, 'engine_timeout');
    expect(error.message).toBe(`The LLM server at ${llm.url}/chat/completions sent nothing within 200 ms.`);
    expect(outcome.events).toStrictEqual([]);
  });

  it('maps a socket destroyed mid-stream to engine_stream_error, keeping what came before', async () => {
    llm.enqueue({ text: ['one', 'two', 'three'], breakAfter: { chunks: 2, how: 'destroy' } });
    const outcome = await run(engine().stream(request()));
    const error = expectParleyError(outcome, 'engine_stream_error');
    expect(error.message).toMatch(/^The LLM stream from http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions broke off: /);
    expect(outcome.events).toStrictEqual([
      { type: 'text_delta', delta: 'one' },
      { type: 'text_delta', delta: 'two' },
    ]);
  });

  it('maps a chunk that is not JSON to engine_stream_error, and closes the request', async () => {
    llm.enqueue({ raw: [textChunk('Fine so far'), 'data: {"choices": [oops\n\n', textChunk('never seen'), finishChunk(), 'data: [DONE]\n\n'], delayMs: 30 });
    const outcome = await run(engine().stream(request()));
    const error = expectParleyError(outcome, 'engine_stream_error');
    expect(error.message).toBe(`The LLM server at ${llm.url}/chat/completions sent a chunk that is not JSON: {"choices": [oops`);
    expect(outcome.events).toStrictEqual([{ type: 'text_delta', delta: 'Fine so far' }]);
    await expectAborted(llm.requests[0]!);
  });

  it('maps an error object inside the stream to engine_stream_error quoting it', async () => {
    llm.enqueue({ raw: [textChunk('Partial'), sse({ error: { message: 'CUDA out of memory' } })] });
    const outcome = await run(engine().stream(request()));
    const error = expectParleyError(outcome, 'engine_stream_error');
    expect(error.message).toBe(`The LLM server at ${llm.url}/chat/completions reported: CUDA out of memory`);
    expect(outcome.events).toStrictEqual([{ type: 'text_delta', delta: 'Partial' }]);
  });

  it('maps a stream that ends cleanly with neither finish_reason nor [DONE] to engine_stream_error', async () => {
    llm.enqueue({ raw: [textChunk('Cut'), textChunk(' short')] });
    const outcome = await run(engine().stream(request()));
    const error = expectParleyError(outcome, 'engine_stream_error');
    expect(error.message).toBe(`The LLM stream from ${llm.url}/chat/completions ended before the response was complete.`);
    expect(outcome.events).toStrictEqual([
      { type: 'text_delta', delta: 'Cut' },
      { type: 'text_delta', delta: ' short' },
    ]);
  });
});

describe('OpenAiCompatibleLlm: aborting', () => {
  it('stops the iteration with the signal’s reason when the caller aborts mid-stream, and closes the HTTP request', async () => {
    llm.enqueue({ text: ['one', 'two', 'three', 'four', 'five'], delayMs: 100 });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const outcome = await run(engine().stream(request({ signal: controller.signal })), (event) => {
      if (event.type === 'text_delta') controller.abort(reason);
    });
    expect(outcome.error).toBe(reason);
    expect(outcome.events).toStrictEqual([{ type: 'text_delta', delta: 'one' }]);
    expect(outcome.ms).toBeLessThan(400);
    await expectAborted(llm.requests[0]!);
  });

  it('yields nothing more once the caller aborted, even events already received in the same network read', async () => {
    // Three text chunks in one write, then silence: all three are parsed from one read.
    llm.enqueue({ raw: [textChunk('one') + textChunk('two') + textChunk('three')], breakAfter: { chunks: 1, how: 'hang' } });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const outcome = await run(engine().stream(request({ signal: controller.signal })), (event) => {
      if (event.type === 'text_delta') controller.abort(reason);
    });
    expect(outcome.events).toStrictEqual([{ type: 'text_delta', delta: 'one' }]);
    expect(outcome.error).toBe(reason);
    await expectAborted(llm.requests[0]!);
  });

  it('rejects with the reason when aborted before the server answered, and closes the request', async () => {
    llm.enqueue({ neverAnswer: true });
    const controller = new AbortController();
    const reason = new Error('too slow for me');
    const pending = run(engine().stream(request({ signal: controller.signal })));
    await llm.request(0);
    controller.abort(reason);
    const outcome = await pending;
    expect(outcome.error).toBe(reason);
    expect(outcome.events).toStrictEqual([]);
    await expectAborted(llm.requests[0]!);
  });

  it('closes the HTTP request when the caller stops iterating early', async () => {
    llm.enqueue({ text: ['one', 'two', 'three', 'four'], delayMs: 100 });
    const events: LlmEvent[] = [];
    for await (const event of engine().stream(request())) {
      events.push(event);
      break;
    }
    expect(events).toStrictEqual([{ type: 'text_delta', delta: 'one' }]);
    await expectAborted(llm.requests[0]!);
  });

  it('does not time out after the caller aborted: the rejection is the abort reason, not engine_timeout', async () => {
    llm.enqueue({ neverAnswer: true });
    const controller = new AbortController();
    const reason = new Error('abort first');
    const pending = run(engine({ connectTimeoutMs: 150 }).stream(request({ signal: controller.signal })));
    await llm.request(0);
    controller.abort(reason);
    const outcome = await pending;
    await sleep(250);
    expect(outcome.error).toBe(reason);
  });
});
