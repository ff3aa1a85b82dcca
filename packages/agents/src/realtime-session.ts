/**
 * A voice-agent session over one realtime connection (Parley, OpenAI, Azure): it sets the
 * live session to the current agent, runs function tools when the model calls them, asks the
 * user before tools that need approval, hands the conversation between agents, checks what
 * is said against output guardrails, keeps the history in step with the server's, and cuts
 * the answer off (and truncates what was not heard) when the user interrupts.
 *
 * @example
 * const session = new RealtimeSession(agent, { config: { output_modalities: ['text'] } });
 * session.on('agent_end', (_context, agent, text) => console.log(`${agent.name}: ${text}`));
 * await session.connect({ url: 'ws://127.0.0.1:8080/v1/realtime', apiKey: 'sk-local' });
 * session.sendMessage('Hello!');
 */
import { base64ToBytes, mergeSessionPatch, RealtimeClient, TypedEmitter, type ConnectionState, type InputAudio, type Listener, type RealtimeClientOptions } from '@parley/client';
import type { FunctionCallItem, Item, ResponseObject, ServerEvent, SessionPatch } from '@parley/protocol';
import { agentSessionPatch } from './agent-session-config.js';
import { ToolApprovalItem, type ApproveOptions, type RejectOptions } from './approval.js';
import { audioDurationMs } from './audio-duration.js';
import { apiKeyAuth, configured } from './connection-setup.js';
import { ModelBehaviorError, UserError } from './errors.js';
import type { RealtimeSessionEventTypes } from './events.js';
import { runFunctionToolCall, toolErrorMessage } from './function-tool-call.js';
import {
  DEFAULT_GUARDRAIL_SETTINGS,
  formatOutputInfo,
  guardrailFeedbackMessage,
  OutputGuardrailTripwireTriggered,
  type OutputGuardrailResult,
  type RealtimeGuardrailMetadata,
  type RealtimeOutputGuardrail,
  type RealtimeOutputGuardrailSettings,
} from './guardrail.js';
import { handoffToolName, transferMessage } from './handoff.js';
import { History } from './history.js';
import { toHistoryItem } from './history-item.js';
import { applyToHistory, type HistoryChange } from './history-sync.js';
import type { RealtimeItem, RealtimeMcpCallItem } from './items.js';
import { lastMessage } from './last-message.js';
import type { RealtimeMcpToolInfo } from './mcp-server.js';
import { McpToolListings } from './mcp-tool-listings.js';
import { OutputGuardrailWatch } from './output-guardrail-watch.js';
import { PendingApprovals, type ApprovalDecision } from './pending-approvals.js';
import { AudioPlayback, type PlayingAudio } from './playback.js';
import type { RealtimeAgent } from './realtime-agent.js';
import { ACTIVE_RESPONSE_CODE, ResponseSequencer } from './response-sequencer.js';
import { ResponseTurn } from './response-turn.js';
import { RunContext, type RealtimeContextData } from './run-context.js';
import type { FunctionCallDetails } from './tool.js';

export interface RealtimeSessionOptions<TContext = unknown> {
  /** Your own context, given to instructions, tools and guardrails (with `history` put on it). */
  context?: TContext;
  /**
   * Session settings (canonical GA shape: `output_modalities`, `audio.input.turn_detection`, …).
   * The agent's instructions, tools and voice are set over them.
   */
  config?: SessionPatch;
  /** Checked on what every agent says, with each agent's own. */
  outputGuardrails?: RealtimeOutputGuardrail<RealtimeContextData<TContext>>[];
  outputGuardrailSettings?: Partial<RealtimeOutputGuardrailSettings>;
  /** Called when a listener throws (the other listeners still run); default: rethrown from a microtask. */
  onListenerError?: (error: unknown) => void;
}

/**
 * Where and how to connect: the client's options (`url`, `dialect`, `auth`, `reconnect`,
 * `createSocket`, …), and `apiKey` as a shorthand for `auth` — sent as `api-key` to Voice Live
 * and as a bearer token otherwise.
 */
