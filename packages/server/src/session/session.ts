/**
 * A realtime session: one client's conversation with its configuration, input audio buffer
 * and responses. It speaks only canonical events — the transport decodes and encodes the
 * dialect — so it is driven in tests without a socket.
 *
 * Every client event is handled to completion, synchronously, in arrival order. Work that
 * takes time (a response streaming from the LLM) runs on its own and reaches the wire only
 * through `#emit`, which stops at `close()`. A failing handler answers that client event
 * with an `error` event and leaves the session serving.
 */
import {
  isParleyError,
  newId,
  ParleyError,
  type ClientEvent,
  type ClientEventOf,
  type InputAudioPart,
  type Item,
  type MessageItem,
  type ResponseParams,
  type ServerEvent,
  type ServerEventInit,
  type SessionObject,
  type SessionPatch,
} from '@parley/protocol';
import { FixedTextLlm } from '../engines/llm/fixed-text.js';
import { Hearing, type HearingConfig, type SpeechStarted, type SpeechStopped } from '../hearing/hearing.js';
import type { Transcription } from '../hearing/transcription.js';
import type { SpeechOutput } from '../speaking/speech-output.js';
import type { Logger } from '../logger.js';
import type { ModelProfile } from '../profiles.js';
import { McpRegistry, type McpSettings } from '../tools/mcp-registry.js';
import { Conversation } from './conversation.js';
import { InputAudioBuffer, bytesPerMs } from './input-audio-buffer.js';
import { snapshotItem } from './item-snapshot.js';
import { holdAudio } from './audio-bytes.js';
import { itemFromInput } from './items-from-input.js';
import { planResponse } from './response-planner.js';
import { SourceList } from '../tools/search/sources.js';
import { ResponseRun } from './response-run.js';
import { ResponseTimer, type LatencyObserver } from '../metrics/response-timer.js';
import { ResponseTracker } from './response-tracker.js';
import { defaultSession, mergeSession } from './session-config.js';
import { DEFAULT_SESSION_LIMITS, MAX_APPEND_BYTES, spokenDuration, type SessionLimits } from './limits.js';
import { reportTranscription } from './transcription-reporter.js';

/** A commit needs at least this much audio (the hosted services' rule). */
export const MIN_COMMIT_MS = 100;
/** The longest delay setTimeout keeps: 2^31 − 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;
/** The longest a response waits for user audio's transcripts before asking the LLM anyway. */
export const TRANSCRIPT_WAIT_MS = 10_000;

export interface SessionOptions {
  profile: ModelProfile;
  /** The model name the client asked for (`?model=`), echoed in the session; defaults to the profile's name. */
  model?: string | null;
  /** Receives every server event, in order. */
  send(event: ServerEvent): void;
  logger: Logger;
  /** Overrides of DEFAULT_SESSION_LIMITS. */
  limits?: Partial<SessionLimits>;
  /** Timeouts for the MCP servers of `mcp` tools. */
  mcp?: McpSettings;
  /**
   * Whether the profile's searches are items on the wire (`file_search_call`, `web_search_call`).
   * Voice Live has them; the OpenAI dialects do not (agents-realtime rejects unknown item types),
   * so there searches run unseen. Default false.
   */
  searchItems?: boolean;
  /** Where responses' latencies are observed (the server's metrics). */
  metrics?: LatencyObserver;
}

