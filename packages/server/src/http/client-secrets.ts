/**
 * Minting client secrets over HTTP, as OpenAI's endpoints do:
 *
 *   POST /v1/realtime/client_secrets   (GA)   {expires_after?: {anchor: "created_at", seconds}, session?: {…GA session…}}
 *                                             → {value: "ek_…", expires_at, session}
 *   POST /v1/realtime/sessions         (beta) {…flat beta session…, client_secret?: {expires_after: {anchor, seconds}}}
 *                                             → {…session…, client_secret: {value: "ek_…", expires_at}}
 *
 * (also under `/openai/v1/…`, where Azure-style base URLs point). Both take an API key as
 * `Authorization: Bearer` (or `api-key`) when keys are configured, validate the session with
 * the protocol's `session.update` schema (400 naming the field), and answer CORS preflights
 * for the allowed origins, so a browser app may call them in development.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERRORS, isParleyError, ParleyError, schemaErrorToParley, SESSION_ENCODERS, type ErrorCode, type SessionObject, type SessionPatch } from '@parley/protocol';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { ProfileRegistry } from '../profiles.js';
import type { McpSettings } from '../tools/mcp-registry.js';
import type { Authenticator } from '../transport/auth.js';
import {
  ClientSecretTooLargeError,
  DEFAULT_BETA_TTL_SECONDS,
  DEFAULT_GA_TTL_SECONDS,
  MAX_CLIENT_SECRET_LENGTH,
  MAX_TTL_SECONDS,
  MIN_TTL_SECONDS,
  type CarriedSession,
} from '../transport/client-secrets.js';
import { normalizePath } from '../transport/handshake.js';
import type { OriginPolicy } from '../transport/origins.js';
import { betaParam, decodeCarriedSession, startingSession } from '../transport/starting-session.js';
import { BodyTooLargeError, readBody } from './read-body.js';

export const CLIENT_SECRET_PATHS: Readonly<Record<string, 'ga' | 'beta'>> = {
  '/v1/realtime/client_secrets': 'ga',
  '/openai/v1/realtime/client_secrets': 'ga',
  '/v1/realtime/sessions': 'beta',
  '/openai/v1/realtime/sessions': 'beta',
};

/** A session configuration with its tools is a few KiB; anything near this is not one. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface ClientSecretRouteContext {
  auth: Authenticator;
  origins: OriginPolicy;
  profiles: ProfileRegistry;
  mcp?: McpSettings;
  now: () => number;
  logger: Logger;
}

const expiresAfter = z.strictObject({
  anchor: z.literal('created_at').optional(),
  seconds: z.number().int().min(MIN_TTL_SECONDS).max(MAX_TTL_SECONDS).optional(),
});
const gaBody = z.strictObject({
  expires_after: expiresAfter.optional(),
  session: z.record(z.string(), z.unknown()).optional(),
});
const betaClientSecret = z.strictObject({ expires_after: expiresAfter.optional() });

interface MintRequest {
  ttlSeconds: number;
  carried: CarriedSession | null;
}

/** Reads and checks a request body; throws a ParleyError whose `param` is the body's path. */
function readMintRequest(dialect: 'ga' | 'beta', body: unknown): MintRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ParleyError('invalid_type', 'The request body must be a JSON object.');
  }
  if (dialect === 'ga') {
    const parsed = gaBody.safeParse(body, { reportInput: true });
    if (!parsed.success) throw schemaErrorToParley(parsed.error);
    const session = parsed.data.session;
    return {
      ttlSeconds: parsed.data.expires_after?.seconds ?? DEFAULT_GA_TTL_SECONDS,
      carried: session && Object.keys(session).length > 0 ? { dialect: 'ga', config: session } : null,
    };
  }
  const { client_secret: clientSecret, ...session } = body as Record<string, unknown>;
  const parsed = betaClientSecret.optional().safeParse(clientSecret, { reportInput: true });
  if (!parsed.success) {
    const error = schemaErrorToParley(parsed.error);
    const param = error.param ? `client_secret.${error.param}` : 'client_secret';
    throw new ParleyError(error.code, error.message.replaceAll(`'${error.param}'`, `'${param}'`), { param });
  }
  return {
    ttlSeconds: parsed.data?.expires_after?.seconds ?? DEFAULT_BETA_TTL_SECONDS,
    carried: Object.keys(session).length > 0 ? { dialect: 'beta', config: session } : null,
  };
}

