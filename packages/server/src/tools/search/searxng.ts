/**
 * SearXNG's JSON API as a web search provider: `GET <url>/search?q=…&format=json`. The
 * instance must allow the JSON format (`search.formats: [html, json]` in its settings.yml),
 * which public instances usually do not: run your own (docs/tools.md).
 */
import { ParleyError } from '@parley/protocol';
import { describeFetchFailure, httpError, type HttpEngineNames } from '../../engines/http-errors.js';
import type { WebSearchHit, WebSearchOptions, WebSearchProvider } from './web-search.js';

export const DEFAULT_WEB_SEARCH_TIMEOUT_MS = 10_000;

export interface SearxngOptions {
  /** The instance's base URL, e.g. http://127.0.0.1:8888. */
  url: string;
  /** The whole search, in ms (default 10 s). */
  timeoutMs?: number;
  /** Sent as a Bearer token, for instances behind an authenticating proxy. */
  apiKey?: string;
  /** SearXNG's `language` parameter, e.g. `en-US`. */
  language?: string;
}

interface SearxngAnswer {
  results?: { url?: unknown; title?: unknown; content?: unknown }[];
}

export class SearxngProvider implements WebSearchProvider {
  readonly label: string;
  readonly #options: SearxngOptions;
  readonly #names: HttpEngineNames;

  constructor(options: SearxngOptions) {
    this.#options = options;
    this.label = `searxng(${options.url})`;
    this.#names = { server: 'web search server', broken: 'The web search answer from', url: options.url };
  }

  async search(query: string, { limit, signal }: WebSearchOptions): Promise<WebSearchHit[]> {
    const url = new URL('search', this.#options.url.endsWith('/') ? this.#options.url : `${this.#options.url}/`);
    url.searchParams.set('q', query);
    url.searchParams.set('format', 'json');
    if (this.#options.language) url.searchParams.set('language', this.#options.language);
    const timeoutMs = this.#options.timeoutMs ?? DEFAULT_WEB_SEARCH_TIMEOUT_MS;
    const deadline = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#options.apiKey) headers.authorization = `Bearer ${this.#options.apiKey}`;
    let answered = false;
    try {
      const response = await fetch(url, { headers, signal: signal ? AbortSignal.any([signal, deadline]) : deadline });
      answered = true;
      if (!response.ok) throw await httpError(response, this.#names);
      const body = (await response.json().catch(() => {
        throw new ParleyError('engine_http_error', `The web search server at ${this.#options.url} did not answer JSON: is the json format enabled in its settings.yml (search.formats)?`);
      })) as SearxngAnswer;
      if (!Array.isArray(body.results)) {
        throw new ParleyError('engine_http_error', `The web search server at ${this.#options.url} answered without a results list.`);
      }
      return body.results
        .filter((r) => typeof r.url === 'string')
        .slice(0, limit)
        .map((r) => ({ url: r.url as string, title: typeof r.title === 'string' ? r.title : (r.url as string), snippet: typeof r.content === 'string' ? r.content : '' }));
    } catch (err) {
      if (deadline.aborted && !signal?.aborted) {
        throw new ParleyError('engine_timeout', `The web search server at ${this.#options.url} did not answer within ${timeoutMs} ms.`, { cause: err });
      }
      throw describeFetchFailure(err, answered, this.#names);
    }
  }
}
