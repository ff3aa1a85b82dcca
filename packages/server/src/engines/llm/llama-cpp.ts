/**
 * An LLM engine running a local GGUF model in-process with llama.cpp, through `node-llama-cpp`
 * (its prebuilt CPU/GPU binaries come from npm; nothing is built or downloaded at run time).
 *
 * How it works (figures and caveats in docs/llm.md):
 * - The model's own chat template is used: node-llama-cpp resolves a chat wrapper from the
 *   GGUF (a specialised one for known families such as Llama 3, Qwen, Mistral, Gemma, else the
 *   Jinja `tokenizer.chat_template`).
 * - The contract is stateless: every call brings the whole message list. The engine keeps one
 *   context with `parallel` sequences; a call borrows a sequence (more calls wait) and
 *   node-llama-cpp reuses whatever prefix of that sequence's tokens matches the new prompt, so
 *   a growing conversation only evaluates what is new (reported as `cached_tokens`).
 * - Tools, `tool_choice: 'auto'`: node-llama-cpp's function calling, in the call syntax of the
 *   model's chat wrapper (or its generic `||call: name(args)` syntax when the template has
 *   none); the arguments are grammar-constrained to the tool's schema (`toGbnfSchema`) and
 *   streamed as `tool_call_arguments`. A call ends the generation with `finish: tool_calls`.
 * - `tool_choice: 'required'` or `{ name }`: grammar-constrained JSON instead, since the
 *   library cannot force its native call syntax. With several candidate tools a first short
 *   generation picks the name (`{"name": one of the tools}`); then the arguments are generated
 *   as JSON matching the tool's schema and streamed. The tools are described to the model in
 *   an added system message. `'none'`: the tools are not offered at all.
 * - `threads` is capped at `os.availableParallelism()`: more threads than cores makes ggml's
 *   spinning thread pool hundreds of times slower. The default leaves one core free.
 * - Aborting stops generation within a token; the sequence is released only once it stopped.
 */
import { availableParallelism } from 'node:os';
import { open } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { ParleyError } from '@parley/protocol';
import type { ChatHistoryItem, GbnfJsonSchema, Llama, LlamaChat, LlamaChatResponseFunctionCallParamsChunk, LlamaContext, LlamaModel } from 'node-llama-cpp';
import type { Logger } from '../../logger.js';
import type { LlmEngine, LlmEvent, LlmFinishReason, LlmRequest, LlmTool, LlmUsage } from './index.js';
import { describeTools, toChatHistory, toFunctions, toGbnfSchema } from './llama-cpp-convert.js';

export type LlamaCppGpu = 'auto' | false | 'cuda' | 'vulkan' | 'metal';

export interface LlamaCppOptions {
  /** Path of the `.gguf` model file (see `ensureModel` in models/download.ts to fetch one). */
  modelPath: string;
  /**
   * CPU threads for evaluation. Capped at `os.availableParallelism()`. Default: one less than
   * that (at least 1), since the server's speech engines need a core too.
   */
  threads?: number;
  /** Context window in tokens. Default: the model's training context, at most 4096. */
  contextSize?: number;
  /** Calls that can generate at once (context sequences); more wait for one. Default 1. */
  parallel?: number;
  /** GPU backend: `false` (CPU only), `'auto'` (default: use one if its binary loads), or a named one. */
  gpu?: LlamaCppGpu;
  /** Layers to offload when a GPU is used: a number, `'max'`, or `'auto'` (default). */
  gpuLayers?: number | 'auto' | 'max';
  /** Sampling temperature when the request sets none. Default 0.8; 0 is greedy. */
  temperature?: number;
  /** Receives llama.cpp's warnings and errors. */
  logger?: Logger;
}

/** The effective thread count: the option (or cores − 1), never more than the cores, at least 1. */
export function llamaThreads(requested: number | undefined, cores = availableParallelism()): number {
  const wanted = requested === undefined || !Number.isFinite(requested) ? cores - 1 : Math.floor(requested);
  return Math.max(1, Math.min(wanted, cores));
}

const DEFAULT_TEMPERATURE = 0.8;
const MAX_DEFAULT_CONTEXT = 4096;
/** Enough for `{"name": "<tool name>"}` from a constrained grammar. */
const NAME_PICK_MAX_TOKENS = 96;

type NodeLlamaCpp = typeof import('node-llama-cpp');

