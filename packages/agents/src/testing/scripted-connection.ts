/**
 * One connection of the scripted server: a small realtime server over an in-memory socket. It
 * keeps the session and the conversation, answers the client's events as a real server would
 * (`session.updated`, `conversation.item.added`, `…truncated`, errors for a second response or
 * a cancel with nothing to cancel), and plays each response from the script.
 */
import { bytesToBase64, fakeSession, mergeSessionPatch, type InMemoryConnection } from '@parley/client';
import { newId, ParleyError, type ClientEvent, type ErrorCode, type Item, type ResponseObject, type ServerEventInit, type SessionObject } from '@parley/protocol';
import { audioDurationMs } from '../audio-duration.js';
import { audioChunks, itemFromInput, openItem, pieces, type ScriptedOutput } from './scripted-outputs.js';

export interface ScriptedRequest {
  /** The session as the response began: instructions, tools, voice, … */
  session: SessionObject;
  /** The conversation the response answers. */
  conversation: Item[];
}

export interface ScriptHost {
  /** The outputs of the next response; `undefined` when the script has none left (then: an empty answer). */
  nextResponse(): ScriptedOutput[] | undefined;
  /** Tools of an MCP server, by label, for listings. */
  mcpTools(serverLabel: string): { name: string; description?: string; input_schema?: Record<string, unknown> }[] | undefined;
  started(request: ScriptedRequest): void;
  ended(response: ResponseObject): void;
  /** Pause between streamed pieces, ms. */
  delayMs: number;
}

interface Running {
  response: ResponseObject;
  cancelled: 'client_cancelled' | 'turn_detected' | null;
}

export class ScriptedConnection {
  readonly socket: InMemoryConnection;
  session: SessionObject = fakeSession();
  conversation: Item[] = [];
  readonly #host: ScriptHost;
  readonly #listed = new Set<string>();
  /** The transcript pieces of each spoken item with when their audio ends, ms: what a truncation keeps. */
  readonly #spoken = new Map<string, { text: string; endMs: number }[]>();
  #running: Running | null = null;
  #inputAudioBytes = 0;

  constructor(socket: InMemoryConnection, host: ScriptHost) {
    this.socket = socket;
    this.#host = host;
    socket.push({ type: 'session.created', session: this.session });
    void this.#serve();
  }

  /** The server hears the user start speaking: `speech_started`, and the answer stops (as server VAD does). */
  userStartsSpeaking(): void {
    this.#push({ type: 'input_audio_buffer.speech_started', item_id: newId('item'), audio_start_ms: 0 });
    const detection = this.session.audio.input.turn_detection;
    const interrupts = !(detection && 'interrupt_response' in detection && detection.interrupt_response === false);
    if (this.#running && interrupts) this.#running.cancelled = 'turn_detected';
  }

  /** Plays the next scripted response now, as the server's own (a detected turn, an answered approval). */
  respond(): Promise<void> {
    return this.#respond();
  }

  async #serve(): Promise<void> {
    while (this.socket.isOpen) {
      const event = await this.socket.nextEvent();
      try {
        this.#handle(event);
      } catch (error) {
        const refusal = error instanceof ParleyError ? error : new ParleyError('internal_error', String(error));
        this.#push({ type: 'error', error: refusal.toWire(event.event_id ?? null) });
      }
    }
  }

  #handle(event: ClientEvent): void {
    switch (event.type) {
      case 'session.update':
        this.session = mergeSessionPatch(this.session, event.session) as SessionObject;
        this.#push({ type: 'session.updated', session: this.session });
        return this.#listMcpServers();
      case 'conversation.item.create': {
        const item = itemFromInput(event.item);
        this.#add(item, event.previous_item_id);
        if (item.type === 'mcp_approval_response') void this.#respond();
        return;
      }
      case 'conversation.item.retrieve':
        return this.#push({ type: 'conversation.item.retrieved', item: this.#find(event.item_id) });
      case 'conversation.item.delete':
        this.#find(event.item_id);
        this.conversation = this.conversation.filter((item) => item.id !== event.item_id);
        return this.#push({ type: 'conversation.item.deleted', item_id: event.item_id });
      case 'conversation.item.truncate':
        return this.#truncate(event.item_id, event.audio_end_ms);
      case 'response.create':
        if (this.#running) {
          return this.#error(event.event_id, 'conversation_already_has_active_response', `Conversation already has an active response in progress: ${this.#running.response.id}.`);
        }
        void this.#respond();
        return;
      case 'response.cancel':
        if (!this.#running) return this.#error(event.event_id, 'response_cancel_not_active', 'Cancellation failed: no active response found.');
        this.#running.cancelled = 'client_cancelled';
        return;
      case 'input_audio_buffer.append':
        this.#inputAudioBytes += event.audio.length;
        return;
      case 'input_audio_buffer.commit': {
        this.#inputAudioBytes = 0;
        const item: Item = { id: newId('item'), object: 'realtime.item', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_audio', transcript: null }] };
        this.#push({ type: 'input_audio_buffer.committed', item_id: item.id, previous_item_id: this.conversation.at(-1)?.id ?? null });
        return this.#add(item);
      }
      default:
        return;
    }
  }

  #push(event: ServerEventInit): void {
    if (this.socket.isOpen) this.socket.push(event);
  }

