/**
 * One response, from `response.created` to its single `response.done`. It asks the LLM
 * engine, streams what comes back into output items, and ends exactly once: completed,
 * incomplete, cancelled or failed. After it has ended nothing more of it reaches the wire —
 * a late delta from the engine is dropped, and the engine's request is aborted.
 *
 * MCP tools run inside the response: calls the user approved earlier run first, and each call
 * the LLM makes to a tool that needs no approval runs when its stream ends, after which the
 * LLM is asked again with the results (at most MAX_MCP_ROUNDS times). A call that needs
 * approval ends the response with an `mcp_approval_request` instead (see session/mcp-output.ts).
 * Searches (`file_search`, `web_search`) run the same way, as search call items
 * (session/search-output.ts); where the dialect has no such items they run unseen, and only the
 * answer shows them. The markers the LLM cites their sources with are taken out of its words
 * and become annotations (session/citations.ts).
 */
import {
  isErrorCode,
  isParleyError,
  newId,
  ParleyError,
  type AudioFormat,
  type Item,
  type McpApprovalRequestItem,
  type McpTool,
  type OutputModality,
  type ResponseObject,
  type ResponseStatus,
  type ResponseStatusDetails,
  type ServerEventInit,
  type Voice,
} from '@parley/protocol';
import type { ChatMessage, LlmEngine, LlmFinishReason, LlmTool, LlmToolChoice, LlmUsage } from '../engines/llm/index.js';
import type { Logger } from '../logger.js';
import type { Conversation } from './conversation.js';
import { snapshotItem } from './item-snapshot.js';
import type { TtsEngine } from '../engines/tts/index.js';
import { AnimationStreams, type AnimationOutputs } from '../speaking/animation-streams.js';
import { SpeechOutput, type PartRef } from '../speaking/speech-output.js';
import { FunctionCallOutput, MessageOutput, type Output, type OutputContext, type OutputStatus, type SpeechFactory } from './response-outputs.js';
import type { McpCallResult } from '../tools/mcp-client.js';
import { EMPTY_TOOLSET, type McpRegistry, type McpToolset } from '../tools/mcp-registry.js';
import { approvedCallsToRun, McpApprovalRequestOutput, McpCallOutput, mcpExecutor } from './mcp-output.js';
import { buildUsage, chatChars } from './usage.js';
import { CitationFilter } from './citations.js';
import { SearchCallOutput } from './search-output.js';
import type { SearchKind, SearchTools } from '../tools/search/search-tools.js';
import type { SourceList } from '../tools/search/sources.js';
import { ResponseTimer } from '../metrics/response-timer.js';
import { FixedTextLlm } from '../engines/llm/fixed-text.js';

/** How many times one response may call MCP tools and ask the LLM again before it stops. */
export const MAX_MCP_ROUNDS = 8;

/** Everything a response needs, resolved from the session and the `response.create` overrides. */
export interface ResponsePlan {
  output_modalities: OutputModality[];
  voice: Voice;
  format: AudioFormat;
  max_output_tokens: number | 'inf';
  temperature: number;
  /** Sent to the engine only when a client set it; otherwise the model's own default applies. */
  temperatureSet: boolean;
  metadata: Record<string, string> | null;
  /**
   * The chat messages, built when the LLM is called: user audio's transcripts may still be on
   * their way at planning time. `extra` are this response's own outputs so far (an MCP call and
   * its result, when the LLM is asked again after it).
   */
  buildMessages(extra?: readonly Item[]): ChatMessage[];
  /** The function tools. */
  tools: LlmTool[];
  tool_choice: LlmToolChoice;
  /** The `mcp` tools (servers) this response offers; their tools are offered once listed. */
  mcp: McpTool[];
  /** `tool_choice: {type: "mcp", …}`: resolved against the listed tools when the LLM is asked. */
  mcpToolChoice: { server_label: string; name?: string | null } | null;
  /** How audio messages are spoken; null: no speech engine, audio is answered as text. */
  speech: SpeechPlan | null;
  /** The search tools this response offers the LLM (`file_search`, `web_search`). */
  searchTools: LlmTool[];
  /** `include: ["file_search_call.results"]`: file search items carry their results. */
  includeSearchResults: boolean;
}