export class Session {
  readonly id = newId('sess');
  readonly #profile: ModelProfile;
  readonly #send: (event: ServerEvent) => void;
  readonly #logger: Logger;
  readonly #conversation = new Conversation();
  readonly #responses = new ResponseTracker();
  readonly #input: InputAudioBuffer;
  #config: SessionObject;
  #temperatureSet = false;
  #closed = false;
  /** Voice Live: the open `input_audio.turn`, if any. */
  #turnId: string | null = null;
  /** Voice Live: text streamed with `input_text.delta`, by item id. */
  readonly #textDrafts = new Map<string, string>();
  readonly #warned = new Set<string>();
  readonly #hearing: Hearing;
  /** The sources the session's searches have numbered for the LLM to cite. */
  readonly #sources = new SourceList();
  readonly #searchItems: boolean;
  readonly #metrics: LatencyObserver | null;
  /** performance.now() of the last speech_stopped that asked for a response, until a response takes it. */
  #speechEndedAt: number | null = null;
  readonly #limits: SessionLimits;
  /** Waiting for `whenIdle()`. */
  readonly #idleWaiters: (() => void)[] = [];
  /** A turn ended while a response was running and asked for its own: started when that one ends. */
  #responseOwed = false;
  /** `idle_timeout_ms`: fires when the user says nothing for that long after a response. */
  #idleTimer: NodeJS.Timeout | null = null;
  /** The speech of each spoken assistant item, for truncation. */
  readonly #speeches = new Map<string, SpeechOutput>();
  /** User items whose transcript is still being made: a response waits for them before asking the LLM. */
  readonly #pendingTranscripts = new Map<string, Promise<void>>();
  /** The MCP servers of the session's (and responses') `mcp` tools. */
  readonly #mcp: McpRegistry;
  /**
   * Bare `response.create`s still to be answered with an empty response: one per MCP call whose
   * result the last response already answered, for clients that ask again after each call (see
   * `#createResponse`). Only while the conversation has not changed since that response began.
   */
  #answeredMcpCalls = 0;
  /** Changes to the conversation from outside a response: items added (tool listings aside), deleted, truncated. */
  #conversationChanges = 0;
  /** `#conversationChanges` when the conversation's latest response began. */
  #changesAtResponseStart = 0;
  /** Bare `response.create`s that arrived while that response was answering its MCP results (and were let go). */
  #followUpsWhileRunning = 0;

