/**
 * Admission at the WebSocket upgrade: concurrent sessions in total and per key, and new
 * connections per minute per key, each refused with HTTP 429 and a message saying which limit
 * was hit. "Per key" means per API key: sessions opened with a client secret count against the
 * API key that minted it. A connection without any key (a server that takes every key) counts
 * by its client address instead.
 *
 * The rate is a token bucket per key: it holds up to a minute's worth of connections and refills
 * continuously, so a burst of a full minute's connections is allowed, then one every 60/N s.
 * A slot is held from the upgrade until the connection's socket closes, however it closes.
 */

export interface AdmissionLimits {
  /** Sessions open at once on this server; 0 for no limit. */
  maxSessions: number;
  /** Sessions open at once per key; 0 for no limit. */
  maxSessionsPerKey: number;
  /** New connections per minute per key; 0 for no limit. */
  connectionsPerMinute: number;
}

export const DEFAULT_ADMISSION_LIMITS: AdmissionLimits = { maxSessions: 1000, maxSessionsPerKey: 100, connectionsPerMinute: 600 };

export type Admitted = { ok: true; release(): void };
export type Refused = {
  ok: false;
  code: 'rate_limit_exceeded' | 'session_limit_reached';
  message: string;
  /** Seconds, for the `Retry-After` header, when it can be known. */
  retryAfter: number | null;
};

/** Who is admitted: the key (as `keyOwner` names it) or, without one, the client's address. */
export interface Admittee {
  owner: string | null;
  address: string;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets kept before full ones are forgotten (a full bucket is the same as none). */
const SWEEP_AT = 10_000;

export class Admission {
  readonly #limits: AdmissionLimits;
  readonly #now: () => number;
  readonly #perKey = new Map<string, number>();
  readonly #buckets = new Map<string, Bucket>();
  #sweepAt = SWEEP_AT;
  #total = 0;

  constructor(limits: Partial<AdmissionLimits> = {}, now: () => number = Date.now) {
    this.#limits = { ...DEFAULT_ADMISSION_LIMITS, ...limits };
    this.#now = now;
  }

  get limits(): Readonly<AdmissionLimits> {
    return this.#limits;
  }

  /** Sessions holding a slot now. */
  get active(): number {
    return this.#total;
  }

  /** Sessions holding a slot now for one key (or address). */
  activeFor(who: Admittee): number {
    return this.#perKey.get(identity(who)) ?? 0;
  }

  /** Takes a slot (and a connection from the rate), or says which limit refuses. */
  admit(who: Admittee): Admitted | Refused {
    const id = identity(who);
    const whose = who.owner ? 'this key' : 'this client address';
    const { maxSessions, maxSessionsPerKey, connectionsPerMinute } = this.#limits;
    const mine = this.#perKey.get(id) ?? 0;
    if (maxSessionsPerKey > 0 && mine >= maxSessionsPerKey) {
      return {
        ok: false,
        code: 'session_limit_reached',
        message: `Too many concurrent sessions for ${whose}: ${mine} ${mine === 1 ? 'is' : 'are'} open, the most allowed per ${who.owner ? 'key' : 'client address'} (PARLEY_MAX_SESSIONS_PER_KEY). Close one, or wait for one to end, and try again.`,
        retryAfter: null,
      };
    }
    if (maxSessions > 0 && this.#total >= maxSessions) {
      return {
        ok: false,
        code: 'session_limit_reached',
        message: `The server is at its limit of ${maxSessions} concurrent sessions (PARLEY_MAX_SESSIONS). Try again shortly.`,
        retryAfter: null,
      };
    }
    if (connectionsPerMinute > 0) {
      const wait = this.#take(id, connectionsPerMinute);
      if (wait > 0) {
        const seconds = Math.max(1, Math.ceil(wait / 1000));
        return {
          ok: false,
          code: 'rate_limit_exceeded',
          message: `Too many new connections for ${whose}: at most ${connectionsPerMinute} per minute are allowed (PARLEY_CONNECTIONS_PER_MINUTE). Try again in ${seconds} s.`,
          retryAfter: seconds,
        };
      }
    }
    this.#perKey.set(id, mine + 1);
    this.#total++;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.#total--;
        const left = (this.#perKey.get(id) ?? 1) - 1;
        if (left > 0) this.#perKey.set(id, left);
        else this.#perKey.delete(id);
      },
    };
  }

  /** Takes one token from `id`'s bucket: 0 if there was one, else the ms until there is. */
  #take(id: string, perMinute: number): number {
    const now = this.#now();
    const perMs = perMinute / 60_000;
    const bucket = this.#buckets.get(id);
    // A clock that steps back refills nothing (and takes nothing).
    const tokens = bucket ? Math.min(perMinute, bucket.tokens + Math.max(0, now - bucket.at) * perMs) : perMinute;
    if (tokens < 1) {
      if (bucket) Object.assign(bucket, { tokens, at: now });
      return (1 - tokens) / perMs;
    }
    if (!bucket && this.#buckets.size >= this.#sweepAt) {
      this.#sweep(now, perMinute, perMs);
      // Many keys busy at once: sweep again only when the map has doubled, not at every new key.
      this.#sweepAt = Math.max(SWEEP_AT, this.#buckets.size * 2);
    }
    this.#buckets.set(id, { tokens: tokens - 1, at: now });
    return 0;
  }

  /** Forgets the buckets that have refilled: they are as good as new ones. */
  #sweep(now: number, perMinute: number, perMs: number): void {
    for (const [id, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * perMs >= perMinute) this.#buckets.delete(id);
    }
  }
}

function identity(who: Admittee): string {
  return who.owner ?? `addr:${who.address}`;
}
