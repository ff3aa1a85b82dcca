/**
 * Web search providers. A provider turns a query into ranked pages; the `web_search` tool gives
 * them to the LLM and cites them. SearXNG (searxng.ts) is the one built in: self-hostable,
 * keyless, and it aggregates the public engines.
 */

export interface WebSearchHit {
  url: string;
  title: string;
  /** The provider's summary of the page. */
  snippet: string;
}

export interface WebSearchOptions {
  limit: number;
  signal?: AbortSignal;
}

export interface WebSearchProvider {
  /** For logs and messages, e.g. `searxng(http://127.0.0.1:8888)`. */
  readonly label: string;
  /** Rejects with a ParleyError saying what went wrong (unreachable, HTTP error, timeout, bad answer). */
  search(query: string, options: WebSearchOptions): Promise<WebSearchHit[]>;
}
