/**
 * One response, from `response.created` to its single `response.done`. It asks the LLM
 * engine, streams what comes back into output items, and ends exactly once: completed,
 * incomplete, cancelled or failed. After it has ended nothing more of it reaches the wire —
 * a late delta from the engine is dropped, and the engine's request is aborted.
 */
import {
  isErrorCode,
  isParleyError,
  newId,
  ParleyError,
  type AudioFormat,
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
import { FunctionCallOutput, MessageOutput, type OutputContext, type OutputStatus, type SpeechFactory } from './response-outputs.js';
import { buildUsage, chatChars } from './usage.js';

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
  /** The chat messages, built when the LLM is called: user audio's transcripts may still be on their way at planning time. */
  buildMessages(): ChatMessage[];
  tools: LlmTool[];
  tool_choice: LlmToolChoice;
  /** How audio messages are spoken; null: no speech engine, audio is answered as text. */
  speech: SpeechPlan | null;
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
  logger: Logger;
}

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
  readonly #outputs: (MessageOutput | FunctionCallOutput)[] = [];
  readonly #ctx: OutputContext;
  #ended = false;
  #reportedUsage: LlmUsage | undefined;
  #messages: ChatMessage[] = [];
  #outputChars = 0;

  constructor(deps: ResponseRunDeps, plan: ResponsePlan) {
    this.#deps = deps;
    this.#plan = plan;
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

  async #stream(): Promise<void> {
    const plan = this.#plan;
    let message: MessageOutput | undefined;
    const calls = new Map<number, FunctionCallOutput>();
    let finish: LlmFinishReason | undefined;
    try {
      if (this.#deps.inputsReady) await this.#deps.inputsReady;
      if (this.#ended) return;
      this.#messages = plan.buildMessages();
      const events = this.#deps.llm.stream({
        messages: this.#messages,
        tools: plan.tools,
        tool_choice: plan.tool_choice,
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
        if (this.#ended) return;
        switch (event.type) {
          case 'text_delta': {
            let delta = event.delta;
            if (!message) {
              // Models often lead with whitespace (or say only that before a tool call): it opens no message.
              delta = delta.trimStart();
              if (!delta) break;
              message = this.#open(new MessageOutput(this.#ctx, this.#outputs.length, this.#messageModality(), this.#speechFactory()));
            }
            this.#outputChars += delta.length;
            message.appendText(delta);
            break;
          }
          case 'tool_call_start':
            // What the model said before calling is finished; anything it says after opens a new message.
            await message?.complete('completed');
            if (this.#ended) return;
            message = undefined;
            calls.set(event.index, this.#open(new FunctionCallOutput(this.#ctx, this.#outputs.length, newId('call'), event.name)));
            this.#outputChars += event.name.length;
            break;
          case 'tool_call_arguments':
            this.#outputChars += event.delta.length;
            calls.get(event.index)?.appendArguments(event.delta);
            break;
          case 'finish':
            finish = event.reason;
            this.#reportedUsage = event.usage;
            break;
        }
      }
      if (this.#ended) return;
      // The words are all written; the response ends when they have all been said.
      await message?.speech?.finish();
      if (this.#ended) return;
      const { status, details } = finishStatus(finish);
      this.#closeOutputs(status === 'completed' ? 'completed' : 'incomplete');
      this.#end(status, details);
    } catch (err) {
      if (this.#ended) return; // cancelled: the engine's abort error is expected
      const error = isParleyError(err)
        ? err
        : new ParleyError('internal_error', `The response failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      this.#deps.logger.warn('response failed', { response_id: this.id, llm: this.#deps.llm.label, code: error.code, message: error.message });
      this.#closeOutputs('incomplete');
      this.#deps.emit({ type: 'error', error: error.toWire(null) });
      this.#end('failed', { type: 'failed', error: { type: error.type, code: error.code, message: error.message } });
    }
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
        },
      );
      this.#deps.onSpeech?.(ref.item_id, output);
      return output;
    };
  }

  #open<O extends MessageOutput | FunctionCallOutput>(output: O): O {
    this.#outputs.push(output);
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
    response.usage = buildUsage(this.#reportedUsage, { inputChars: chatChars(this.#messages), outputChars: this.#outputChars });
    this.#deps.emit({ type: 'response.done', response });
    this.#ended = true;
    this.#abort.abort(new DOMException('The response has ended.', 'AbortError'));
    this.#deps.onEnd(this);
  }
}