let logSink: Logger | undefined;
const llamas = new Map<string, Promise<Llama>>();

/** One `Llama` (the loaded native binding) per GPU setting, shared by every engine in the process. */
function sharedLlama(lib: NodeLlamaCpp, gpu: LlamaCppGpu): Promise<Llama> {
  const key = String(gpu);
  let llama = llamas.get(key);
  if (!llama) {
    llama = lib.getLlama({
      gpu,
      build: 'never',
      skipDownload: true,
      progressLogs: false,
      // node-llama-cpp's default is max(4, cores), which oversubscribes small machines.
      maxThreads: availableParallelism(),
      logLevel: lib.LlamaLogLevel.warn,
      logger: (level, message) => {
        const text = message.trim();
        if (!text) return;
        if (level === lib.LlamaLogLevel.error || level === lib.LlamaLogLevel.fatal) logSink?.error(`llama.cpp: ${text}`);
        else logSink?.warn(`llama.cpp: ${text}`);
      },
    });
    llamas.set(key, llama);
    llama.catch(() => llamas.delete(key));
  }
  return llama;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Resolves with `promise`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** A push-based event buffer read as an async iterable. */
class EventQueue<T> {
  #items: T[] = [];
  #done = false;
  #error: { value: unknown } | undefined;
  #wake: (() => void) | undefined;

  push(item: T): void {
    this.#items.push(item);
    this.#notify();
  }
  end(): void {
    this.#done = true;
    this.#notify();
  }
  fail(error: unknown): void {
    this.#error = { value: error };
    this.#notify();
  }
  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
  async *drain(): AsyncGenerator<T> {
    for (;;) {
      if (this.#items.length > 0) {
        yield this.#items.shift() as T;
        continue;
      }
      if (this.#error) throw this.#error.value;
      if (this.#done) return;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}

interface Loaded {
  lib: NodeLlamaCpp;
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  /** node-llama-cpp's name for the chat format in use, e.g. `JinjaTemplate`, `Llama 3.1`, `Qwen`. */
  chatWrapper: string;
}

interface Tally {
  input: number;
  cached: number;
  output: number;
}

/** Turns node-llama-cpp's function-call parameter chunks into tool-call events. */
export class ToolCallEvents {
  #started = new Map<number, { id: string; text: string }>();

  constructor(readonly emit: (event: LlmEvent) => void) {}

  get count(): number {
    return this.#started.size;
  }

  chunk(chunk: Pick<LlamaChatResponseFunctionCallParamsChunk, 'callIndex' | 'functionName' | 'paramsChunk'>): void {
    const call = this.#start(chunk.callIndex, chunk.functionName);
    if (chunk.paramsChunk) {
      call.text += chunk.paramsChunk;
      this.emit({ type: 'tool_call_arguments', index: chunk.callIndex, delta: chunk.paramsChunk });
    }
  }

  /** Announces a finished call that streamed no chunks (some wrappers only report whole calls). */
  complete(index: number, name: string, params: unknown): void {
    if (this.#started.has(index)) return;
    this.#start(index, name);
    this.emit({ type: 'tool_call_arguments', index, delta: JSON.stringify(params ?? {}) });
  }

  #start(index: number, name: string): { id: string; text: string } {
    let call = this.#started.get(index);
    if (!call) {
      call = { id: `call_${randomBytes(12).toString('base64url')}`, text: '' };
      this.#started.set(index, call);
      this.emit({ type: 'tool_call_start', index, call_id: call.id, name });
    }
    return call;
  }
}

export class LlamaCppLlm implements LlmEngine {
  readonly label: string;
  readonly capabilities = { tools: true, images: false };
  /** The thread count every evaluation uses (the option, capped at the core count). */
  readonly threads: number;
  readonly #options: LlamaCppOptions;
  #loading: Promise<Loaded> | undefined;
  #loaded: Loaded | undefined;
  #free: LlamaChat[] = [];
  #waiting: Array<{ resolve: (chat: LlamaChat) => void; reject: (err: unknown) => void }> = [];
  #closed = false;

  constructor(options: LlamaCppOptions) {
    this.#options = options;
    this.threads = llamaThreads(options.threads);
    this.label = `llama-cpp(${options.modelPath})`;
    if (options.logger) logSink = options.logger;
  }

  /** The loaded model's context size, once loaded. */
  get contextSize(): number | undefined {
    return this.#loaded?.context.contextSize;
  }

  get contextTokens(): number | undefined {
    return this.contextSize;
  }

  /** The chat format node-llama-cpp resolved from the model (e.g. `JinjaTemplate`, `Qwen`), once loaded. */
  get chatWrapper(): string | undefined {
    return this.#loaded?.chatWrapper;
  }

  /** Loads the binding, the model and its context now rather than on the first call. */
  async warmup(): Promise<void> {
    await this.#load();
  }

  /** Frees the model and its context; later calls fail with `engine_unavailable`. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(this.#closedError());
    const loaded = await this.#loading?.catch(() => undefined);
    this.#loading = undefined;
    this.#loaded = undefined;
    this.#free = [];
    if (loaded) {
      await loaded.context.dispose();
      await loaded.model.dispose();
    }
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmEvent> {
    request.signal.throwIfAborted();
    const loaded = await untilAborted(this.#load(), request.signal);
    const chat = await this.#acquire(request.signal);
    const stop = new AbortController();
    const signal = AbortSignal.any([request.signal, stop.signal]);
    const queue = new EventQueue<LlmEvent>();
    const run = this.#generate(loaded, chat, request, signal, (event) => queue.push(event)).then(
      () => queue.end(),
      (err: unknown) => queue.fail(err),
    );
    try {
      yield* queue.drain();
    } finally {
      // The caller may leave early: stop generating, and only hand the sequence on once it stopped.
      stop.abort(new ParleyError('internal_error', 'The LLM stream was closed by its reader.'));
      await run;
      this.#release(chat);
    }
  }

  async #generate(loaded: Loaded, chat: LlamaChat, request: LlmRequest, signal: AbortSignal, emit: (event: LlmEvent) => void): Promise<void> {
    const tally: Tally = { input: 0, cached: 0, output: 0 };
    const temperature = request.temperature ?? this.#options.temperature ?? DEFAULT_TEMPERATURE;
    const maxTokens = request.max_output_tokens;
    const history = toChatHistory(request.messages);
    const choice = request.tools.length === 0 ? 'none' : request.tool_choice;
    try {
      let reason: LlmFinishReason;
      if (choice === 'none' || choice === 'auto') {
        const calls = new ToolCallEvents(emit);
        const tools = choice === 'auto' ? { functions: toFunctions(request.tools), onFunctionCallParamsChunk: (c: LlamaChatResponseFunctionCallParamsChunk) => calls.chunk(c) } : {};
        const result = await this.#measure(chat, tally, () =>
          chat.generateResponse(history, {
            signal,
            maxTokens,
            temperature,
            onTextChunk: (text) => {
              if (text) emit({ type: 'text_delta', delta: text });
            },
            ...tools,
          }),
        );
        for (const [index, call] of (result.functionCalls ?? []).entries()) calls.complete(index, call.functionName, call.params);
        const stopReason = result.metadata.stopReason;
        if (stopReason === 'abort') signal.throwIfAborted();
        reason = calls.count > 0 ? 'tool_calls' : stopReason === 'maxTokens' ? 'length' : 'stop';
      } else {
        reason = await this.#forcedCall(loaded, chat, history, request, choice, { signal, maxTokens, temperature, tally, emit });
      }
      emit({ type: 'finish', reason, usage: this.#usage(tally) });
    } catch (err) {
      if (request.signal.aborted) throw request.signal.reason;
      if (signal.aborted) return; // the reader left; nobody is listening
      if (err instanceof ParleyError) throw err;
      throw new ParleyError('engine_stream_error', `llama.cpp (${this.#options.modelPath}) failed while generating: ${message(err)}`, { cause: err });
    }
  }

  /**
   * `required` / named tool choice: grammar-constrained JSON. Picks the tool (when more than one
   * could be called), then generates its arguments, streamed as they come.
   */
  async #forcedCall(
    loaded: Loaded,
    chat: LlamaChat,
    history: ChatHistoryItem[],
    request: LlmRequest,
    choice: 'required' | { name: string },
    run: { signal: AbortSignal; maxTokens: number | undefined; temperature: number; tally: Tally; emit: (event: LlmEvent) => void },
  ): Promise<LlmFinishReason> {
    const candidates = typeof choice === 'object' ? request.tools.filter((t) => t.name === choice.name) : request.tools;
    if (candidates.length === 0) {
      throw new ParleyError('invalid_value', `tool_choice names the tool "${(choice as { name: string }).name}", which is not among the response's tools.`);
    }
    const { signal, temperature, tally, emit } = run;
    let budget = run.maxTokens;
    let tool = candidates[0] as LlmTool;
    if (candidates.length > 1) {
      const names = candidates.map((t) => t.name);
      const grammar = await loaded.llama.createGrammarForJsonSchema({ type: 'object', properties: { name: { enum: names } } });
      const prompt = withInstruction(
        history,
        `You must now call exactly one of these tools:\n${describeTools(candidates)}\nReply with nothing but a JSON object {"name": <the tool's name>}.`,
      );
      const picked = await this.#measure(chat, tally, () =>
        chat.generateResponse(prompt, { signal, temperature, grammar, maxTokens: Math.min(NAME_PICK_MAX_TOKENS, budget ?? Infinity) }),
      );
      if (picked.metadata.stopReason === 'abort') signal.throwIfAborted();
      if (budget !== undefined) budget -= tally.output;
      let name: string | undefined;
      try {
        name = grammar.parse(picked.response).name;
      } catch {
        if (picked.metadata.stopReason === 'maxTokens') return 'length';
        throw new ParleyError('engine_stream_error', `llama.cpp (${this.#options.modelPath}) chose no tool: ${JSON.stringify(picked.response.slice(0, 120))}`);
      }
      tool = candidates.find((t) => t.name === name) ?? tool;
      if (budget !== undefined && budget <= 0) return 'length';
    }
    const grammar = await loaded.llama.createGrammarForJsonSchema<GbnfJsonSchema>(toGbnfSchema(tool.parameters ?? { type: 'object', properties: {} }));
    const prompt = withInstruction(
      history,
      `You must now call the tool "${tool.name}":\n${describeTools([tool])}\nReply with nothing but its arguments, as one JSON object.`,
    );
    emit({ type: 'tool_call_start', index: 0, call_id: `call_${randomBytes(12).toString('base64url')}`, name: tool.name });
    const result = await this.#measure(chat, tally, () =>
      chat.generateResponse(prompt, {
        signal,
        temperature,
        grammar,
        maxTokens: budget,
        onTextChunk: (text) => {
          if (text) emit({ type: 'tool_call_arguments', index: 0, delta: text });
        },
      }),
    );
    if (result.metadata.stopReason === 'abort') signal.throwIfAborted();
    return result.metadata.stopReason === 'maxTokens' ? 'length' : 'tool_calls';
  }

  /** Runs one generation and adds its token counts from the sequence's meter. */
  async #measure<T>(chat: LlamaChat, tally: Tally, generate: () => Promise<T>): Promise<T> {
    const sequence = chat.sequence;
    const before = sequence.tokenMeter.getState();
    const settle = () => {
      const used = sequence.tokenMeter.diff(before);
      // The sequence now holds the prompt and what was generated; what the meter did not
      // count as input was reused from the sequence's previous state.
      const prompt = Math.max(used.usedInputTokens, sequence.contextTokens.length - used.usedOutputTokens);
      tally.input += prompt;
      tally.cached += prompt - used.usedInputTokens;
      tally.output += used.usedOutputTokens;
    };
    try {
      return await generate();
    } finally {
      settle();
    }
  }

  #usage(tally: Tally): LlmUsage {
    return { input_tokens: tally.input, output_tokens: tally.output, cached_tokens: tally.cached };
  }

  #load(): Promise<Loaded> {
    if (this.#closed) return Promise.reject(this.#closedError());
    if (!this.#loading) {
      this.#loading = this.#doLoad().then(
        (loaded) => {
          this.#loaded = loaded;
          return loaded;
        },
        (err: unknown) => {
          // A missing file may be put in place later: let the next call try again.
          this.#loading = undefined;
          throw err;
        },
      );
    }
    return this.#loading;
  }

  async #doLoad(): Promise<Loaded> {
    const path = this.#options.modelPath;
    await checkGgufFile(path);
    let lib: NodeLlamaCpp;
    try {
      lib = await import('node-llama-cpp');
    } catch (err) {
      throw new ParleyError('engine_unavailable', `node-llama-cpp is not installed (${message(err)}). Run \`npm ci\` in the Parley checkout.`, { cause: err });
    }
    let llama: Llama;
    try {
      llama = await sharedLlama(lib, this.#options.gpu ?? 'auto');
    } catch (err) {
      throw new ParleyError(
        'engine_unavailable',
        `node-llama-cpp could not load its prebuilt llama.cpp binary for ${process.platform}-${process.arch}: ${message(err)}. ` +
          'Reinstall with `npm ci` (the @node-llama-cpp/<platform> package must be installed), or try gpu: false.',
        { cause: err },
      );
    }
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath: path, gpuLayers: llama.gpu === false ? 0 : (this.#options.gpuLayers ?? 'auto') });
    } catch (err) {
      throw new ParleyError(
        'engine_unavailable',
        `llama.cpp could not load the model ${path}: ${message(err)}. The file may be truncated or corrupt, or of an architecture this node-llama-cpp does not support; download it again (delete it and its .sha256 file, then restart) or point modelPath at another GGUF file.`,
        { cause: err },
      );
    }
    try {
      const parallel = Math.max(1, Math.floor(this.#options.parallel ?? 1));
      const contextSize = this.#options.contextSize ?? Math.min(MAX_DEFAULT_CONTEXT, model.trainContextSize);
      const context = await model.createContext({ contextSize, sequences: parallel, threads: this.threads });
      // Resolving the chat wrapper from the GGUF (matching its Jinja template against the known
      // families) takes ~0.5 s, so it is done once and shared by the sequences.
      const chatWrapper = lib.resolveChatWrapper(model);
      for (let i = 0; i < parallel; i++) this.#free.push(new lib.LlamaChat({ contextSequence: context.getSequence(), chatWrapper }));
      return { lib, llama, model, context, chatWrapper: chatWrapper.wrapperName };
    } catch (err) {
      await model.dispose();
      throw new ParleyError('engine_unavailable', `llama.cpp could not create a context for ${path}: ${message(err)}. Try a smaller contextSize or parallel.`, { cause: err });
    }
  }

  #closedError(): ParleyError {
    return new ParleyError('engine_unavailable', `The llama.cpp engine for ${this.#options.modelPath} was closed.`);
  }

  async #acquire(signal: AbortSignal): Promise<LlamaChat> {
    if (this.#closed) throw this.#closedError();
    const free = this.#free.pop();
    if (free) return free;
    let waiter: { resolve: (chat: LlamaChat) => void; reject: (err: unknown) => void } | undefined;
    const handed = new Promise<LlamaChat>((resolve, reject) => {
      waiter = { resolve, reject };
      this.#waiting.push(waiter);
    });
    try {
      return await untilAborted(handed, signal);
    } catch (err) {
      const at = waiter ? this.#waiting.indexOf(waiter) : -1;
      if (at >= 0) this.#waiting.splice(at, 1);
      else void handed.then((chat) => this.#release(chat), () => {}); // handed over just as it aborted
      throw err;
    }
  }

  #release(chat: LlamaChat): void {
    if (this.#closed) return;
    const next = this.#waiting.shift();
    if (next) next.resolve(chat);
    else this.#free.push(chat);
  }
}

/** Adds an instruction for this one generation as the last system message. */
function withInstruction(history: ChatHistoryItem[], text: string): ChatHistoryItem[] {
  return [...history, { type: 'system', text }];
}

/** Fails with a clear `engine_unavailable` when the path is missing, unreadable or not GGUF. */
async function checkGgufFile(path: string): Promise<void> {
  const fix = 'Download it with `ensureModel` (packages/server/src/models/download.ts), or point modelPath at an existing .gguf file.';
  let magic: string;
  try {
    const file = await open(path, 'r');
    try {
      const { bytesRead, buffer } = await file.read(Buffer.alloc(4), 0, 4, 0);
      magic = buffer.subarray(0, bytesRead).toString('latin1');
    } finally {
      await file.close();
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ParleyError('engine_unavailable', `The GGUF model file ${path} does not exist. ${fix}`, { cause: err });
    if (code === 'EISDIR') throw new ParleyError('engine_unavailable', `The GGUF model path ${path} is a directory, not a file. ${fix}`, { cause: err });
    throw new ParleyError('engine_unavailable', `The GGUF model file ${path} cannot be read (${code ?? message(err)}). ${fix}`, { cause: err });
  }
  if (magic !== 'GGUF') {
    throw new ParleyError(
      'engine_unavailable',
      `${path} is not a GGUF model file (it does not start with "GGUF"; it may be an HTML error page or a partial download). Delete it and download it again. ${fix}`,
    );
  }
}
