/**
 * A server-side search in a response: a `file_search_call` or `web_search_call` item, added
 * when the LLM's call is complete, then `response.<kind>_call.in_progress`, `.searching` and
 * `.completed` as it runs, closed `completed` — or `failed`, which has no event of its own: the
 * item says it, and the LLM reads why and answers on.
 *
 * What the LLM read (the numbered passages) stays beside the item, not on it: the wire shapes
 * carry results only for file search, and only when the client asks for them with `include`.
 */
import { newId, type FileSearchCallItem, type WebSearchCallItem } from '@parley/protocol';
import type { SearchKind, SearchOutcome } from '../tools/search/search-tools.js';
import { Output, type OutputContext } from './response-outputs.js';

export type SearchCallItem = FileSearchCallItem | WebSearchCallItem;

interface SearchRecord {
  kind: SearchKind;
  /** The LLM's arguments, as it sent them. */
  arguments: string;
  /** What the LLM read as the result. */
  result: string;
}

const records = new WeakMap<SearchCallItem, SearchRecord>();

/** The call and result the LLM made and read, for an item of a search call that has run. */
export function searchRecordOf(item: SearchCallItem): SearchRecord | undefined {
  return records.get(item);
}

export function isSearchCallItem(item: { type: string }): item is SearchCallItem {
  return item.type === 'file_search_call' || item.type === 'web_search_call';
}

export class SearchCallOutput extends Output<SearchCallItem> {
  readonly #kind: SearchKind;
  readonly #args: string;
  readonly #includeResults: boolean;
  readonly #nextSequence: () => number;

  constructor(ctx: OutputContext, outputIndex: number, kind: SearchKind, args: string, options: { includeResults: boolean; nextSequence: () => number }) {
    const base = { id: newId('item'), object: 'realtime.item' as const, status: 'in_progress' as const };
    super(ctx, outputIndex, kind === 'file_search' ? { ...base, type: 'file_search_call', queries: [], results: null } : { ...base, type: 'web_search_call' });
    this.#kind = kind;
    this.#args = args;
    this.#includeResults = options.includeResults;
    this.#nextSequence = options.nextSequence;
  }

  open(): void {
    this.addItem();
  }

  #emit(state: 'in_progress' | 'searching' | 'completed'): void {
    const type = `response.${this.#kind}_call.${state}` as const;
    this.ctx.emit({ type, response_id: this.ctx.responseId, item_id: this.item.id, output_index: this.outputIndex, sequence_number: this.#nextSequence() });
  }

  /** Runs the search through `execute` and closes the item with its outcome. */
  async run(execute: () => Promise<SearchOutcome>): Promise<SearchOutcome> {
    this.#emit('in_progress');
    this.item.status = 'searching';
    this.#emit('searching');
    const outcome = await execute();
    records.set(this.item, { kind: this.#kind, arguments: this.#args, result: outcome.ok ? outcome.text : outcome.message });
    if (this.closed) return outcome; // the response ended while searching
    if (this.item.type === 'file_search_call') {
      if (outcome.query) this.item.queries = [outcome.query];
      if (outcome.ok && this.#includeResults) this.item.results = outcome.results;
    }
    if (outcome.ok) this.#emit('completed');
    this.#finish(outcome.ok ? 'completed' : 'failed');
    return outcome;
  }

  close(): void {
    this.#finish('failed');
  }

  #finish(status: 'completed' | 'failed'): void {
    if (this.closed) return;
    this.closed = true;
    this.finishItem(status);
  }
}
