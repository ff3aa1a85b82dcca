/**
 * An LLM engine for any OpenAI-compatible `/v1/chat/completions` server: Ollama, vLLM,
 * llama.cpp's server, LocalAI, LM Studio, OpenAI itself. Streams over SSE, assembles
 * tool-call deltas, and closes the HTTP request when the caller aborts.
 */
import { ParleyError } from '@parley/protocol';
import { describeFetchFailure, httpError, type HttpEngineNames } from '../http-errors.js';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { ChatToolCall, LlmEngine, LlmEvent, LlmFinishReason, LlmRequest, LlmToolChoice, LlmUsage } from './index.js';

export interface OpenAiCompatibleOptions {
  /** Base URL of the API, e.g. `http://127.0.0.1:11434/v1`; `/chat/completions` is appended. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** How long to wait for the response headers. */
  connectTimeoutMs?: number;
  /** How long the stream may stay silent between two chunks. */
  idleTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

interface ChunkChoice {
  delta?: { content?: string | null; tool_calls?: ToolCallDelta[] };
  message?: { content?: string | null; tool_calls?: ChatToolCall[] };
  finish_reason?: string | null;
}
interface ToolCallDelta {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}
interface Chunk {
  choices?: ChunkChoice[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } } | null;
  error?: { message?: string };
}

export function chatCompletionsUrl(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return trimmed.endsWith('/chat/completions') ? trimmed : `${trimmed}/chat/completions`;
}