function bearer(value: string | undefined): string | null {
  const match = value ? /^Bearer\s+(.+)$/i.exec(value.trim()) : null;
  return match ? match[1]!.trim() : null;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function corsHeaders(origin: string | undefined): Record<string, string> {
  return origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function errorBody(code: ErrorCode, message: string, param: string | null = null) {
  return { error: { type: ERRORS[code].type, code, message, param } };
}

/** Answers the request if its path is a client-secret endpoint; returns false, answering nothing, otherwise. */
export function handleClientSecretRoute(req: IncomingMessage, res: ServerResponse, ctx: ClientSecretRouteContext): boolean {
  const path = normalizePath(new URL(req.url ?? '/', 'http://localhost').pathname);
  const dialect = CLIENT_SECRET_PATHS[path];
  if (!dialect || (req.method !== 'POST' && req.method !== 'OPTIONS')) return false;
  const origin = header(req, 'origin');
  if (!ctx.origins.allows(origin, header(req, 'host'))) {
    send(res, 403, errorBody('origin_not_allowed', ctx.origins.refusal(origin!)));
    return true;
  }
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      ...corsHeaders(origin),
      'access-control-allow-methods': 'POST, OPTIONS',
      // The openai SDK sends its own x-stainless-* headers: allow whatever the browser asks about.
      'access-control-allow-headers': header(req, 'access-control-request-headers') ?? 'authorization, content-type',
      'access-control-max-age': '600',
    });
    res.end();
    return true;
  }
  void mint(req, res, ctx, dialect, corsHeaders(origin)).catch((err: unknown) => {
    ctx.logger.error('minting a client secret failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    if (!res.headersSent) send(res, 500, errorBody('internal_error', 'The client secret could not be minted because of an internal error.'));
  });
  return true;
}

async function mint(req: IncomingMessage, res: ServerResponse, ctx: ClientSecretRouteContext, dialect: 'ga' | 'beta', cors: Record<string, string>): Promise<void> {
  const fail = (status: number, code: ErrorCode, message: string, param: string | null = null) => send(res, status, errorBody(code, message, param), cors);
  const key = bearer(header(req, 'authorization')) ?? header(req, 'api-key') ?? null;
  const minter = ctx.auth.authenticateMinter(key, ctx.now());
  if (!minter.ok) {
    req.resume();
    return fail(401, 'invalid_api_key', minter.message);
  }
  let text: string;
  try {
    text = (await readBody(req, MAX_BODY_BYTES)).toString('utf8');
  } catch (err) {
    if (err instanceof BodyTooLargeError) return fail(413, 'invalid_value', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    throw err;
  }
  let body: unknown = {};
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch (err) {
      return fail(400, 'invalid_json', `The request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}.`);
    }
  }
  let session: SessionObject;
  let request: MintRequest;
  try {
    request = readMintRequest(dialect, body);
    const patch: SessionPatch = request.carried ? decodeCarriedSession(request.carried) : {};
    session = startingSession(ctx.profiles.resolve(patch.model), patch, { mcp: ctx.mcp });
  } catch (err) {
    if (!isParleyError(err)) throw err;
    const param = dialect === 'beta' ? betaParam(err.param) : err.param;
    const message = dialect === 'beta' && err.param && param !== err.param ? err.message.replaceAll(`'${err.param}'`, `'${param}'`) : err.message;
    return fail(400, err.code, message, param);
  }
  const issuedAt = Math.floor(ctx.now() / 1000);
  const expiresAt = issuedAt + request.ttlSeconds;
  let value: string;
  try {
    value = ctx.auth.secrets.mint({ issuedAt, expiresAt, owner: minter.owner, session: request.carried });
  } catch (err) {
    if (!(err instanceof ClientSecretTooLargeError)) throw err;
    return fail(
      400,
      'invalid_value',
      `The session configuration is too large to carry in a client secret (the key would be ${err.length} characters; at most ${MAX_CLIENT_SECRET_LENGTH} fit in a request header). Mint the key with a smaller configuration and send the rest (long instructions, many tools) with session.update once connected.`,
      'session',
    );
  }
  ctx.logger.info('client secret minted', { api: dialect, owner: minter.owner, expires_at: expiresAt, with_session: request.carried !== null });
  if (dialect === 'ga') return send(res, 200, { value, expires_at: expiresAt, session: SESSION_ENCODERS.ga(session) }, cors);
  send(res, 200, { ...SESSION_ENCODERS.beta(session), client_secret: { value, expires_at: expiresAt } }, cors);
}