/** The profile's search tools, as a session runs them. */
export interface ResponseSearch {
  tools: SearchTools;
  /** The session's numbered sources, which the LLM cites. */
  sources: SourceList;
  /** Whether search calls are items on the wire (Voice Live has them; the OpenAI dialects do not). */
  visible: boolean;
}

export interface SpeechPlan {
  tts: TtsEngine;
  animation: AnimationOutputs;
  /** The engine's voice name, resolved from the protocol voice. */
  voice: string;
  speed: number;
  wordTimestamps: boolean;
}

export interface ResponseRunDeps {
  llm: LlmEngine;
  emit(event: ServerEventInit): void;
  /** Null for out-of-band responses. */
  conversation: Conversation | null;
  /** Called once, right after `response.done` was emitted. */
  onEnd(run: ResponseRun): void;
  /** Settles when the context's inputs are complete (transcripts of user audio); the LLM is asked after. */
  inputsReady?: Promise<void>;
  /** Told of each spoken message, so the session can truncate it later. */
  onSpeech?(itemId: string, speech: SpeechOutput): void;
  /** The session's MCP servers; without it, `mcp` tools are not offered. */
  mcp?: McpRegistry;
  /** The profile's search tools; without them, no search runs and the LLM's words are not filtered for citations. */
  search?: ResponseSearch;
  logger: Logger;
  /** Takes the response's latencies; one without metrics when absent. */
  timer?: ResponseTimer;
}

/** What one LLM call of a response left to do once its stream ended. */
interface Round {
  finish: LlmFinishReason | undefined;
  functionCalls: number;
  /** MCP calls and searches to run now, in the order the LLM made them. */
  serverCalls: ServerCall[];
  approvals: McpApprovalRequestOutput[];
}

interface ServerCall {
  mcp: boolean;
  run(): Promise<unknown>;
}

type PendingCall =
  | { kind: 'function'; output: FunctionCallOutput }
  | { kind: 'mcp'; output: McpCallOutput; run: (args: string) => Promise<McpCallResult> }
  | { kind: 'approval'; label: string; name: string; args: string; run: (args: string) => Promise<McpCallResult> }
  | { kind: 'search'; search: SearchKind; args: string };

export type CancelReason = 'turn_detected' | 'client_cancelled';

function finishStatus(reason: LlmFinishReason | undefined): { status: ResponseStatus; details: ResponseStatusDetails | null } {
  if (reason === 'length') return { status: 'incomplete', details: { type: 'incomplete', reason: 'max_output_tokens' } };
  if (reason === 'content_filter') return { status: 'incomplete', details: { type: 'incomplete', reason: 'content_filter' } };
  return { status: 'completed', details: null };
}

export class ResponseRun {
  readonly id = newId('resp');
  readonly #deps: ResponseRunDeps;
  readonly #plan: ResponsePlan;
  readonly #response: ResponseObject;
  readonly #abort = new AbortController();
  readonly #timer: ResponseTimer;
  readonly #outputs: Output[] = [];
  /** This response's items so far, in order, for the LLM: its outputs, and searches that ran unseen. */
  readonly #context: Item[] = [];
  /** `sequence_number` of the search call events. */
  #searchSequence = 0;
  readonly #ctx: OutputContext;
  #ended = false;
  #reportedUsage: LlmUsage | undefined;
  #inputChars = 0;
  #outputChars = 0;
  /** MCP calls of this response that ran to the end, and how many of them the LLM answered after. */
  #mcpCallsDone = 0;
  #mcpCallsAnswered = 0;

