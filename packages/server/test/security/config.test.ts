/**
 * The security settings in the config file (`server.secret`, `allowed_origins`, the limits),
 * under the environment; a bad value names the field. And the units behind them: client
 * secrets (format, rotation, confidentiality), origin patterns, the admission token bucket.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { Admission } from '../../src/transport/admission.js';
import { ClientSecrets, keyOwner, looksLikeClientSecret, MAX_CLIENT_SECRET_LENGTH } from '../../src/transport/client-secrets.js';
import { OriginPolicy } from '../../src/transport/origins.js';

const S1 = 'first-secret-0123456789abcdef-0123456789';
const S2 = 'second-secret-0123456789abcdef-012345678';

function configDir(config: unknown): string {
  const d = mkdtempSync(join(tmpdir(), 'parley-security-'));
  writeFileSync(join(d, 'parley.config.json'), JSON.stringify(config));
  return d;
}

const env = () => ({ PARLEY_CACHE_DIR: mkdtempSync(join(tmpdir(), 'parley-cache-')) });

describe('the config file', () => {
  it('reads server.secret (one or a list), allowed_origins and the limits; the environment wins', () => {
    const d = configDir({
      server: { secret: S1, allowed_origins: ['https://App.Example.com:443', 'https://*.example.org'], max_sessions: 10, max_sessions_per_key: 2, connections_per_minute: 30 },
    });
    const c = loadConfig([], env(), d);
    expect(c.settings).toMatchObject({
      secret: [S1],
      allowedOrigins: ['https://app.example.com', 'https://*.example.org'],
      maxSessions: 10,
      maxSessionsPerKey: 2,
      connectionsPerMinute: 30,
    });
    expect(loadConfig([], { ...env(), PARLEY_SECRET: S2, PARLEY_MAX_SESSIONS: '0' }, d).settings).toMatchObject({ secret: [S2], maxSessions: 0, maxSessionsPerKey: 2 });
    expect(loadConfig([], env(), configDir({ server: { secret: [S2, S1] } })).settings.secret).toEqual([S2, S1]);
  });

  it('names the field of a short secret, a bad origin or a negative limit', () => {
    const problem = (server: unknown) => {
      try {
        loadConfig([], env(), configDir({ server }));
      } catch (err) {
        if (err instanceof ConfigError) return err.message;
        throw err;
      }
      throw new Error('no ConfigError');
    };
    expect(problem({ secret: 'short' })).toMatch(/server\.secret: must be at least 32 characters long/);
    expect(problem({ allowed_origins: ['https://ok.example', 'ftp:/x/y'] })).toMatch(/server\.allowed_origins\[1\]: 'ftp:\/x\/y' is not an origin/);
    expect(problem({ max_sessions_per_key: -1 })).toMatch(/server\.max_sessions_per_key/);
  });
});

describe('ClientSecrets', () => {
  const now = 1_800_000_000_000;
  const claims = { issuedAt: now / 1000, expiresAt: now / 1000 + 60, owner: keyOwner('sk-x'), session: { dialect: 'ga' as const, config: { instructions: 'Secret plans.' } } };

  it('round-trips claims; each key is different; the payload is not readable', () => {
    const secrets = new ClientSecrets([S1]);
    const one = secrets.mint(claims);
    const two = secrets.mint(claims);
    expect(one).not.toBe(two);
    expect(looksLikeClientSecret(one)).toBe(true);
    expect(secrets.verify(one, now)).toEqual({ ok: true, claims });
    expect(Buffer.from(one.slice(3).split('.')[0]!, 'base64url').toString('latin1')).not.toMatch(/Secret plans|instructions/);
    expect(keyOwner('sk-x')).toMatch(/^key_[0-9a-f]{16}$/);
    expect(keyOwner('sk-x')).not.toContain('sk-x');
  });

  it('rotates: a server with [new, old] verifies keys of both and mints with the new one', () => {
    const old = new ClientSecrets([S1]).mint(claims);
    const rotated = new ClientSecrets([S2, S1]);
    expect(rotated.verify(old, now).ok).toBe(true);
    expect(new ClientSecrets([S2]).verify(rotated.mint(claims), now).ok).toBe(true);
    expect(new ClientSecrets([S1]).verify(rotated.mint(claims), now)).toMatchObject({ ok: false, reason: 'signature' });
  });

  it('expires at expires_at exactly', () => {
    const secrets = new ClientSecrets([S1]);
    const key = secrets.mint(claims);
    expect(secrets.verify(key, now + 59_999).ok).toBe(true);
    expect(secrets.verify(key, now + 60_000)).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('finds every single-character change, even in the bits base64 drops at the end', () => {
    const secrets = new ClientSecrets([S1]);
    const key = secrets.mint({ ...claims, session: null });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 3; i < key.length; i++) {
      if (key[i] === '.') continue;
      // The neighbouring letter differs in the lowest bit only.
      const neighbour = alphabet[alphabet.indexOf(key[i]!) ^ 1]!;
      for (const c of [neighbour, key[i] === 'x' ? 'y' : 'x']) {
        const changed = key.slice(0, i) + c + key.slice(i + 1);
        expect(secrets.verify(changed, now).ok, `position ${i} → ${c}`).toBe(false);
      }
    }
  });

  it('refuses to mint a key too long for a header', () => {
    const big = { dialect: 'ga' as const, config: { instructions: [...Array(3000)].map(() => Math.random().toString(36).slice(2, 6)).join(' ') } };
    expect(() => new ClientSecrets([S1]).mint({ ...claims, session: big })).toThrow(`at most ${MAX_CLIENT_SECRET_LENGTH}`);
  });
});

describe('OriginPolicy', () => {
  it('matches exact origins, wildcard subdomains with their port, null and *', () => {
    const p = new OriginPolicy(['https://a.example', 'https://*.example.org:8443', 'null']);
    expect(p.allows('https://a.example', undefined)).toBe(true);
    expect(p.allows('https://x.y.example.org:8443', undefined)).toBe(true);
    expect(p.allows('https://x.example.org', undefined)).toBe(false);
    expect(p.allows('null', undefined)).toBe(true);
    expect(p.allows('not a url', undefined)).toBe(false);
    expect(p.allows(undefined, undefined)).toBe(true);
    expect(new OriginPolicy(['*']).allows('https://any.where', undefined)).toBe(true);
  });

  it("allows the server's own pages by the Host header, default ports included", () => {
    const p = new OriginPolicy(['https://a.example']);
    expect(p.allows('http://voice.internal:8080', 'voice.internal:8080')).toBe(true);
    expect(p.allows('https://voice.example.com', 'voice.example.com')).toBe(true);
    expect(p.allows('http://[::1]:8080', '[::1]:8080')).toBe(true);
    expect(p.allows('http://voice.internal:8081', 'voice.internal:8080')).toBe(false);
  });

  it('throws on an entry that is not an origin', () => {
    expect(() => new OriginPolicy(['https://a.example/app'])).toThrow(/not an origin/);
  });
});

describe('Admission', () => {
  it('is a token bucket per key: a minute’s burst, then one every 60/N s, a slot per open session', () => {
    let t = 0;
    const a = new Admission({ connectionsPerMinute: 6, maxSessions: 0, maxSessionsPerKey: 0 }, () => t);
    const who = { owner: 'key_a', address: '127.0.0.1' };
    const slots = Array.from({ length: 6 }, () => a.admit(who));
    expect(slots.every((s) => s.ok)).toBe(true);
    expect(a.admit(who)).toMatchObject({ ok: false, code: 'rate_limit_exceeded', retryAfter: 10 });
    t += 9_999;
    expect(a.admit(who)).toMatchObject({ ok: false, retryAfter: 1 });
    t += 1;
    expect(a.admit(who).ok).toBe(true);
    expect(a.active).toBe(7);
    for (const s of slots) if (s.ok) s.release();
    if (slots[0]!.ok) slots[0]!.release(); // twice: no effect
    expect(a.active).toBe(1);
    expect(a.activeFor(who)).toBe(1);
  });

  it('does not take a connection from the rate when a session limit refuses', () => {
    const a = new Admission({ connectionsPerMinute: 1, maxSessionsPerKey: 1, maxSessions: 0 }, () => 0);
    const who = { owner: null, address: '10.0.0.1' };
    const first = a.admit(who);
    expect(a.admit(who)).toMatchObject({ ok: false, code: 'session_limit_reached' });
    if (first.ok) first.release();
    expect(a.admit(who)).toMatchObject({ ok: false, code: 'rate_limit_exceeded' });
    expect(a.admit({ owner: null, address: '10.0.0.2' }).ok).toBe(true);
  });
});
