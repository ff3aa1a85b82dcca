/**
 * The origin allow-list. Browsers send an `Origin` header with every WebSocket upgrade and
 * cross-origin POST; other clients (servers, SDKs in Node, phones) send none and are not
 * concerned. With a list configured, a browser request from an origin not on it is refused
 * with 403, so another site's page cannot use a user's browser to talk to this server.
 *
 * Entries are origins (`https://app.example.com`, `http://localhost:5173`), wildcard
 * subdomains (`https://*.example.com`), `null` (pages from `file:` URLs and sandboxed frames)
 * or `*` (any origin). Pages this server serves itself (the playground) are always allowed:
 * an origin whose host and port are the request's `Host`.
 */

/** An allow-list entry in its normal form, or an Error saying what is wrong with it. */
export function normalizeOriginPattern(entry: string): string {
  const raw = entry.trim();
  if (raw === '*' || raw === 'null') return raw;
  const wildcard = /^([a-z][a-z0-9+.-]*):\/\/\*\.(.+)$/i.exec(raw);
  if (wildcard) {
    // Check the rest as an origin of its own: `https://*.example.com:8443` → `https://example.com:8443`.
    const rest = normalizeOriginPattern(`${wildcard[1]}://${wildcard[2]}`);
    return rest.replace('://', '://*.');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`'${entry}' is not an origin: write it as scheme://host[:port], e.g. https://app.example.com.`);
  }
  if (url.origin === 'null' || url.pathname.replace(/\/$/, '') !== '' || url.search || url.hash || url.username) {
    throw new Error(`'${entry}' is not an origin: write only scheme://host[:port], without a path, e.g. https://app.example.com.`);
  }
  return url.origin;
}

function normalizeOrigin(origin: string): string | null {
  if (origin === 'null') return 'null';
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? null : url.origin;
  } catch {
    return null;
  }
}

/** The `host:port` of an origin, for comparing with a `Host` header. */
function originHost(origin: string): string | null {
  try {
    const url = new URL(origin);
    const defaultPort = url.protocol === 'https:' || url.protocol === 'wss:' ? '443' : '80';
    return `${url.hostname}:${url.port || defaultPort}`.toLowerCase();
  } catch {
    return null;
  }
}

function hostWithPort(host: string, origin: string): string {
  const lower = host.toLowerCase();
  if (/:\d+$/.test(lower)) return lower;
  return `${lower}:${origin.startsWith('https:') ? '443' : '80'}`;
}

export class OriginPolicy {
  readonly #exact = new Set<string>();
  readonly #wildcards: { scheme: string; suffix: string; port: string }[] = [];
  readonly #any: boolean;
  readonly patterns: readonly string[];

  /** `list` null or empty: every origin is allowed. Throws on an entry that is not an origin. */
  constructor(list: readonly string[] | null) {
    const patterns = (list ?? []).map((e) => e.trim()).filter(Boolean).map(normalizeOriginPattern);
    this.patterns = patterns;
    this.#any = patterns.length === 0 || patterns.includes('*');
    for (const pattern of patterns) {
      const wildcard = /^([a-z][a-z0-9+.-]*):\/\/\*\.([^:]+)(?::(\d+))?$/.exec(pattern);
      if (wildcard) this.#wildcards.push({ scheme: wildcard[1]!, suffix: `.${wildcard[2]!}`, port: wildcard[3] ?? '' });
      else this.#exact.add(pattern);
    }
  }

  /** True when every origin is allowed. */
  get open(): boolean {
    return this.#any;
  }

  /**
   * Whether a request may proceed: it has no `Origin` (not a browser), the origin is on the
   * list, or it is this server's own (`host` is the request's `Host` header).
   */
  allows(origin: string | undefined, host: string | undefined): boolean {
    if (origin === undefined || this.#any) return true;
    const normal = normalizeOrigin(origin.trim());
    if (normal === null) return false;
    if (this.#exact.has(normal)) return true;
    if (normal !== 'null') {
      const url = new URL(normal);
      const scheme = url.protocol.slice(0, -1);
      if (this.#wildcards.some((w) => w.scheme === scheme && url.hostname.endsWith(w.suffix) && url.port === w.port)) return true;
      if (host && originHost(normal) === hostWithPort(host, normal)) return true;
    }
    return false;
  }

  /** The 403 message for `origin`. */
  refusal(origin: string): string {
    return `Origin '${origin}' is not allowed to use this server. Allowed origins: ${this.patterns.join(', ')} (PARLEY_ALLOWED_ORIGINS), and pages this server serves itself.`;
  }
}