export interface RealtimeSessionConnectOptions extends Omit<RealtimeClientOptions, 'onListenerError'> {
  apiKey?: string;
}

export interface InterruptOptions {
  /** How much of the current answer's audio the user heard, ms; default: what the player reported, or real time since its first audio. */
  playedMs?: number;
}

const CONNECTION_LOST = 'The connection to the server was lost before the user answered, so the call did not run.';

function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

export class RealtimeSession<TContext = unknown> {
  readonly initialAgent: RealtimeAgent<TContext>;
  readonly options: RealtimeSessionOptions<TContext>;
  readonly #emitter = new TypedEmitter<RealtimeSessionEventTypes<TContext>>();
  readonly #context: RunContext<RealtimeContextData<TContext>>;
  readonly #history = new History();
  readonly #turns = new Map<string, ResponseTurn<TContext>>();
  readonly #sequencer = new ResponseSequencer(() => this.#requireClient().createResponse());
  readonly #playback = new AudioPlayback();
  readonly #guardrails: OutputGuardrailWatch<TContext>;
  readonly #mcpTools = new McpToolListings();
  readonly #approvals = new PendingApprovals();
  /** Items acted on already (calls run, approvals asked, MCP calls reported): several events carry each. */
  readonly #handled = new Set<string>();
  /** `response.cancel` event ids whose "nothing to cancel" answer is an expected race, not an error. */
  readonly #raceableCancels = new Set<string>();
  #client: RealtimeClient | null = null;
  #agent: RealtimeAgent<TContext>;
  #latestResponseId: string | null = null;
  /** Counts server sessions: work begun in one is dropped in the next (after a reconnect). */
  #generation = 0;
  #muted = false;
  #closing = false;