  constructor(options: SessionOptions) {
    this.#profile = options.profile;
    this.#limits = { ...DEFAULT_SESSION_LIMITS, ...options.limits };
    this.#searchItems = options.searchItems ?? false;
    this.#metrics = options.metrics ?? null;
    this.#send = options.send;
    this.#logger = options.logger.child({ session_id: this.id });
    this.#config = defaultSession(this.id, {
      model: options.model || options.profile.name,
      instructions: options.profile.instructions,
      voice: options.profile.voice,
      maxDurationMs: this.#limits.maxSessionMs,
    });
    this.#input = new InputAudioBuffer(this.#config.audio.input.format);
    this.#hearing = new Hearing(
      options.profile.hearing ?? { vad: null, stt: null },
      hearingConfig(this.#config),
      {
        speechStarted: (e) => this.#guard('speech_started', () => this.#speechStarted(e)),
        speechStopped: (e) => this.#guard('speech_stopped', () => this.#speechStopped(e)),
        speechDiscarded: (e) => this.#guard('speech_discarded', () => this.#input.dropBefore(e.audio_end_ms)),
        failed: (error) => this.#hearingFailed(error),
      },
      this.#logger,
    );
    this.#mcp = new McpRegistry({
      emit: (e) => this.#emit(e),
      addItem: (item) => this.#addItem(item),
      logger: this.#logger,
      settings: options.mcp,
    });
  }

  get config(): SessionObject {
    return this.#config;
  }

  get conversation(): Conversation {
    return this.#conversation;
  }

  /**
   * Sends `session.created`: the first event of every connection. `initial` (the configuration a
   * client secret carries) is applied first, so `session.created` shows it; the connection checked
   * it already, and if it still fails the session starts with its defaults and says why.
   */
  start(initial?: SessionPatch): void {
    let failed: ParleyError | null = null;
    try {
      if (initial) this.#applySession(initial);
    } catch (err) {
      failed = isParleyError(err) ? err : new ParleyError('internal_error', "The client secret's session configuration could not be applied.");
    }
    this.#emit({ type: 'session.created', session: this.#config });
    this.#emit({ type: 'conversation.created', conversation: { id: this.#conversation.id, object: 'realtime.conversation' } });
    if (failed) this.reportError(failed, null);
    else if (initial?.tools) this.#mcp.ensure(this.#config.tools);
  }

  /** Stops all work; nothing more is sent. Running responses abort their engine requests. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearIdleTimer();
    this.#hearing.close();
    for (const run of this.#responses.all()) run.cancel('client_cancelled');
    this.#mcp.close();
    this.#notifyIdle();
  }

  /** Resolves when no response is running: at once if none is (or the session is closed). */
  whenIdle(): Promise<void> {
    if (this.#closed || !this.#responses.current) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #notifyIdle(): void {
    if (this.#responses.current && !this.#closed) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  /** Answers a client event that could not be decoded. */
  reportError(error: ParleyError, eventId: string | null): void {
    this.#emit({ type: 'error', error: error.toWire(eventId) });
  }

  handle(event: ClientEvent): void {
    if (this.#closed) return;
    try {
      this.#dispatch(event);
    } catch (err) {
      if (isParleyError(err)) {
        this.reportError(err, event.event_id ?? null);
        return;
      }
      this.#logger.error('client event handler failed', {
        type: event.type,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
      this.reportError(
        new ParleyError('internal_error', `An internal error occurred while handling '${event.type}'. The session continues.`),
        event.event_id ?? null,
      );
    }
  }

  #dispatch(event: ClientEvent): void {
    switch (event.type) {
      case 'session.update':
        return this.#updateSession(event.session, 'session.updated');
      case 'transcription_session.update':
        return this.#updateSession(event.session, 'transcription_session.updated');
      case 'input_audio_buffer.append':
        return this.#appendAudio(event.audio);
      case 'input_audio_buffer.commit':
        this.#commitInput();
        return;
      case 'input_audio_buffer.clear':
      case 'input_audio.clear':
        this.#input.clear();
        this.#hearing.resetTurn();
        return this.#emit({ type: 'input_audio_buffer.cleared' });
      case 'output_audio_buffer.clear':
        throw new ParleyError(
          'unsupported_feature',
          'output_audio_buffer.clear applies to WebRTC connections, where the server plays the audio. Over a WebSocket the client plays it: stop playback and send conversation.item.truncate.',
        );
      case 'conversation.item.create':
        return this.#createItem(event);
      case 'conversation.item.retrieve': {
        // An MCP tool listing still running is not in the conversation yet, but already has its id.
        const item = this.#mcp.pendingItem(event.item_id) ?? this.#conversation.require(event.item_id, 'retrieving');
        return this.#emit({ type: 'conversation.item.retrieved', item: snapshotItem(item, true) });
      }
      case 'conversation.item.truncate':
        return this.#truncate(event);
      case 'conversation.item.delete':
        this.#conversation.require(event.item_id, 'deleting');
        this.#conversation.delete(event.item_id);
        this.#conversationChanges++;
        this.#speeches.delete(event.item_id);
        return this.#emit({ type: 'conversation.item.deleted', item_id: event.item_id });
      case 'response.create':
        return this.#createResponse(event);
      case 'response.cancel':
        return this.#cancelResponse(event);
      case 'session.avatar.connect':
        throw new ParleyError('unsupported_feature', 'Avatar video is not available on this server.');
      case 'input_audio.turn.start':
        this.#input.clear();
        this.#turnId = event.turn_id;
        return;
      case 'input_audio.turn.append':
        this.#requireTurn(event.turn_id);
        return this.#appendAudio(event.audio);
      case 'input_audio.turn.end':
        return this.#endTurn(event.turn_id);
      case 'input_audio.turn.cancel':
        this.#requireTurn(event.turn_id);
        this.#turnId = null;
        this.#input.clear();
        return;
      case 'input_text.delta':
        this.#textDrafts.set(event.id, (this.#textDrafts.get(event.id) ?? '') + event.delta);
        return;
      case 'input_text.done':
        return this.#finishTextInput(event.id);
    }
  }

  #emit(init: ServerEventInit): void {
    if (this.#closed) return;
    // `type` first, then `event_id` (agents-realtime ignores server events without one), then the payload.
    this.#send(Object.assign({ type: init.type, event_id: newId('event') }, init) as ServerEvent);
  }

  #warn(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#logger.warn(message);
    this.#emit({ type: 'warning', warning: { message, code: key, param: null } });
  }

  #updateSession(patch: SessionPatch, reply: 'session.updated' | 'transcription_session.updated'): void {
    const next = this.#applySession(patch);
    this.#emit({ type: reply, session: next });
    if (patch.tools) this.#mcp.ensure(next.tools, { retryFailed: true });
    this.#armIdleTimer();
    if (next.avatar || next.output_modalities.includes('avatar')) {
      this.#warn('avatar_unavailable', 'Avatar video is not available on this server; the session continues with audio only.');
    }
  }

  /** Makes `patch` the session's configuration (changing nothing if it is invalid) and returns the result. */
  #applySession(patch: SessionPatch): SessionObject {
    if (patch.tools) this.#mcp.checkAllowed(patch.tools, 'session.tools');
    const next = mergeSession(this.#config, patch);
    // An unknown voice is refused now, not at the first answer.
    this.#profile.tts?.resolveVoice(next.audio.output.voice);
    this.#config = next;
    if (patch.temperature !== undefined) this.#temperatureSet = true;
    this.#input.setFormat(next.audio.input.format);
    this.#hearing.configure(hearingConfig(next));
    return next;
  }

  #addItem(item: Item, previousItemId?: string | null): void {
    const previous = this.#conversation.insert(item, previousItemId);
    // Something new to answer (a finished tool listing is not).
    if (item.type !== 'mcp_list_tools') this.#conversationChanges++;
    this.#emit({ type: 'conversation.item.added', item: snapshotItem(item), previous_item_id: previous });
    this.#emit({ type: 'conversation.item.done', item: snapshotItem(item), previous_item_id: previous });
    this.#trimConversation();
  }

  /**
   * Keeps the conversation within its item limit: the oldest items are deleted, as if the client
   * had sent `conversation.item.delete`, except those a running response is still writing.
   */
  #trimConversation(): void {
    const excess = this.#conversation.size - this.#limits.maxConversationItems;
    if (excess <= 0) return;
    const running = this.#responses.all();
    const oldest = this.#conversation.items.filter((item) => !running.some((run) => run.hasOutput(item.id))).slice(0, excess);
    for (const item of oldest) {
      this.#conversation.delete(item.id);
      this.#speeches.delete(item.id);
      this.#emit({ type: 'conversation.item.deleted', item_id: item.id });
    }
    this.#logger.debug('conversation trimmed to its item limit', { deleted: oldest.length, limit: this.#limits.maxConversationItems });
  }

  #createItem(event: ClientEventOf<'conversation.item.create'>): void {
    const item = itemFromInput(event.item, this.#conversation.items);
    this.#addItem(item, event.previous_item_id);
    // An answer to an MCP approval request lets the model go on: the call runs (or the LLM hears it
    // was denied) in a response the server starts, as the hosted services do.
    if (item.type === 'mcp_approval_response') {
      if (this.#responses.current) this.#responseOwed = true;
      else this.#createResponse({ type: 'response.create', response: {} });
    }
  }

  #appendAudio(audio: Buffer): void {
    if (audio.length > MAX_APPEND_BYTES) {
      throw new ParleyError('invalid_value', `Invalid 'audio': ${audio.length} bytes of audio in one append; at most ${MAX_APPEND_BYTES} (15 MiB) are allowed.`, { param: 'audio' });
    }
    const limitMs = this.#limits.maxInputBufferMs;
    if (this.#input.durationMs + audio.length / bytesPerMs(this.#input.format) > limitMs) {
      throw new ParleyError(
        'input_audio_buffer_full',
        `The input audio buffer already holds ${(this.#input.durationMs / 1000).toFixed(1)} s of uncommitted audio, and ${spokenDuration(limitMs)} is the most it holds: commit it (input_audio_buffer.commit) or clear it before appending more.`,
        { param: 'audio' },
      );
    }
    this.#input.append(audio);
    this.#hearing.push(audio);
    if (this.#hearing.turnDetectionUnavailable) {
      this.#warn('turn_detection_unavailable', 'Turn detection needs a VAD engine, and none is loaded (see the server log): commit audio with input_audio_buffer.commit.');
    }
  }

  /** Turns the whole input buffer into a user audio item (a commit by the client). */
  #commitInput(): MessageItem {
    const bytes = this.#input.byteLength;
    if (this.#input.durationMs < MIN_COMMIT_MS) {
      const ms = (bytes / bytesPerMs(this.#input.format)).toFixed(2);
      throw new ParleyError(
        'input_audio_buffer_commit_empty',
        `Error committing input audio buffer: buffer too small. Expected at least ${MIN_COMMIT_MS}ms of audio, but buffer only has ${ms}ms of audio.`,
      );
    }
    this.#hearing.resetTurn();
    const startMs = this.#input.startMs;
    const audio = this.#input.take();
    const item = this.#commitAudio(newId('item'), audio, startMs);
    this.#report(this.#hearing.transcribe(audio, this.#input.format), item, startMs);
    return item;
  }

  #commitAudio(id: string, audio: Buffer, startMs: number): MessageItem {
    const part: InputAudioPart = { type: 'input_audio', transcript: null };
    holdAudio(part, audio);
    const item: MessageItem = {
      id,
      object: 'realtime.item',
      type: 'message',
      role: 'user',
      status: 'completed',
      content: [part],
    };
    this.#emit({ type: 'input_audio_buffer.committed', item_id: item.id, previous_item_id: this.#conversation.lastId() });
    this.#addItem(item);
    return item;
  }

  /**
   * Follows a user item's transcription onto the item (the LLM reads it) and, when the client
   * asked for transcripts, to the wire; without an engine, says so with `.failed`.
   */
  #report(transcription: Transcription | null, item: MessageItem, audioStartMs: number): void {
    const settings = this.#config.audio.input;
    if (!transcription) {
      if (!settings.transcription) return;
      const error = new ParleyError('engine_unavailable', 'No speech-to-text engine is loaded on this server (see its log), so the audio was not transcribed.');
      const { type, code, message, param } = error.toWire(null);
      this.#emit({ type: 'conversation.item.input_audio_transcription.failed', item_id: item.id, content_index: 0, error: { type, code, message, param } });
      return;
    }
    const td = settings.turn_detection;
    let settled!: () => void;
    const pending = new Promise<void>((resolve) => (settled = resolve));
    this.#pendingTranscripts.set(item.id, pending);
    reportTranscription(transcription, {
      item,
      audioStartMs,
      removeFillerWords: !!td && 'remove_filler_words' in td && td.remove_filler_words === true,
      language: settings.transcription?.language,
      events: settings.transcription !== null,
      emit: (e) => this.#emit(e),
      onSettled: () => {
        this.#pendingTranscripts.delete(item.id);
        settled();
      },
      logger: this.#logger,
    });
  }

  /** Settles when every pending transcript has, or after TRANSCRIPT_WAIT_MS: a stuck engine must not silence the agent. */
  #transcriptsReady(): Promise<void> | undefined {
    if (this.#pendingTranscripts.size === 0) return undefined;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, TRANSCRIPT_WAIT_MS);
      void Promise.all(this.#pendingTranscripts.values()).then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Runs a hearing callback like a client event: a failure is reported, never thrown into the pipeline. */
  #guard(what: string, action: () => void): void {
    if (this.#closed) return;
    try {
      action();
    } catch (err) {
      this.#logger.error(`handling ${what} failed`, { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      this.reportError(isParleyError(err) ? err : new ParleyError('internal_error', `An internal error occurred while handling ${what}. The session continues.`), null);
    }
  }

  #hearingFailed(error: unknown): void {
    if (this.#closed) return;
    const message = error instanceof Error ? error.message : String(error);
    this.#logger.error('input audio processing failed', { error: message });
    this.reportError(isParleyError(error) ? error : new ParleyError('engine_stream_error', `Input audio could not be processed: ${message}`), null);
  }

  #speechStarted(event: SpeechStarted): void {
    this.#clearIdleTimer();
    this.#emit({ type: 'input_audio_buffer.speech_started', item_id: event.item_id, audio_start_ms: Math.round(event.audio_start_ms) });
    const td = this.#config.audio.input.turn_detection;
    const current = this.#responses.current;
    if (!current || td?.interrupt_response === false) return;
    current.cancel('turn_detected');
    if (td && 'auto_truncate' in td && td.auto_truncate) this.#autoTruncate(current);
  }

  /** Voice Live `auto_truncate`: assume real-time playback since the first audio delta, and cut there. */
  #autoTruncate(run: ResponseRun): void {
    const now = performance.now();
    for (const itemId of run.outputItemIds()) {
      const speech = this.#speeches.get(itemId);
      const item = this.#conversation.get(itemId);
      if (!speech?.firstAudioAt || item?.type !== 'message') continue;
      if (now - speech.firstAudioAt >= speech.spoken.durationMs) continue; // all of it was heard
      this.#cutSpoken(item, speech, now - speech.firstAudioAt);
    }
  }

  /** A turn ended: commit exactly its audio (later audio stays for the next turn) and answer it. */
  #speechStopped(event: SpeechStopped): void {
    this.#emit({ type: 'input_audio_buffer.speech_stopped', item_id: event.item_id, audio_end_ms: Math.round(event.audio_end_ms) });
    const stoppedAt = performance.now();
    this.#input.dropBefore(event.audio_start_ms);
    const startMs = this.#input.startMs;
    const item = this.#commitAudio(event.item_id, this.#input.takeUntil(event.commit_ms), startMs);
    this.#report(event.transcription, item, startMs);
    // A transcription session has no responses: its turns are only transcribed.
    if (this.#config.type === 'transcription' || this.#config.audio.input.turn_detection?.create_response === false) return;
    this.#speechEndedAt = stoppedAt;
    if (this.#responses.current) this.#responseOwed = true;
    else this.#createResponse({ type: 'response.create', response: {} });
  }

  #clearIdleTimer(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }

  /** (Re)starts the idle timer when `server_vad.idle_timeout_ms` is set and nothing is running. */
  #armIdleTimer(): void {
    this.#clearIdleTimer();
    const td = this.#config.audio.input.turn_detection;
    if (this.#closed || td?.type !== 'server_vad' || !td.idle_timeout_ms || this.#responses.current || this.#config.type === 'transcription') return;
    // Past setTimeout's 32-bit limit Node fires after 1 ms; a timeout that long (24.8 days) never comes.
    if (td.idle_timeout_ms > MAX_TIMER_MS) return;
    this.#idleTimer = setTimeout(() => this.#guard('idle timeout', () => this.#idleTimeout()), td.idle_timeout_ms);
    this.#idleTimer.unref();
  }

  /** The user said nothing for `idle_timeout_ms`: commit what there is and let the model speak. */
  #idleTimeout(): void {
    this.#idleTimer = null;
    if (this.#responses.current) return;
    const id = newId('item');
    const startMs = this.#input.startMs;
    const endMs = this.#input.endMs;
    this.#emit({ type: 'input_audio_buffer.timeout_triggered', item_id: id, audio_start_ms: Math.round(startMs), audio_end_ms: Math.round(endMs) });
    this.#hearing.resetTurn();
    this.#commitAudio(id, this.#input.take(), startMs);
    this.#createResponse({ type: 'response.create', response: {} });
  }

  #responseEnded(run: ResponseRun): void {
    this.#responses.remove(run);
    this.#trimConversation();
    // After what follows here, which may start an owed response: only then is the session idle.
    queueMicrotask(() => this.#notifyIdle());
    if (run.inConversation && run.answeredMcpCalls > 0) {
      // Not when something came in meanwhile, or a response is owed: that is a real question.
      const untouched = this.#conversationChanges === this.#changesAtResponseStart && !this.#responseOwed;
      this.#answeredMcpCalls = untouched ? Math.max(0, run.answeredMcpCalls - this.#followUpsWhileRunning) : 0;
    }
    if (this.#closed || this.#responses.current) return;
    if (this.#responseOwed) {
      this.#responseOwed = false;
      this.#guard('a pending response', () => this.#createResponse({ type: 'response.create', response: {} }));
      return;
    }
    this.#armIdleTimer();
  }

  #truncate(event: ClientEventOf<'conversation.item.truncate'>): void {
    const item = this.#conversation.require(event.item_id, 'truncating');
    const notAudio = new ParleyError('invalid_truncate', 'Only model output audio messages can be truncated.', { param: 'item_id' });
    if (item.type !== 'message' || item.role !== 'assistant') throw notAudio;
    const part = item.content[event.content_index];
    if (!part) {
      throw new ParleyError('invalid_truncate', `Item '${item.id}' has no content part ${event.content_index}.`, { param: 'content_index' });
    }
    if (part.type !== 'output_audio') throw notAudio;
    const speech = this.#speeches.get(item.id);
    if (!speech) throw notAudio;
    this.#conversationChanges++;
    // Still speaking it? Then the client stopped playback mid-answer: the answer stops too.
    for (const run of this.#responses.all()) if (run.hasOutput(item.id)) run.cancel('client_cancelled');
    this.#cutSpoken(item, speech, event.audio_end_ms);
  }

  /**
   * Keeps only what was heard of an assistant item: its audio up to `audioEndMs` (clamped to the
   * audio sent, so a client within what it received never gets an error) and the words heard.
   */
  #cutSpoken(item: MessageItem, speech: SpeechOutput, audioEndMs: number): void {
    const cut = speech.spoken.truncate(audioEndMs);
    const part = item.content[0];
    if (part?.type === 'output_audio') {
      part.transcript = cut.transcript;
      holdAudio(part, cut.audio);
    }
    this.#emit({ type: 'conversation.item.truncated', item_id: item.id, content_index: 0, audio_end_ms: Math.round(cut.audioEndMs) });
  }

  #createResponse(event: ClientEventOf<'response.create'>): void {
    const params = event.response;
    if (this.#config.type === 'transcription') {
      throw new ParleyError('unsupported_feature', 'A transcription session does not create responses; set session.type to "realtime".');
    }
    const conversationMode = params.conversation ?? 'auto';
    if (conversationMode !== 'auto' && conversationMode !== 'none' && conversationMode !== this.#conversation.id) {
      throw new ParleyError(
        'invalid_value',
        `Invalid value: '${conversationMode}'. Supported values for 'response.conversation' are: 'auto', 'none', '${this.#conversation.id}'.`,
        { param: 'response.conversation' },
      );
    }
    const outOfBand = conversationMode === 'none';
    const current = outOfBand ? null : this.#responses.current;
    // Clients built for the hosted services (agents-realtime among them) send a bare response.create
    // after every finished mcp_call, because there the response stops at the call. Parley's
    // response went on and answered the results already: such a create gets an empty response.
    const bare = isBareCreate(params, this.#input.durationMs >= MIN_COMMIT_MS);
    const answered = !current && !outOfBand && bare && this.#answeredMcpCalls > 0 && this.#conversationChanges === this.#changesAtResponseStart;
    if (answered) this.#answeredMcpCalls--;
    else this.#answeredMcpCalls = 0;
    if (current && params.cancel_previous && bare && current.ranMcpCalls) {
      // The same ask arriving while that response still runs: with Voice Live's cancel_previous (its
      // default) it would cut off the very answer it asks for. The running response is the answer.
      const message = `response.create ignored: response ${current.id} ran the MCP tool calls and is answering with their results.`;
      this.#logger.debug(message);
      this.#emit({ type: 'warning', warning: { message, code: 'response_create_ignored', param: null } });
      this.#followUpsWhileRunning++;
      return;
    }
    if (current && !params.cancel_previous) {
      throw new ParleyError(
        'conversation_already_has_active_response',
        `Conversation already has an active response in progress: ${current.id}. Wait until the response is finished before creating a new one.`,
      );
    }
    if (params.commit && this.#input.durationMs >= MIN_COMMIT_MS) this.#commitInput();
    if (params.tools) {
      this.#mcp.checkAllowed(params.tools, 'response.tools');
      this.#mcp.ensure(params.tools);
    }
    const plan = planResponse({
      params,
      session: this.#config,
      temperatureSet: this.#temperatureSet,
      conversation: this.#conversation,
      llm: this.#profile.llm,
      tts: this.#profile.tts,
      search: answered ? null : this.#profile.search,
      contextTokens: this.#profile.llm.contextTokens ?? this.#limits.maxContextTokens,
    });
    if (plan.output_modalities.includes('audio') && !plan.speech) {
      this.#warn('audio_output_unavailable', 'No speech engine is configured: responses are given as text.');
    }
    const preGenerated = params.pre_generated_assistant_message;
    const llm = answered
      ? new FixedTextLlm('')
      : preGenerated
        ? new FixedTextLlm(preGenerated.content.map((p) => (p.type === 'output_text' ? p.text : '')).join(''))
        : this.#profile.llm;
    // Only now, with the new response known to be valid, does the old one give way (Voice Live's cancel_previous).
    current?.cancel('client_cancelled');
    const run = new ResponseRun(
      {
        llm,
        emit: (e) => this.#emit(e),
        conversation: outOfBand ? null : this.#conversation,
        onEnd: (ended) => this.#responseEnded(ended),
        inputsReady: this.#transcriptsReady(),
        onSpeech: (itemId, speech) => this.#speeches.set(itemId, speech),
        mcp: answered ? undefined : this.#mcp,
        search: this.#profile.search ? { tools: this.#profile.search, sources: this.#sources, visible: this.#searchItems } : undefined,
        logger: this.#logger,
        timer: this.#responseTimer(outOfBand),
      },
      plan,
    );
    this.#responses.add(run);
    if (!outOfBand) {
      this.#changesAtResponseStart = this.#conversationChanges;
      this.#followUpsWhileRunning = 0;
    }
    this.#clearIdleTimer();
    run.start();
  }

  /** The next response in the conversation after a turn ended is the one that turn caused: it times from the end of speech. */
  #responseTimer(outOfBand: boolean): ResponseTimer {
    if (outOfBand) return new ResponseTimer(this.#metrics);
    const speechEndedAt = this.#speechEndedAt;
    this.#speechEndedAt = null;
    return new ResponseTimer(this.#metrics, speechEndedAt);
  }

  #cancelResponse(event: ClientEventOf<'response.cancel'>): void {
    const run = event.response_id ? this.#responses.find(event.response_id) : this.#responses.current;
    if (!run) {
      const which = event.response_id ? `no active response with id '${event.response_id}' found` : 'no active response found';
      throw new ParleyError('response_cancel_not_active', `Cancellation failed: ${which}`, event.response_id ? { param: 'response_id' } : {});
    }
    run.cancel('client_cancelled');
  }

  #requireTurn(turnId: string): void {
    if (this.#turnId !== turnId) {
      throw new ParleyError('invalid_value', `No audio turn '${turnId}' is open; send input_audio.turn.start first.`, { param: 'turn_id' });
    }
  }

  /** Voice Live turn-based input: the turn's audio becomes the user's item and is answered. */
  #endTurn(turnId: string): void {
    this.#requireTurn(turnId);
    this.#turnId = null;
    this.#commitInput();
    if (!this.#responses.current) this.#createResponse({ type: 'response.create', response: {} });
  }

  #finishTextInput(id: string): void {
    const text = this.#textDrafts.get(id) ?? '';
    this.#textDrafts.delete(id);
    this.#addItem({
      id,
      object: 'realtime.item',
      type: 'message',
      role: 'user',
      status: 'completed',
      content: [{ type: 'input_text', text }],
    });
  }
}

/** A `response.create` that asks for nothing but "go on": no parameters (Voice Live's defaults aside), and no audio to commit. */
function isBareCreate(params: ResponseParams, wouldCommit: boolean): boolean {
  if (params.commit && wouldCommit) return false;
  return Object.keys(params).every((key) => key === 'commit' || key === 'cancel_previous');
}

function hearingConfig(session: SessionObject): HearingConfig {
  const input = session.audio.input;
  return { format: input.format, turn_detection: input.turn_detection, transcription: input.transcription, noise_reduction: input.noise_reduction };
}
