/**
 * The server-side search tools of a profile, as the LLM sees them: `file_search` over the
 * profile's documents and `web_search` through its provider, each taking `{query}`. A search's
 * results reach the LLM as numbered passages it is asked to cite as `[n]` (sources.ts); the
 * numbers are taken out of what is spoken and become annotations (session/citations.ts).
 */
import type { SearchResult } from '@parley/protocol';
import type { LlmTool } from '../../engines/llm/index.js';
import type { DocumentIndex } from './document-index.js';
import type { SourceList } from './sources.js';
import type { WebSearchProvider } from './web-search.js';

export type SearchKind = 'file_search' | 'web_search';

export const DEFAULT_MAX_RESULTS = 5;

export interface SearchToolsConfig {
  files?: { index: DocumentIndex; maxResults?: number } | null;
  web?: { provider: WebSearchProvider; maxResults?: number } | null;
}

export type SearchOutcome =
  | { ok: true; query: string; text: string; results: SearchResult[] }
  | { ok: false; query: string | null; message: string };

const QUERY_PARAMETERS = {
  type: 'object',
  properties: { query: { type: 'string', description: 'What to look for, in a few words.' } },
  required: ['query'],
  additionalProperties: false,
};

const CITE = 'Cite a source by writing its number in brackets, like [1], right after what it supports.';

/** `{"query": "…"}` → the query; null if the LLM sent anything else. */
export function queryOf(args: string): string | null {
  try {
    const parsed: unknown = JSON.parse(args);
    const query = (parsed as { query?: unknown } | null)?.query;
    return typeof query === 'string' && query.trim() ? query.trim() : null;
  } catch {
    return null;
  }
}

export class SearchTools {
  readonly #config: SearchToolsConfig;

  constructor(config: SearchToolsConfig) {
    this.#config = config;
  }

  get kinds(): SearchKind[] {
    return [...(this.#config.files ? (['file_search'] as const) : []), ...(this.#config.web ? (['web_search'] as const) : [])];
  }

  /** The tools for the LLM; a kind whose name a client tool already uses is left out (the client's tool wins). */
  llmTools(taken: ReadonlySet<string>): LlmTool[] {
    const tools: LlmTool[] = [];
    if (this.#config.files && !taken.has('file_search')) {
      tools.push({
        name: 'file_search',
        description: "Search this assistant's documents (its knowledge base) for passages about a topic. Use it for questions the documents may answer.",
        parameters: QUERY_PARAMETERS,
      });
    }
    if (this.#config.web && !taken.has('web_search')) {
      tools.push({ name: 'web_search', description: 'Search the web for current information about a topic.', parameters: QUERY_PARAMETERS });
    }
    return tools;
  }

  /** Runs one search; the outcome says what the LLM reads, and never throws. */
  async run(kind: SearchKind, args: string, sources: SourceList, signal: AbortSignal): Promise<SearchOutcome> {
    const query = queryOf(args);
    if (query === null) return { ok: false, query: null, message: `${kind} needs arguments {"query": "<what to look for>"}, but got ${args || 'none'}.` };
    try {
      return kind === 'file_search' ? await this.#searchFiles(query, sources) : await this.#searchWeb(query, sources, signal);
    } catch (err) {
      return { ok: false, query, message: `The ${kind === 'file_search' ? 'document' : 'web'} search failed: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  async #searchFiles(query: string, sources: SourceList): Promise<SearchOutcome> {
    const files = this.#config.files;
    if (!files) throw new Error('this profile has no documents');
    const hits = await files.index.search(query, files.maxResults ?? DEFAULT_MAX_RESULTS);
    if (hits.length === 0) return { ok: true, query, text: `No passage of the documents matched "${query}".`, results: [] };
    const lines = hits.map((hit) => `[${sources.number({ type: 'file', file_id: hit.file_id, filename: hit.filename }) ?? '-'}] ${hit.filename}: ${hit.text}`);
    return {
      ok: true,
      query,
      text: `Passages of the documents for "${query}", best first. ${CITE}\n\n${lines.join('\n\n')}`,
      results: hits.map((hit) => ({ file_id: hit.file_id, filename: hit.filename, score: hit.score, text: hit.text })),
    };
  }

  async #searchWeb(query: string, sources: SourceList, signal: AbortSignal): Promise<SearchOutcome> {
    const web = this.#config.web;
    if (!web) throw new Error('this profile has no web search provider');
    const hits = await web.provider.search(query, { limit: web.maxResults ?? DEFAULT_MAX_RESULTS, signal });
    if (hits.length === 0) return { ok: true, query, text: `The web search for "${query}" found nothing.`, results: [] };
    const lines = hits.map((hit) => `[${sources.number({ type: 'url', url: hit.url, title: hit.title }) ?? '-'}] ${hit.title} (${hit.url}): ${hit.snippet}`);
    return { ok: true, query, text: `Web results for "${query}", best first. ${CITE}\n\n${lines.join('\n\n')}`, results: [] };
  }
}