  constructor(deps: ResponseRunDeps, plan: ResponsePlan) {
    this.#deps = deps;
    this.#plan = plan;
    this.#timer = deps.timer ?? new ResponseTimer(null);
    this.#response = {
      id: this.id,
      object: 'realtime.response',
      status: 'in_progress',
      status_details: null,
      output: [],
      conversation_id: deps.conversation?.id ?? null,
      output_modalities: plan.output_modalities,
      audio: { output: { format: plan.format, voice: plan.voice } },
      max_output_tokens: plan.max_output_tokens,
      metadata: plan.metadata,
      temperature: plan.temperature,
    };
    this.#ctx = {
      responseId: this.id,
      conversation: deps.conversation,
      // Once ended, nothing of this response may reach the wire any more.
      emit: (event) => {
        if (!this.#ended) deps.emit(event);
      },
    };
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Whether this response produced the item `itemId`. */
  hasOutput(itemId: string): boolean {
    return this.#outputs.some((o) => o.item.id === itemId);
  }

  outputItemIds(): string[] {
    return this.#outputs.map((o) => o.item.id);
  }

  get inConversation(): boolean {
    return this.#deps.conversation !== null;
  }

  /** Emits `response.created` and starts streaming. */
  start(): void {
    this.#deps.emit({ type: 'response.created', response: { ...this.#response, output: [] } });
    void this.#stream();
  }

