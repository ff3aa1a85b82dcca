/**
 * Ephemeral client secrets (`ek_…`): short-lived keys that a backend mints with its API key
 * (`POST /v1/realtime/client_secrets`, or the beta `POST /v1/realtime/sessions`) and hands to a
 * browser or phone, which connects with it instead of the API key.
 *
 * A key carries everything needed to check it, so any instance sharing the server secret
 * accepts a key another one minted, with no shared state: its expiry, a digest of the API key
 * that minted it (sessions opened with it count against that key's limits), and optionally the
 * session configuration to start with. The claims are deflated, encrypted with AES-256-CTR
 * (the browser holding the key cannot read what the backend put in it: instructions, MCP
 * credentials) and the whole is signed with HMAC-SHA256 (encrypt-then-MAC). The encryption and
 * signing keys are derived from the server secret with HKDF, so one secret serves both.
 *
 *   ek_<base64url(version ‖ iv ‖ ciphertext)>.<base64url(HMAC-SHA256)>
 *
 * Several secrets may be given: the first signs new keys, every one verifies (rotation).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

export const CLIENT_SECRET_PREFIX = 'ek_';
/** A server secret shorter than this is refused: it would be guessable. */
export const MIN_SERVER_SECRET_LENGTH = 32;
/**
 * The longest key minted. Keys travel in a header (`Authorization`, `Sec-WebSocket-Protocol`)
 * or the query string, and Node refuses requests whose headers pass 16 KiB in all.
 */
export const MAX_CLIENT_SECRET_LENGTH = 8192;
/** `expires_after.seconds`: the range and defaults OpenAI uses (GA 10 minutes, beta 1 minute). */
export const MIN_TTL_SECONDS = 10;
export const MAX_TTL_SECONDS = 7200;
export const DEFAULT_GA_TTL_SECONDS = 600;
export const DEFAULT_BETA_TTL_SECONDS = 60;

const VERSION = 1;
const IV_BYTES = 16;
const MAC_BYTES = 32;
const TOKEN = /^ek_([A-Za-z0-9_-]{24,})\.([A-Za-z0-9_-]{43})$/;

/** The session configuration a key starts its sessions with, as the client sent it when minting. */
export interface CarriedSession {
  /** The dialect of `config`: GA's nested shape or beta's flat one. */
  dialect: 'ga' | 'beta';
  config: Record<string, unknown>;
}

export interface ClientSecretClaims {
  /** Minted at, in seconds since the epoch. */
  issuedAt: number;
  /** Not accepted from this moment on, in seconds since the epoch. */
  expiresAt: number;
  /** `keyOwner()` of the API key that minted it; null when the server takes any key and none was given. */
  owner: string | null;
  session: CarriedSession | null;
}

export type VerifyResult =
  | { ok: true; claims: ClientSecretClaims }
  | { ok: false; reason: 'malformed' | 'signature' | 'expired'; message: string };