  #error(eventId: string | undefined, code: ErrorCode, message: string): void {
    this.#push({ type: 'error', error: new ParleyError(code, message).toWire(eventId ?? null) });
  }

  #find(itemId: string): Item {
    const item = this.conversation.find((candidate) => candidate.id === itemId);
    if (!item) throw new ParleyError('item_not_found', `Item with id '${itemId}' not found.`, { param: 'item_id' });
    return item;
  }

  /** Adds `item` after `previousItemId` (default: last) and says so. */
  #add(item: Item, previousItemId?: string | null): void {
    const after = previousItemId === undefined ? this.conversation.length - 1 : previousItemId === null || previousItemId === 'root' ? -1 : this.conversation.findIndex((i) => i.id === previousItemId);
    this.conversation.splice(after + 1, 0, item);
    const previous = after >= 0 ? this.conversation[after]!.id : null;
    this.#push({ type: 'conversation.item.added', item, previous_item_id: previous });
    if (this.socket.dialect === 'ga') this.#push({ type: 'conversation.item.done', item, previous_item_id: previous });
  }

  #listMcpServers(): void {
    for (const tool of this.session.tools) {
      if (tool.type !== 'mcp' || this.#listed.has(tool.server_label)) continue;
      const tools = this.#host.mcpTools(tool.server_label);
      if (!tools) continue;
      this.#listed.add(tool.server_label);
      const item: Item = {
        id: newId('item'),
        object: 'realtime.item',
        type: 'mcp_list_tools',
        status: 'completed',
        server_label: tool.server_label,
        tools: tools.map((t) => ({ name: t.name, description: t.description ?? '', input_schema: t.input_schema ?? { type: 'object' }, annotations: null })),
      };
      this.#push({ type: 'mcp_list_tools.in_progress', item_id: item.id });
      this.#add(item);
      this.#push({ type: 'mcp_list_tools.completed', item_id: item.id });
    }
  }

  /** Keeps the transcript pieces whose audio was heard whole. */
  #truncate(itemId: string, audioEndMs: number): void {
    const item = this.#find(itemId);
    const part = item.type === 'message' ? item.content[0] : undefined;
    if (part?.type !== 'output_audio') return this.#error(undefined, 'invalid_truncate', 'Only model output audio messages can be truncated.');
    const spoken = this.#spoken.get(itemId) ?? [];
    const endMs = Math.min(audioEndMs, spoken.at(-1)?.endMs ?? 0);
    part.transcript = spoken.filter((piece) => piece.endMs <= endMs).map((piece) => piece.text).join('').trimEnd();
    if (this.#running?.response.output.some((output) => output.id === itemId)) this.#running.cancelled ??= 'client_cancelled';
    this.#push({ type: 'conversation.item.truncated', item_id: itemId, content_index: 0, audio_end_ms: endMs });
  }

  #pause(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.#host.delayMs));
  }

  async #respond(): Promise<void> {
    const outputs = this.#host.nextResponse() ?? [];
    const response: ResponseObject = {
      id: newId('resp'),
      object: 'realtime.response',
      status: 'in_progress',
      status_details: null,
      output: [],
      conversation_id: 'conv_scripted',
      output_modalities: this.session.output_modalities,
      audio: { output: { format: this.session.audio.output.format, voice: this.session.audio.output.voice } },
      max_output_tokens: 'inf',
      metadata: null,
      temperature: this.session.temperature,
    };
    const running: Running = { response, cancelled: null };
    this.#running = running;
    this.#host.started({ session: structuredClone(this.session), conversation: structuredClone(this.conversation) });
    this.#push({ type: 'response.created', response: { ...response, output: [] } });
    for (const output of outputs) {
      await this.#pause();
      if (running.cancelled || !this.socket.isOpen) break;
      await this.#stream(running, output);
    }
    response.status = running.cancelled ? 'cancelled' : 'completed';
    response.status_details = running.cancelled ? { type: 'cancelled', reason: running.cancelled } : null;
    this.#running = null;
    this.#push({ type: 'response.done', response });
    this.#host.ended(response);
  }

  async #stream(running: Running, output: ScriptedOutput): Promise<void> {
    const { response } = running;
    const item = openItem(output);
    const ref = { response_id: response.id, item_id: item.id, output_index: response.output.length };
    response.output.push(item);
    this.#push({ type: 'response.output_item.added', response_id: response.id, output_index: ref.output_index, item: structuredClone(item) });
    this.#add(item);
    if (output.type === 'text' || output.type === 'audio') await this.#speak(running, item, output, { ...ref, content_index: 0 });
    else if (item.type === 'function_call') {
      item.arguments = output.type === 'function_call' ? (typeof output.arguments === 'string' ? output.arguments : JSON.stringify(output.arguments ?? {})) : '';
      this.#push({ type: 'response.function_call_arguments.delta', ...ref, call_id: item.call_id, delta: item.arguments });
      this.#push({ type: 'response.function_call_arguments.done', ...ref, call_id: item.call_id, name: item.name, arguments: item.arguments });
    } else if (item.type === 'mcp_call' && output.type === 'mcp_call') {
      this.#push({ type: 'response.mcp_call.in_progress', item_id: item.id, output_index: ref.output_index });
      if (output.error !== undefined) item.error = { type: 'tool_execution_error', message: output.error };
      else item.output = output.output ?? '';
      this.#push({ type: output.error !== undefined ? 'response.mcp_call.failed' : 'response.mcp_call.completed', item_id: item.id, output_index: ref.output_index });
    }
    item.status = running.cancelled ? 'incomplete' : 'completed';
    this.#push({ type: 'response.output_item.done', response_id: response.id, output_index: ref.output_index, item });
    if (this.socket.dialect === 'ga') this.#push({ type: 'conversation.item.done', item, previous_item_id: null });
  }

  async #speak(running: Running, item: Item, output: Extract<ScriptedOutput, { type: 'text' | 'audio' }>, ref: { response_id: string; item_id: string; output_index: number; content_index: number }): Promise<void> {
    if (item.type !== 'message') return;
    const spoken = output.type === 'audio';
    const part = spoken ? { type: 'output_audio' as const, transcript: '' } : { type: 'output_text' as const, text: '' };
    item.content.push(part);
    this.#push({ type: 'response.content_part.added', ...ref, part: spoken ? { type: 'audio', transcript: '' } : { type: 'text', text: '' } });
    const texts = pieces(spoken ? output.transcript : output.text);
    const audio = spoken ? audioChunks(output) : [];
    for (const [index, text] of texts.entries()) {
      if (index > 0) await this.#pause();
      if (running.cancelled || !this.socket.isOpen) break;
      if (part.type === 'output_text') {
        part.text += text;
        this.#push({ type: 'response.output_text.delta', ...ref, delta: text });
      } else {
        part.transcript += text;
        this.#push({ type: 'response.output_audio_transcript.delta', ...ref, delta: text });
        const chunk = audio[index]!;
        const pieces = this.#spoken.get(item.id) ?? [];
        pieces.push({ text, endMs: (pieces.at(-1)?.endMs ?? 0) + audioDurationMs(chunk.length, this.session.audio.output.format) });
        this.#spoken.set(item.id, pieces);
        this.#push({ type: 'response.output_audio.delta', ...ref, delta: bytesToBase64(chunk) });
      }
    }
    if (part.type === 'output_text') {
      this.#push({ type: 'response.output_text.done', ...ref, text: part.text });
      this.#push({ type: 'response.content_part.done', ...ref, part: { type: 'text', text: part.text } });
    } else {
      this.#push({ type: 'response.output_audio.done', ...ref });
      this.#push({ type: 'response.output_audio_transcript.done', ...ref, transcript: part.transcript });
      this.#push({ type: 'response.content_part.done', ...ref, part: { type: 'audio', transcript: part.transcript } });
    }
  }
}