  /** Ends the response now: open outputs close `incomplete`, then `response.done` `cancelled`. */
  cancel(reason: CancelReason): void {
    if (this.#ended) return;
    this.#closeOutputs('incomplete');
    this.#end('cancelled', { type: 'cancelled', reason });
  }

  /**
   * MCP calls that ran to the end while the LLM was asked again after them (it has answered
   * their results): clients that send `response.create` after each finished `mcp_call`, as the
   * hosted services need, have nothing left to ask for these. Zero unless the response completed.
   */
  get answeredMcpCalls(): number {
    return this.#response.status === 'completed' ? this.#mcpCallsAnswered : 0;
  }

  /** Whether an MCP call of this response has run to the end. */
  get ranMcpCalls(): boolean {
    return this.#mcpCallsDone > 0;
  }

  async #stream(): Promise<void> {
    const plan = this.#plan;
    let finish: LlmFinishReason | undefined;
    try {
      if (this.#deps.inputsReady) await this.#deps.inputsReady;
      if (this.#ended) return;
      const mcp = this.#deps.mcp;
      const toolset = mcp && plan.mcp.length > 0 ? await mcp.toolset(plan.mcp, plan.tools.map((t) => t.name)) : EMPTY_TOOLSET;
      if (this.#ended) return;
      // Calls the user approved since the last response run first; the LLM then answers with their results.
      const approved = this.#deps.conversation && this.#deps.mcp ? approvedCallsToRun(this.#deps.conversation.items) : [];
      if (approved.length > 0) await this.#runApprovedCalls(approved, toolset);
      if (this.#ended) return;
      let toolChoice = this.#toolChoice(toolset);
      for (let round = 1; ; round++) {
        this.#mcpCallsAnswered = this.#mcpCallsDone;
        const result = await this.#round(toolset, toolChoice);
        if (!result) return; // ended meanwhile
        finish = result.finish;
        for (const call of result.serverCalls) {
          await call.run();
          if (this.#ended) return;
          if (call.mcp) this.#mcpCallsDone++;
        }
        // The hosted services stop after an MCP call and wait for another response.create; Parley
        // gives the results to the LLM and lets it finish the answer, unless the turn waits for
        // the client (a function call, an approval) or was cut short.
        const answerResults =
          result.serverCalls.length > 0 &&
          result.approvals.length === 0 &&
          result.functionCalls === 0 &&
          (finish === 'stop' || finish === 'tool_calls') &&
          round < MAX_MCP_ROUNDS;
        if (!answerResults) break;
        toolChoice = 'auto'; // a forced tool is called once, not in every round
      }
      const { status, details } = finishStatus(finish);
      this.#closeOutputs(status === 'completed' ? 'completed' : 'incomplete');
      this.#end(status, details);
    } catch (err) {
      this.#fail(err); // after a cancel, the engine's abort error is expected and ignored
    }
  }

  /** Ends the response `failed`: what was said stays, an `error` event, then `response.done`. */
  #fail(err: unknown): void {
    if (this.#ended) return;
    const error = isParleyError(err)
      ? err
      : new ParleyError('internal_error', `The response failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    this.#deps.logger.warn('response failed', { response_id: this.id, llm: this.#deps.llm.label, code: error.code, message: error.message });
    this.#closeOutputs('incomplete');
    this.#deps.emit({ type: 'error', error: error.toWire(null) });
    this.#end('failed', { type: 'failed', error: { type: error.type, code: error.code, message: error.message } });
  }

  /** `tool_choice`, with an MCP choice resolved to the tool's LLM name (or "call some tool" when it names no tool). */
  #toolChoice(toolset: McpToolset): LlmToolChoice {
    const choice = this.#plan.mcpToolChoice;
    if (!choice || toolset.llmTools.length === 0) return this.#plan.tool_choice;
    const ref = choice.name ? toolset.find(choice.server_label, choice.name) : undefined;
    return ref ? { name: ref.llmName } : 'required';
  }

  /** Runs the calls the user approved (in the conversation, not yet run), as `mcp_call` outputs of this response. */
  async #runApprovedCalls(approved: readonly McpApprovalRequestItem[], toolset: McpToolset): Promise<void> {
    for (const request of approved) {
      const ref = toolset.find(request.server_label, request.name);
      const output = this.#open(new McpCallOutput(this.#ctx, this.#outputs.length, request.server_label, request.name, request.id, request.arguments));
      await output.run(mcpExecutor(ref, request.server_label, request.name, this.#abort.signal));
      if (this.#ended) return;
      this.#mcpCallsDone++;
    }
  }

  /** One LLM call: streams its words and calls into outputs. Undefined if the response ended meanwhile. */
  async #round(toolset: McpToolset, toolChoice: LlmToolChoice): Promise<Round | undefined> {
    const plan = this.#plan;
    let message: MessageOutput | undefined;
    let citations: CitationFilter | undefined;
    /** Ends the message's text: what the citation filter still held is its last words. */
    const endText = () => {
      const rest = citations?.flush();
      if (rest) message?.appendText(rest);
    };
    const calls = new Map<number, PendingCall>();
    let finish: LlmFinishReason | undefined;
    const messages = plan.buildMessages(this.#context);
    this.#inputChars += chatChars(messages);
    // A fixed text (pre-generated message) is no request to a model: it has no time to first token.
    if (!(this.#deps.llm instanceof FixedTextLlm)) this.#timer.llmAsked();
    const events = this.#deps.llm.stream({
      messages,
      tools: [...plan.tools, ...plan.searchTools, ...toolset.llmTools],
      tool_choice: toolChoice,
      max_output_tokens: plan.max_output_tokens === 'inf' ? undefined : plan.max_output_tokens,
      temperature: plan.temperatureSet ? plan.temperature : undefined,
      signal: this.#abort.signal,
      onNotice: (notice) => {
        this.#deps.logger.warn(notice.message, { response_id: this.id, code: notice.code });
        if (notice.level === 'error') {
          const code = isErrorCode(notice.code) ? notice.code : 'internal_error';
          this.#ctx.emit({ type: 'error', error: new ParleyError(code, notice.message).toWire(null) });
        } else {
          this.#ctx.emit({ type: 'warning', warning: { message: notice.message, code: notice.code, param: null } });
        }
      },
    });
    for await (const event of events) {
      if (this.#ended) return undefined;
      switch (event.type) {
        case 'text_delta': {
          this.#timer.llmToken();
          let delta = event.delta;
          if (!message) {
            // Models often lead with whitespace (or say only that before a tool call): it opens no message.
            delta = delta.trimStart();
            if (!delta) break;
            const opened = this.#open(new MessageOutput(this.#ctx, this.#outputs.length, this.#messageModality(), this.#speechFactory()));
            message = opened;
            const search = this.#deps.search;
            citations = search ? new CitationFilter(search.sources, (citation) => opened.cite(citation)) : undefined;
          }
          this.#outputChars += delta.length;
          if (citations) delta = citations.push(delta);
          if (delta) message.appendText(delta);
          break;
        }
        case 'tool_call_start': {
          this.#timer.llmToken();
          // What the model said before calling is finished; anything it says after opens a new message.
          endText();
          await message?.complete('completed');
          if (this.#ended) return undefined;
          message = undefined;
          this.#outputChars += event.name.length;
          const ref = toolset.resolve(event.name);
          if (this.#isSearch(event.name)) {
            calls.set(event.index, { kind: 'search', search: event.name, args: '' });
          } else if (!ref) {
            calls.set(event.index, { kind: 'function', output: this.#open(new FunctionCallOutput(this.#ctx, this.#outputs.length, newId('call'), event.name)) });
          } else {
            const run = mcpExecutor(ref, ref.server.label, ref.tool.name, this.#abort.signal);
            calls.set(
              event.index,
              ref.needsApproval
                ? { kind: 'approval', label: ref.server.label, name: ref.tool.name, args: '', run }
                : { kind: 'mcp', output: this.#open(new McpCallOutput(this.#ctx, this.#outputs.length, ref.server.label, ref.tool.name)), run },
            );
          }
          break;
        }
        case 'tool_call_arguments': {
          this.#outputChars += event.delta.length;
          const call = calls.get(event.index);
          if (call?.kind === 'approval' || call?.kind === 'search') call.args += event.delta;
          else call?.output.appendArguments(event.delta);
          break;
        }
        case 'finish':
          finish = event.reason;
          this.#addUsage(event.usage);
          break;
      }
    }
    if (this.#ended) return undefined;
    // The words are all written; the message ends when they have all been said.
    endText();
    await message?.speech?.finish();
    if (this.#ended) return undefined;
    const cutShort = finishStatus(finish).status !== 'completed';
    message?.close(cutShort ? 'incomplete' : 'completed');
    const round: Round = { finish, functionCalls: 0, serverCalls: [], approvals: [] };
    for (const call of calls.values()) {
      if (call.kind === 'function') {
        call.output.close(cutShort ? 'incomplete' : 'completed');
        round.functionCalls++;
      } else if (cutShort) {
        // Arguments cut off by the token limit: the call is neither run nor put to the user.
        if (call.kind === 'mcp') call.output.close('incomplete');
      } else if (call.kind === 'search') {
        round.serverCalls.push(this.#searchCall(call.search, call.args));
      } else if (call.kind === 'mcp') {
        const { output, run } = call;
        round.serverCalls.push({ mcp: true, run: () => output.run(run) });
      } else if (isJsonObject(call.args)) {
        const request = this.#open(new McpApprovalRequestOutput(this.#ctx, this.#outputs.length, call.label, call.name, call.args));
        request.close('completed');
        round.approvals.push(request);
      } else {
        // Arguments no tool could take: nothing to approve, the call fails at once and the LLM hears why.
        const output = this.#open(new McpCallOutput(this.#ctx, this.#outputs.length, call.label, call.name, null, call.args));
        const { run } = call;
        round.serverCalls.push({ mcp: true, run: () => output.run(run) });
      }
    }
    return round;
  }

  #isSearch(name: string): name is SearchKind {
    return this.#deps.search !== undefined && this.#plan.searchTools.some((tool) => tool.name === name);
  }

  /** A search the LLM asked for, as an item of this response — or unseen, where the dialect has no search items. */
  #searchCall(kind: SearchKind, args: string): ServerCall {
    const search = this.#deps.search!;
    const options = { includeResults: this.#plan.includeSearchResults, nextSequence: () => this.#searchSequence++ };
    let output: SearchCallOutput;
    if (search.visible) {
      output = this.#open(new SearchCallOutput(this.#ctx, this.#outputs.length, kind, args, options));
    } else {
      output = new SearchCallOutput({ responseId: this.id, conversation: null, emit: () => {} }, -1, kind, args, options);
      this.#context.push(output.item);
    }
    return {
      mcp: false,
      run: async () => {
        const outcome = await output.run(() => search.tools.run(kind, args, search.sources, this.#abort.signal));
        if (outcome.ok || this.#ended) return;
        // The LLM reads why and answers on; the client is told too (Voice Live's `warning`).
        this.#deps.logger.warn(outcome.message, { response_id: this.id, tool: kind });
        this.#ctx.emit({ type: 'warning', warning: { message: outcome.message, code: `${kind}_failed`, param: null } });
      },
    };
  }

  #addUsage(usage: LlmUsage | undefined): void {
    if (!usage) return;
    const sum = this.#reportedUsage;
    this.#reportedUsage = sum
      ? {
          input_tokens: sum.input_tokens + usage.input_tokens,
          output_tokens: sum.output_tokens + usage.output_tokens,
          cached_tokens: (sum.cached_tokens ?? 0) + (usage.cached_tokens ?? 0),
        }
      : usage;
  }

  /**
   * Without a speech engine an audio response is given as text: a client asking for audio
   * then still gets the words rather than silence.
   */
  #messageModality(): 'text' | 'audio' {
    return this.#plan.speech && this.#plan.output_modalities.includes('audio') ? 'audio' : 'text';
  }

  /** Builds the speech of an audio message: its events go through the response, so they stop when it ends. */
  #speechFactory(): SpeechFactory | undefined {
    const speech = this.#plan.speech;
    if (!speech) return undefined;
    const format = this.#plan.format;
    return (ref: PartRef) => {
      const output = new SpeechOutput(
        {
          tts: speech.tts,
          voice: speech.voice,
          speed: speech.speed,
          format,
          ref,
          emit: (event) => this.#ctx.emit(event),
          wordTimestamps: speech.wordTimestamps,
          animation:
            speech.animation.visemes || speech.animation.blendshapes
              ? new AnimationStreams(speech.animation, ref, (event) => this.#ctx.emit(event))
              : undefined,
          signal: this.#abort.signal,
          timing: this.#timer,
          // The speech engine failing ends the response now, not when the LLM has finished writing.
          onFailure: (error) => this.#fail(error),
        },
      );
      this.#deps.onSpeech?.(ref.item_id, output);
      return output;
    };
  }

  #open<O extends Output & { open(): void }>(output: O): O {
    this.#outputs.push(output);
    this.#context.push(output.item);
    output.open();
    return output;
  }

  #closeOutputs(status: OutputStatus): void {
    for (const output of this.#outputs) if (output.isOpen) output.close(status);
  }

  #end(status: ResponseStatus, details: ResponseStatusDetails | null): void {
    if (this.#ended) return;
    const response = this.#response;
    response.status = status;
    response.status_details = details;
    response.output = this.#outputs.map((output) => snapshotItem(output.item));
    response.usage = buildUsage(this.#reportedUsage, { inputChars: this.#inputChars, outputChars: this.#outputChars });
    // Ended before the event goes out: whoever hears it may close the session, which must then
    // find this response over rather than cancel it a second time.
    this.#ended = true;
    this.#deps.emit({ type: 'response.done', response });
    this.#deps.logger.info('response done', { response_id: this.id, status, ...this.#timer.figures() });
    this.#abort.abort(new DOMException('The response has ended.', 'AbortError'));
    this.#deps.onEnd(this);
  }
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = text.trim() ? JSON.parse(text) : {};
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