  constructor(agent: RealtimeAgent<TContext>, options: RealtimeSessionOptions<TContext> = {}) {
    this.initialAgent = agent;
    this.#agent = agent;
    this.options = options;
    const context = (options.context ?? {}) as RealtimeContextData<TContext>;
    context.history = [];
    this.#context = new RunContext(context);
    this.#guardrails = new OutputGuardrailWatch({
      guardrails: options.outputGuardrails ?? [],
      debounceTextLength: { ...DEFAULT_GUARDRAIL_SETTINGS, ...options.outputGuardrailSettings }.debounceTextLength,
      context: this.#context,
      tripped: (turn, itemId, result, audio) => this.#guardrailTripped(turn, itemId, result, audio),
      failed: (error) => this.#emit('error', { type: 'error', error }),
    });
  }

  get currentAgent(): RealtimeAgent<TContext> {
    return this.#agent;
  }

  get context(): RunContext<RealtimeContextData<TContext>> {
    return this.#context;
  }

  /** The conversation so far; a new array after every change. */
  get history(): RealtimeItem[] {
    return this.#history.items;
  }

  /** The MCP tools the current agent can use, as last listed by the server. */
  get availableMcpTools(): RealtimeMcpToolInfo[] {
    return this.#mcpTools.available(this.#agent.mcpServers.map((server) => server.serverLabel));
  }

  get muted(): boolean {
    return this.#muted;
  }

  /** The realtime client underneath, once connected: for anything the session does not cover. */
  get transport(): RealtimeClient {
    return this.#requireClient();
  }

  on<K extends keyof RealtimeSessionEventTypes<TContext>>(type: K, listener: Listener<RealtimeSessionEventTypes<TContext>[K]>): () => void {
    return this.#emitter.on(type, listener);
  }

  once<K extends keyof RealtimeSessionEventTypes<TContext>>(type: K, listener: Listener<RealtimeSessionEventTypes<TContext>[K]>): () => void {
    return this.#emitter.once(type, listener);
  }

  off<K extends keyof RealtimeSessionEventTypes<TContext>>(type: K, listener: Listener<RealtimeSessionEventTypes<TContext>[K]>): void {
    this.#emitter.off(type, listener);
  }

  /**
   * Connects and sets the live session to the current agent; resolves once the server has
   * taken that configuration (`session.updated`), and rejects if it refused it.
   */
  async connect(options: RealtimeSessionConnectOptions): Promise<void> {
    if (this.#client) throw new UserError('This session has connected before; create a new RealtimeSession to connect again.');
    const { apiKey, ...clientOptions } = options;
    const auth = clientOptions.auth ?? (apiKey !== undefined ? apiKeyAuth(apiKey, options.url, options.dialect) : undefined);
    const client = new RealtimeClient({ ...clientOptions, ...(auth ? { auth } : {}), onListenerError: (error) => this.#listenerFailed(error) });
    this.#client = client;
    client.on('*', (event) => this.#received(event));
    client.on('state', (state) => this.#stateChanged(state));
    const patch = mergeSessionPatch(this.options.config ?? {}, await agentSessionPatch(this.#agent, this.#context));
    const accepted = configured(client, client.updateSession(patch));
    await client.connect();
    await accepted;
    this.#emit('history_updated', this.#history.items);
  }

  /** Closes the connection for good. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#approvals.abandon(CONNECTION_LOST);
    await this.#client?.close();
  }

  /** Says `text` as the user, and asks for an answer. */
  sendMessage(text: string): void {
    this.#requireClient().createItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
    this.#sequencer.request();
  }

  /** Appends the user's audio (in the session's input format); `commit` ends the user's turn with it. Dropped while muted. */
  sendAudio(audio: InputAudio, options: { commit?: boolean } = {}): void {
    const client = this.#requireClient();
    if (this.#muted) return;
    client.appendInputAudio(audio);
    if (options.commit) client.commitInputAudio();
  }

  /** While muted, `sendAudio` sends nothing. */
  mute(muted: boolean): void {
    this.#muted = muted;
  }

  /**
   * The player's position in the answer being played, ms: what an interruption truncates to.
   * Without reports, playback is taken to run in real time from the first audio.
   */
  reportPlayback(playedMs: number): void {
    this.#playback.report(playedMs);
  }

  /**
   * Stops the agent: cancels the response in progress, emits `audio_interrupted` (stop your
   * player), and truncates the answer on the server to what the user heard.
   */
  interrupt(options: InterruptOptions = {}): void {
    const client = this.#requireClient();
    const active = [...this.#turns.values()].find((turn) => !turn.done && !turn.cancelRequested);
    if (active) this.#cancel(client, active);
    const playing = this.#playback.playing(options.playedMs);
    if (playing) this.#cutPlayback(playing, active?.agent ?? this.#agent);
    else if (active) this.#emit('audio_interrupted', this.#context, active.agent);
  }

  /** Lets a call that waits for approval run (MCP: tells the server, which runs it). */
  async approve(approvalItem: ToolApprovalItem, options: ApproveOptions = {}): Promise<void> {
    this.#answer(approvalItem, { approved: true }, options.alwaysApprove ?? false);
  }

  /** Refuses a call that waits for approval; the model is told `message` (or that the user did not approve). */
  async reject(approvalItem: ToolApprovalItem, options: RejectOptions = {}): Promise<void> {
    const decision: ApprovalDecision = { approved: false, ...(options.message !== undefined ? { message: options.message } : {}) };
    this.#answer(approvalItem, decision, options.alwaysReject ?? false);
  }

  /** Makes `agent` the current agent, as a handoff does but without `agent_handoff`. */
  async updateAgent(agent: RealtimeAgent<TContext>): Promise<void> {
    await this.#switchTo(agent);
  }

  // ── events from the server ─────────────────────────────────────────────────────────────

  #received(event: ServerEvent): void {
    this.#emit('transport_event', event);
    this.#syncHistory(applyToHistory(this.#history, event));
    switch (event.type) {
      case 'session.created':
        if (this.#generation++ > 0) this.#serverSessionReplaced();
        return;
      case 'error':
        return this.#serverError(event);
      case 'response.created':
        return this.#responseCreated(event.response);
      case 'response.done':
        return this.#responseDone(event.response);
      case 'conversation.item.added':
      case 'conversation.item.done':
      case 'conversation.item.retrieved':
        return this.#itemSeen(event.item);
      case 'response.output_item.done':
        this.#itemSeen(event.item);
        if (event.item.type === 'function_call' && event.item.status === 'completed') void this.#functionCall(event.item, event.response_id);
        return;
      case 'conversation.item.truncated':
        // The event does not say what is left of the transcript; the item does.
        this.#requireClient().retrieveItem(event.item_id);
        return;
      case 'response.output_audio.delta':
        return this.#audioDelta(event);
      case 'response.output_audio.done':
        return this.#audioStopped(this.#turns.get(event.response_id));
      case 'response.output_text.delta':
        return this.#answerGrew(event.response_id, event.item_id, event.delta, false);
      case 'response.output_audio_transcript.delta':
        return this.#answerGrew(event.response_id, event.item_id, event.delta, true);
      case 'input_audio_buffer.speech_started':
        return this.#userStartedSpeaking();
      default:
        return;
    }
  }

  #syncHistory(change: HistoryChange | null): void {
    if (!change) return;
    this.#context.context.history = this.#history.items;
    if (change.added) this.#emit('history_added', change.added);
    this.#emit('history_updated', this.#history.items);
  }

  #serverError(event: ServerEvent<'error'>): void {
    const { event_id: eventId, code } = event.error;
    if (eventId && this.#raceableCancels.delete(eventId) && code === 'response_cancel_not_active') return;
    if (this.#sequencer.refused(eventId, code) && code === ACTIVE_RESPONSE_CODE) return;
    this.#emit('error', { type: 'error', error: event.error });
  }

  #responseCreated(response: ResponseObject): void {
    this.#sequencer.created();
    const turn = new ResponseTurn(response.id, this.#agent);
    this.#turns.set(response.id, turn);
    this.#latestResponseId = response.id;
    this.#emit('agent_start', this.#context, turn.agent);
  }

  #responseDone(response: ResponseObject): void {
    const turn = this.#turns.get(response.id) ?? new ResponseTurn(response.id, this.#agent);
    turn.status = response.status;
    this.#audioStopped(turn);
    if (response.usage) {
      const usage = this.#context.usage;
      usage.requests++;
      usage.inputTokens += response.usage.input_tokens;
      usage.outputTokens += response.usage.output_tokens;
      usage.totalTokens += response.usage.total_tokens;
    }
    const last = lastMessage(response.output);
    this.#emit('agent_end', this.#context, turn.agent, last.text);
    this.#guardrails.ended(turn, last.itemId, last.text, last.audio);
    this.#sequencer.done();
    this.#settle(turn);
  }

  /** Reactions to items, whichever event shows them first: tool listings, MCP approvals, MCP results. */
  #itemSeen(item: Item): void {
    if (item.type === 'mcp_list_tools' && item.status === 'completed') {
      this.#mcpTools.listed(item.server_label, item.tools);
      this.#reportMcpTools();
    } else if (item.type === 'mcp_approval_request' && !this.#handled.has(item.id)) {
      this.#handled.add(item.id);
      this.#mcpApprovalRequested(item.id, item.server_label, item.name, item.arguments);
    } else if (item.type === 'mcp_call' && item.status !== 'in_progress' && !this.#handled.has(item.id)) {
      this.#handled.add(item.id);
      const call = (this.#history.find(item.id) ?? toHistoryItem(item)) as RealtimeMcpCallItem;
      this.#emit('mcp_tool_call_completed', this.#context, this.#agent, call);
    }
  }

  #reportMcpTools(): void {
    const tools = this.#mcpTools.changed(this.#agent.mcpServers.map((server) => server.serverLabel));
    if (tools) this.#emit('mcp_tools_changed', tools);
  }

  #audioDelta(event: ServerEvent<'response.output_audio.delta'>): void {
    const bytes = base64ToBytes(event.delta);
    this.#playback.received(event.item_id, event.content_index, audioDurationMs(bytes.byteLength, this.#client?.session?.audio.output.format));
    const turn = this.#turns.get(event.response_id);
    if (turn && !turn.audioStarted) {
      turn.audioStarted = true;
      this.#emit('audio_start', this.#context, turn.agent);
    }
    const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    this.#emit('audio', { type: 'audio', data, responseId: event.response_id, itemId: event.item_id, contentIndex: event.content_index });
  }

  #audioStopped(turn: ResponseTurn<TContext> | undefined): void {
    if (!turn?.audioStarted || turn.audioStopped) return;
    turn.audioStopped = true;
    this.#emit('audio_stopped', this.#context, turn.agent);
  }

  /** The server heard the user start to speak: if the agent is still being heard, it stops there. */
  #userStartedSpeaking(): void {
    const detection = this.#client?.session?.audio.input.turn_detection;
    if (detection && 'interrupt_response' in detection && detection.interrupt_response === false) return;
    const playing = this.#playback.playing();
    if (playing) this.#cutPlayback(playing, this.#turns.get(this.#latestResponseId ?? '')?.agent ?? this.#agent);
  }

  #cutPlayback(playing: PlayingAudio, agent: RealtimeAgent<TContext>): void {
    this.#playback.stop();
    this.#emit('audio_interrupted', this.#context, agent);
    this.#requireClient().truncateItem(playing.itemId, playing.contentIndex, playing.playedMs);
  }

  #cancel(client: RealtimeClient, turn: ResponseTurn<TContext>): void {
    turn.cancelRequested = true;
    this.#raceableCancels.add(client.cancelResponse(turn.id));
  }

  // ── tools ──────────────────────────────────────────────────────────────────────────────

  async #functionCall(item: FunctionCallItem, responseId: string): Promise<void> {
    if (this.#handled.has(item.call_id)) return;
    this.#handled.add(item.call_id);
    const generation = this.#generation;
    const turn = this.#turns.get(responseId) ?? new ResponseTurn(responseId, this.#agent);
    const call: FunctionCallDetails = { type: 'function_call', itemId: item.id, callId: item.call_id, name: item.name, arguments: item.arguments };
    turn.pendingCalls.add(call.callId);
    turn.callsToAnswer = true;
    let output: string;
    try {
      output = await this.#runCall(turn.agent, call);
    } catch (error) {
      this.#emit('error', { type: 'error', error });
      output = toolErrorMessage(call.name, error);
    }
    if (generation !== this.#generation || this.#client?.state === 'closed') return;
    this.#requireClient().sendFunctionCallOutput(call.callId, output);
    turn.pendingCalls.delete(call.callId);
    this.#settle(turn);
  }

  /** What the model is told for `call`: a handoff, a function tool's result, or why there is none. */
  async #runCall(agent: RealtimeAgent<TContext>, call: FunctionCallDetails): Promise<string> {
    const target = agent.handoffs.find((candidate) => handoffToolName(candidate) === call.name);
    if (target) {
      const switched = this.#switchTo(target as RealtimeAgent<TContext>);
      this.#emit('agent_handoff', this.#context, agent, target as RealtimeAgent<TContext>);
      await switched;
      return transferMessage(target);
    }
    const tool = agent.tools.find((candidate) => candidate.name === call.name);
    if (!tool) {
      this.#emit('error', { type: 'error', error: new ModelBehaviorError(`The model called tool ${call.name}, which agent ${agent.name} does not have.`) });
      return `There is no tool named ${call.name}; use only the tools you were given.`;
    }
    return runFunctionToolCall({ context: this.#context, emit: (type, ...args) => this.#emit(type, ...args), approvals: this.#approvals }, agent, tool, call);
  }

  /** The agent changes at once (responses from now on are its); the session follows once its instructions are resolved. */
  async #switchTo(agent: RealtimeAgent<TContext>): Promise<void> {
    this.#agent = agent;
    this.#requireClient().updateSession(await agentSessionPatch(agent, this.#context));
    this.#reportMcpTools();
  }

  /** Asks for the answer to a response's tool calls once all their outputs are sent. */
  #settle(turn: ResponseTurn<TContext>): void {
    if (!turn.done || turn.pendingCalls.size > 0) return;
    if (turn.followUpDue) this.#sequencer.request();
    this.#turns.delete(turn.id);
  }

  #mcpApprovalRequested(itemId: string, serverLabel: string, name: string, args: string): void {
    const approvalItem = new ToolApprovalItem({ type: 'hosted_tool_call', itemId, serverLabel, name, arguments: args }, this.#agent);
    const standing = this.#approvals.standing(approvalItem);
    this.#approvals.expect(approvalItem);
    if (standing) return this.#answer(approvalItem, standing, false);
    this.#emit('tool_approval_requested', this.#context, this.#agent, { type: 'mcp_approval_request', approvalItem });
  }

  #answer(approvalItem: ToolApprovalItem, decision: ApprovalDecision, always: boolean): void {
    this.#approvals.answer(approvalItem, decision, always);
    const raw = approvalItem.rawItem;
    if (raw.type !== 'hosted_tool_call') return;
    // The server runs the call (or tells the model it was refused) in a response of its own.
    this.#requireClient().sendMcpApprovalResponse(raw.itemId, decision.approved, decision.approved ? undefined : decision.message);
  }

  // ── guardrails ─────────────────────────────────────────────────────────────────────────

  #answerGrew(responseId: string, itemId: string, delta: string, audio: boolean): void {
    const turn = this.#turns.get(responseId);
    if (turn) this.#guardrails.grew(turn, itemId, delta, audio);
  }

  /** Cuts the answer where it is and tells the model why, so it answers again within policy. */
  #guardrailTripped(turn: ResponseTurn<TContext>, itemId: string, result: OutputGuardrailResult<RealtimeGuardrailMetadata>, audio: boolean): void {
    const error = new OutputGuardrailTripwireTriggered(`Output guardrail triggered: ${formatOutputInfo(result.output.outputInfo)}`, result);
    this.#emit('guardrail_tripped', this.#context, turn.agent, error, { itemId });
    // The conversation has moved on since (the user spoke): that answer is not the one to stop.
    if (this.#latestResponseId !== turn.id || this.#client?.state === 'closed') return;
    const client = this.#requireClient();
    if (!turn.done && !turn.cancelRequested) this.#cancel(client, turn);
    const playing = audio ? this.#playback.playing() : null;
    if (playing?.itemId === itemId) this.#cutPlayback(playing, turn.agent);
    client.createItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text: guardrailFeedbackMessage(result) }] });
    this.#sequencer.request();
  }

  // ── connection ─────────────────────────────────────────────────────────────────────────

  #stateChanged(state: ConnectionState): void {
    if (state.status !== 'closed' || this.#closing) return;
    this.#approvals.abandon(CONNECTION_LOST);
    if (state.error || (state.closeCode !== null && state.closeCode !== 1000)) {
      this.#emit('error', { type: 'error', error: state.error ?? new Error(`The connection closed: ${state.closeCode} ${state.closeReason}`) });
    }
  }

  /** A reconnect: a new server session, with none of the old conversation. */
  #serverSessionReplaced(): void {
    this.#approvals.abandon(CONNECTION_LOST);
    this.#turns.clear();
    this.#handled.clear();
    this.#raceableCancels.clear();
    this.#sequencer.reset();
    this.#playback.stop();
    this.#guardrails.reset();
    this.#mcpTools.clear();
    this.#latestResponseId = null;
    this.#history.clear();
    this.#context.context.history = this.#history.items;
    this.#emit('history_updated', this.#history.items);
  }

  #requireClient(): RealtimeClient {
    if (!this.#client) throw new UserError('The session is not connected: call connect() first.');
    return this.#client;
  }

  #emit<K extends keyof RealtimeSessionEventTypes<TContext>>(type: K, ...args: RealtimeSessionEventTypes<TContext>[K]): void {
    const failure = this.#emitter.emit(type, ...args);
    if (failure !== undefined) this.#listenerFailed(failure);
  }

  #listenerFailed(error: unknown): void {
    (this.options.onListenerError ?? rethrowLater)(error);
  }
}
