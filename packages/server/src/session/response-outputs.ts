/**
 * The output items of one response and the events that open, stream and close them. Each
 * output is added to the response and (unless the response is out-of-band) to the
 * conversation, streams its deltas, and closes with the done chain: inner to outer, as the
 * hosted services do.
 */
import { newId, type FunctionCallItem, type Item, type MessageItem, type ServerEventInit } from '@parley/protocol';
import type { PartRef, SpeechOutput } from '../speaking/speech-output.js';
import { annotationOf, type Citation } from './citations.js';
import type { Conversation } from './conversation.js';
import { snapshotItem } from './item-snapshot.js';
import { holdAudio } from './audio-bytes.js';

export interface OutputContext {
  readonly responseId: string;
  emit(event: ServerEventInit): void;
  /** Null for out-of-band responses, whose items join no conversation. */
  readonly conversation: Conversation | null;
}

export type OutputStatus = 'completed' | 'incomplete';

export abstract class Output<I extends Item = Item> {
  protected closed = false;

  constructor(
    protected readonly ctx: OutputContext,
    readonly outputIndex: number,
    readonly item: I,
  ) {}

  get isOpen(): boolean {
    return !this.closed;
  }

  protected addItem(): void {
    const { ctx, item } = this;
    ctx.emit({ type: 'response.output_item.added', response_id: ctx.responseId, output_index: this.outputIndex, item: snapshotItem(item) });
    if (ctx.conversation) {
      const previous = ctx.conversation.append(item);
      ctx.emit({ type: 'conversation.item.added', item: snapshotItem(item), previous_item_id: previous });
    }
  }

  protected finishItem(status: I['status']): void {
    const { ctx, item } = this;
    item.status = status;
    ctx.emit({ type: 'response.output_item.done', response_id: ctx.responseId, output_index: this.outputIndex, item: snapshotItem(item) });
    if (ctx.conversation?.has(item.id)) {
      ctx.emit({ type: 'conversation.item.done', item: snapshotItem(item), previous_item_id: ctx.conversation.previousIdOf(item.id) });
    }
  }

  abstract close(status: OutputStatus): void;
}

/** Makes the speech of one audio message, given where its events go. */
export type SpeechFactory = (ref: PartRef) => SpeechOutput;

/**
 * An assistant message. `text` modality streams `output_text`; `audio` modality streams an
 * `output_audio` part: spoken through `speech` when there is a speech engine (audio deltas, and
 * the transcript in step with them), else its transcript alone.
 */
export class MessageOutput extends Output<MessageItem> {
  readonly #modality: 'text' | 'audio';
  readonly #makeSpeech: SpeechFactory | undefined;
  #speech: SpeechOutput | undefined;
  #text = '';
  readonly #citations: Citation[] = [];

  constructor(ctx: OutputContext, outputIndex: number, modality: 'text' | 'audio', speech?: SpeechFactory) {
    super(ctx, outputIndex, { id: newId('item'), object: 'realtime.item', type: 'message', role: 'assistant', status: 'in_progress', content: [] });
    this.#modality = modality;
    this.#makeSpeech = modality === 'audio' ? speech : undefined;
  }

  /** The speech of this message, once opened (audio modality with a speech engine). */
  get speech(): SpeechOutput | undefined {
    return this.#speech;
  }

  get text(): string {
    return this.#text;
  }

