/**
 * Which keys may open a session or mint client secrets: the configured API keys, and the
 * `ek_` client secrets minted with them (client-secrets.ts). With no API keys configured every
 * key (and none) is accepted — the server says so at start-up. Keys are compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { CLIENT_SECRET_PREFIX, keyOwner, looksLikeClientSecret, type ClientSecretClaims, type ClientSecrets } from './client-secrets.js';

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export class ApiKeyPolicy {
  readonly #digests: Buffer[] | null;

  constructor(keys: readonly string[] | null) {
    const usable = keys?.map((k) => k.trim()).filter(Boolean) ?? [];
    this.#digests = usable.length > 0 ? usable.map(digest) : null;
  }

  /** True when any key is accepted. */
  get open(): boolean {
    return this.#digests === null;
  }

  accepts(key: string | null): boolean {
    if (this.#digests === null) return true;
    return key ? this.lists(key) : false;
  }

  /** Whether `key` is one of the configured keys (false when none are configured). */
  lists(key: string): boolean {
    if (this.#digests === null) return false;
    const candidate = digest(key);
    let match = false;
    // Compare against every key so the time taken does not reveal which one matched.
    for (const known of this.#digests) match = timingSafeEqual(candidate, known) || match;
    return match;
  }
}

/** Who a connection or request is, once its key is accepted. */
export type Credential =
  | {
      ok: true;
      /** `api_key`: a configured key; `client_secret`: a verified `ek_` key; `any`: the server takes every key. */
      kind: 'api_key' | 'client_secret' | 'any';
      /** What limits count by: the API key (for a client secret, the API key that minted it); null for no key at all. */
      owner: string | null;
      claims: ClientSecretClaims | null;
    }
  | { ok: false; message: string };

export const MISSING_KEY_MESSAGE =
  'Missing API key: send it as "Authorization: Bearer <key>", the "api-key" header or query parameter, or the "openai-insecure-api-key.<key>" subprotocol.';

/**
 * API keys and client secrets together. A key shaped like a client secret is always verified,
 * even on a server that takes any key: its session configuration must be the one the server
 * signed, and its expiry must hold. (A made-up `ek_…` key, as browser SDKs demand, is just a key.)
 */
export class Authenticator {
  readonly keys: ApiKeyPolicy;
  readonly secrets: ClientSecrets;

  constructor(keys: ApiKeyPolicy, secrets: ClientSecrets) {
    this.keys = keys;
    this.secrets = secrets;
  }

  /** For the realtime endpoint: an API key or a client secret. */
  authenticate(key: string | null, nowMs: number): Credential {
    if (key && this.keys.lists(key)) return { ok: true, kind: 'api_key', owner: keyOwner(key), claims: null };
    if (key?.startsWith(CLIENT_SECRET_PREFIX) && (looksLikeClientSecret(key) || !this.keys.open)) {
      const verified = this.secrets.verify(key, nowMs);
      if (!verified.ok) return { ok: false, message: verified.message };
      return { ok: true, kind: 'client_secret', owner: verified.claims.owner, claims: verified.claims };
    }
    if (this.keys.open) return { ok: true, kind: 'any', owner: key ? keyOwner(key) : null, claims: null };
    return { ok: false, message: key ? 'Incorrect API key provided.' : MISSING_KEY_MESSAGE };
  }

  /** For minting client secrets: an API key only (a client secret cannot mint another). */
  authenticateMinter(key: string | null, nowMs: number): Credential {
    if (key && looksLikeClientSecret(key) && this.secrets.verify(key, nowMs).ok) {
      return { ok: false, message: 'A client secret cannot mint client secrets: call this endpoint from your backend with an API key.' };
    }
    if (key && this.keys.lists(key)) return { ok: true, kind: 'api_key', owner: keyOwner(key), claims: null };
    if (this.keys.open) return { ok: true, kind: 'any', owner: key ? keyOwner(key) : null, claims: null };
    return {
      ok: false,
      message: key ? 'Incorrect API key provided.' : 'Missing API key: send it as "Authorization: Bearer <key>" (or the "api-key" header).',
    };
  }
}