/** A stable, non-reversible name for an API key: what limits count by, and what logs may show. */
export function keyOwner(key: string): string {
  return `key_${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/** Whether `key` has the shape of a key this server mints (which says nothing of its validity). */
export function looksLikeClientSecret(key: string): boolean {
  return TOKEN.test(key);
}

export class ClientSecretTooLargeError extends Error {
  override name = 'ClientSecretTooLargeError';
  constructor(readonly length: number) {
    super(`The client secret would be ${length} characters long; at most ${MAX_CLIENT_SECRET_LENGTH} fit in a request header.`);
  }
}

interface DerivedKeys {
  encryption: Buffer;
  mac: Buffer;
}

function derive(secret: string): DerivedKeys {
  const key = (info: string) => Buffer.from(hkdfSync('sha256', secret, 'parley client secrets', info, 32));
  return { encryption: key('aes-256-ctr v1'), mac: key('hmac-sha256 v1') };
}

function sign(mac: Buffer, body: Buffer): Buffer {
  return createHmac('sha256', mac).update(body).digest();
}

/** Claims as stored: short names keep keys short. */
interface StoredClaims {
  v: number;
  iat: number;
  exp: number;
  o: string | null;
  d?: 'ga' | 'beta';
  s?: Record<string, unknown>;
}

function isStoredClaims(value: unknown): value is StoredClaims {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    c.v === VERSION &&
    Number.isFinite(c.iat) &&
    Number.isFinite(c.exp) &&
    (c.o === null || typeof c.o === 'string') &&
    (c.s === undefined || (typeof c.s === 'object' && c.s !== null && (c.d === 'ga' || c.d === 'beta')))
  );
}

export class ClientSecrets {
  readonly #keys: DerivedKeys[];

  /** `secrets[0]` signs new keys; each of `secrets` verifies. */
  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) throw new TypeError('ClientSecrets needs at least one server secret');
    this.#keys = secrets.map(derive);
  }

  /** A new random server secret, for a server started without one. */
  static randomSecret(): string {
    return randomBytes(32).toString('base64url');
  }

  mint(claims: ClientSecretClaims): string {
    const stored: StoredClaims = { v: VERSION, iat: claims.issuedAt, exp: claims.expiresAt, o: claims.owner };
    if (claims.session) {
      stored.d = claims.session.dialect;
      stored.s = claims.session.config;
    }
    const keys = this.#keys[0]!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-ctr', keys.encryption, iv);
    const plain = deflateRawSync(Buffer.from(JSON.stringify(stored)));
    const body = Buffer.concat([Buffer.of(VERSION), iv, cipher.update(plain), cipher.final()]);
    const token = `${CLIENT_SECRET_PREFIX}${body.toString('base64url')}.${sign(keys.mac, body).toString('base64url')}`;
    if (token.length > MAX_CLIENT_SECRET_LENGTH) throw new ClientSecretTooLargeError(token.length);
    return token;
  }

  /** Checks a key's form, signature and expiry (`nowMs`: milliseconds since the epoch). */
  verify(token: string, nowMs: number): VerifyResult {
    const match = TOKEN.exec(token);
    const malformed = (): VerifyResult => ({
      ok: false,
      reason: 'malformed',
      message: 'The client secret is malformed: expected the whole "ek_…" value that POST /v1/realtime/client_secrets returned.',
    });
    if (!match) return malformed();
    const body = Buffer.from(match[1]!, 'base64url');
    const mac = Buffer.from(match[2]!, 'base64url');
    // Only the canonical spelling: a last character differing in the bits base64 drops would decode the same.
    if (mac.length !== MAC_BYTES || body.length <= 1 + IV_BYTES || mac.toString('base64url') !== match[2] || body.toString('base64url') !== match[1]) {
      return malformed();
    }
    const keys = this.#keys.find((k) => timingSafeEqual(sign(k.mac, body), mac));
    if (!keys) {
      return {
        ok: false,
        reason: 'signature',
        message:
          'The client secret is not valid: its signature does not match. It was altered, or minted by a server with a different secret (every instance must share PARLEY_SECRET).',
      };
    }
    if (body[0] !== VERSION) return malformed();
    let stored: unknown;
    try {
      const decipher = createDecipheriv('aes-256-ctr', keys.encryption, body.subarray(1, 1 + IV_BYTES));
      const plain = Buffer.concat([decipher.update(body.subarray(1 + IV_BYTES)), decipher.final()]);
      stored = JSON.parse(inflateRawSync(plain).toString('utf8'));
    } catch {
      return malformed();
    }
    if (!isStoredClaims(stored)) return malformed();
    if (nowMs >= stored.exp * 1000) {
      const ago = Math.max(0, Math.floor(nowMs / 1000 - stored.exp));
      return {
        ok: false,
        reason: 'expired',
        message: `The client secret expired at ${new Date(stored.exp * 1000).toISOString()} (${ago} s ago). Mint a new one with POST /v1/realtime/client_secrets.`,
      };
    }
    return {
      ok: true,
      claims: {
        issuedAt: stored.iat,
        expiresAt: stored.exp,
        owner: stored.o,
        session: stored.s && stored.d ? { dialect: stored.d, config: stored.s } : null,
      },
    };
  }
}