  #ref() {
    return { response_id: this.ctx.responseId, item_id: this.item.id, output_index: this.outputIndex, content_index: 0 };
  }

  open(): void {
    this.addItem();
    if (this.#modality === 'text') {
      this.item.content.push({ type: 'output_text', text: '' });
      this.ctx.emit({ type: 'response.content_part.added', ...this.#ref(), part: { type: 'text', text: '' } });
    } else {
      this.item.content.push({ type: 'output_audio', transcript: '' });
      this.ctx.emit({ type: 'response.content_part.added', ...this.#ref(), part: { type: 'audio', transcript: '' } });
      this.#speech = this.#makeSpeech?.(this.#ref());
    }
  }

  appendText(delta: string): void {
    this.#text += delta;
    if (this.#speech) {
      // The transcript goes out with the audio, as it is spoken.
      this.#speech.push(delta);
      return;
    }
    const part = this.item.content[0]!;
    if (part.type === 'output_text') {
      part.text = this.#text;
      this.ctx.emit({ type: 'response.output_text.delta', ...this.#ref(), delta });
    } else if (part.type === 'output_audio') {
      part.transcript = this.#text;
      this.ctx.emit({ type: 'response.output_audio_transcript.delta', ...this.#ref(), delta });
    }
  }

  /** Records a citation; it is announced when the message closes, if the words it follows were said. */
  cite(citation: Citation): void {
    this.#citations.push(citation);
  }

  /** Waits for the speech to be all out (when there is speech), then closes `status`. */
  async complete(status: OutputStatus): Promise<void> {
    await this.#speech?.finish();
    this.close(status);
  }

  close(status: OutputStatus): void {
    if (this.closed) return;
    this.closed = true;
    const ref = this.#ref();
    if (this.#speech) {
      // What was spoken, which is all of the text unless the response was cut short.
      const part = this.item.content[0];
      this.#text = this.#speech.spoken.transcript;
      if (part?.type === 'output_audio') {
        part.transcript = this.#text;
        holdAudio(part, this.#speech.spoken.audio);
      }
    }
    this.#speech?.closeStreams();
    this.#announceCitations(ref);
    if (this.#modality === 'text') {
      this.ctx.emit({ type: 'response.output_text.done', ...ref, text: this.#text });
      this.ctx.emit({ type: 'response.content_part.done', ...ref, part: { type: 'text', text: this.#text } });
    } else {
      this.ctx.emit({ type: 'response.output_audio.done', ...ref });
      this.ctx.emit({ type: 'response.output_audio_transcript.done', ...ref, transcript: this.#text });
      this.ctx.emit({ type: 'response.content_part.done', ...ref, part: { type: 'audio', transcript: this.#text } });
    }
    this.finishItem(status);
  }

  /**
   * `response.audio_transcript.annotation.added` for each citation within the final text (a
   * barge-in may have cut off the words a citation follows). Text answers get the same event:
   * the protocols have no other way to carry a citation.
   */
  #announceCitations(ref: PartRef): void {
    let annotation_index = 0;
    for (const citation of this.#citations) {
      if (citation.index > this.#text.length) continue;
      this.ctx.emit({ type: 'response.audio_transcript.annotation.added', ...ref, annotation_index: annotation_index++, annotation: annotationOf(citation, this.#text) });
    }
  }
}

/**
 * A function call. It is `in_progress` when added and `completed` only when done:
 * agents-realtime runs a tool whenever it sees the call `completed`, so marking it completed
 * early would run the tool twice.
 */
export class FunctionCallOutput extends Output<FunctionCallItem> {
  constructor(ctx: OutputContext, outputIndex: number, callId: string, name: string) {
    super(ctx, outputIndex, {
      id: newId('item'),
      object: 'realtime.item',
      type: 'function_call',
      status: 'in_progress',
      call_id: callId,
      name,
      arguments: '',
    });
  }

  #ref() {
    return { response_id: this.ctx.responseId, item_id: this.item.id, output_index: this.outputIndex, call_id: this.item.call_id };
  }

  open(): void {
    this.addItem();
  }

  appendArguments(delta: string): void {
    this.item.arguments += delta;
    this.ctx.emit({ type: 'response.function_call_arguments.delta', ...this.#ref(), delta });
  }

  close(status: OutputStatus): void {
    if (this.closed) return;
    this.closed = true;
    this.ctx.emit({ type: 'response.function_call_arguments.done', ...this.#ref(), name: this.item.name, arguments: this.item.arguments });
    this.finishItem(status);
  }
}