function finishReason(raw: string | null | undefined): LlmFinishReason {
  switch (raw) {
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

function toolChoice(choice: LlmToolChoice): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function usageOf(chunk: Chunk): LlmUsage | undefined {
  const u = chunk.usage;
  if (!u || typeof u.prompt_tokens !== 'number' || typeof u.completion_tokens !== 'number') return undefined;
  return { input_tokens: u.prompt_tokens, output_tokens: u.completion_tokens, cached_tokens: u.prompt_tokens_details?.cached_tokens };
}

/** Assembles streamed tool-call fragments; a call is announced once its id and name are known. */
class ToolCallAssembler {
  #calls = new Map<number, { id?: string; name?: string; started: boolean; pending: string }>();

  *accept(deltas: ToolCallDelta[]): Generator<LlmEvent> {
    for (const [position, delta] of deltas.entries()) {
      // Some servers (Ollama) omit `index` and send each call whole.
      const index = delta.index ?? position;
      let call = this.#calls.get(index);
      if (!call) {
        call = { started: false, pending: '' };
        this.#calls.set(index, call);
      }
      if (delta.id) call.id = delta.id;
      if (delta.function?.name) call.name = (call.name ?? '') + delta.function.name;
      const args = delta.function?.arguments ?? '';
      if (!call.started && call.name) {
        call.started = true;
        yield { type: 'tool_call_start', index, call_id: call.id ?? `call_${index}`, name: call.name };
        if (call.pending) yield { type: 'tool_call_arguments', index, delta: call.pending };
        call.pending = '';
      }
      if (args) {
        if (call.started) yield { type: 'tool_call_arguments', index, delta: args };
        else call.pending += args;
      }
    }
  }
}

export class OpenAiCompatibleLlm implements LlmEngine {
  readonly label: string;
  readonly capabilities = { tools: true, images: true };
  readonly #url: string;
  readonly #names: HttpEngineNames;
  readonly #options: OpenAiCompatibleOptions;

  constructor(options: OpenAiCompatibleOptions) {
    this.#options = options;
    this.#url = chatCompletionsUrl(options.baseUrl);
    this.#names = { server: 'LLM server', broken: 'The LLM stream from', url: this.#url };
    this.label = `openai-compatible(${options.baseUrl}, ${options.model})`;
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmEvent> {
    const timeout = new AbortController();
    const signal = AbortSignal.any([request.signal, timeout.signal]);
    let timer: NodeJS.Timeout | undefined;
    let answered = false;
    const arm = (ms: number, what: string) => {
      clearTimeout(timer);
      timer = setTimeout(() => timeout.abort(new ParleyError('engine_timeout', `The LLM server at ${this.#url} ${what} within ${ms} ms.`)), ms);
    };
    try {
      arm(this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, 'did not answer');
      const response = await this.#post(request, signal);
      answered = true;
      const idleMs = this.#options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
      arm(idleMs, 'sent nothing');
      const type = response.headers.get('content-type') ?? '';
      if (type.includes('application/json')) {
        yield* this.#fromCompletion((await response.json()) as Chunk);
        return;
      }
      yield* this.#fromStream(response, signal, () => arm(idleMs, 'sent nothing'));
    } catch (err) {
      if (request.signal.aborted) throw request.signal.reason ?? err;
      if (timeout.signal.aborted) throw timeout.signal.reason;
      throw describeFetchFailure(err, answered, this.#names);
    } finally {
      clearTimeout(timer);
    }
  }

  async #post(request: LlmRequest, signal: AbortSignal): Promise<Response> {
    const body: Record<string, unknown> = {
      model: this.#options.model,
      messages: request.messages,
      stream: true,
      stream_options: { include_usage: true },
    };
    if (request.tools.length > 0) {
      body.tools = request.tools.map((t) => ({
        type: 'function',
        function: { name: t.name, description: t.description, parameters: t.parameters ?? { type: 'object', properties: {} } },
      }));
      body.tool_choice = toolChoice(request.tool_choice);
    }
    if (request.max_output_tokens !== undefined) body.max_tokens = request.max_output_tokens;
    if (request.temperature !== undefined) body.temperature = request.temperature;
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
    if (this.#options.apiKey) headers.authorization = `Bearer ${this.#options.apiKey}`;
    const response = await fetch(this.#url, { method: 'POST', headers, body: JSON.stringify(body), signal });
    if (!response.ok) throw await httpError(response, this.#names);
    if (!response.body) throw new ParleyError('engine_stream_error', `The LLM server at ${this.#url} sent no body.`);
    return response;
  }

  async *#fromStream(response: Response, signal: AbortSignal, onChunk: () => void): AsyncIterable<LlmEvent> {
    const events: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (event) => events.push(event) });
    const decoder = new TextDecoder();
    const tools = new ToolCallAssembler();
    let reason: string | null | undefined;
    let usage: LlmUsage | undefined;
    let done = false;
    for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
      onChunk();
      parser.feed(decoder.decode(bytes, { stream: true }));
      for (const event of events.splice(0)) {
        // One network read can hold many events; none may reach a caller that already aborted.
        signal.throwIfAborted();
        if (event.data === '[DONE]') {
          done = true;
          break;
        }
        let chunk: Chunk;
        try {
          chunk = JSON.parse(event.data) as Chunk;
        } catch {
          throw new ParleyError('engine_stream_error', `The LLM server at ${this.#url} sent a chunk that is not JSON: ${event.data.slice(0, 120)}`);
        }
        if (chunk.error) throw new ParleyError('engine_stream_error', `The LLM server at ${this.#url} reported: ${chunk.error.message ?? 'an error'}`);
        usage = usageOf(chunk) ?? usage;
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        if (choice.delta?.content) yield { type: 'text_delta', delta: choice.delta.content };
        if (choice.delta?.tool_calls) yield* tools.accept(choice.delta.tool_calls);
        if (choice.finish_reason) reason = choice.finish_reason;
      }
      if (done) break;
    }
    if (!done && !reason) {
      throw new ParleyError('engine_stream_error', `The LLM stream from ${this.#url} ended before the response was complete.`);
    }
    yield { type: 'finish', reason: finishReason(reason), usage };
  }

  *#fromCompletion(completion: Chunk): Generator<LlmEvent> {
    const choice = completion.choices?.[0];
    const message = choice?.message;
    if (!message) throw new ParleyError('engine_stream_error', `The LLM server at ${this.#url} sent a completion without a message.`);
    if (message.content) yield { type: 'text_delta', delta: message.content };
    for (const [index, call] of (message.tool_calls ?? []).entries()) {
      yield { type: 'tool_call_start', index, call_id: call.id, name: call.function.name };
      if (call.function.arguments) yield { type: 'tool_call_arguments', index, delta: call.function.arguments };
    }
    yield { type: 'finish', reason: finishReason(choice.finish_reason), usage: usageOf(completion) };
  }

}
