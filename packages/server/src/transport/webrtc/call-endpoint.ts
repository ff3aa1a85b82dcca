/**
 * The WebRTC call endpoints, where a browser sends its SDP offer as it would to OpenAI:
 *
 *   POST /v1/realtime/calls              GA (also /openai/v1/realtime/calls)   → 201, answer SDP, Location: /v1/realtime/calls/{call_id}
 *   POST /v1/realtime?model=…            beta (Content-Type: application/sdp)  → 201, answer SDP
 *   POST /voice-live/realtime/calls      Voice Live names on the data channel (a Parley extension)
 *   POST /v1/realtime/calls/{id}/hangup  ends the call
 *
 * A request passes the same checks, in the same order, as a WebSocket upgrade (realtime-endpoint.ts):
 * origin → 403, key (API key or `ek_` client secret, as `Authorization: Bearer`) → 401, the
 * offer and its session configuration → 400, admission limits → 429. The call holds its
 * admission slot until it ends.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createCodec, ERRORS, isParleyError, ParleyError, type Dialect, type ErrorCode, type SessionPatch } from '@parley/protocol';
import { BodyTooLargeError, readBody } from '../../http/read-body.js';
import type { Logger } from '../../logger.js';
import type { ServerMetrics } from '../../metrics/server-metrics.js';
import type { ProfileRegistry } from '../../profiles.js';
import type { SessionLimits } from '../../session/limits.js';
import type { McpSettings } from '../../tools/mcp-registry.js';
import type { Admission } from '../admission.js';
import type { Authenticator } from '../auth.js';
import { MISSING_KEY_MESSAGE } from '../auth.js';
import { normalizePath } from '../handshake.js';
import type { OriginPolicy } from '../origins.js';
import { decodeCarriedSession, startingSession } from '../starting-session.js';
import { readCallRequest } from './call-request.js';
import { answerOffer, type CallPeer } from './peer.js';
import { serveCall, type WebRtcCall } from './webrtc-call.js';

/** The paths that take an offer, and the dialect each speaks on its data channel. */
export const CALL_PATHS: Readonly<Record<string, Dialect>> = {
  '/v1/realtime/calls': 'ga',
  '/openai/v1/realtime/calls': 'ga',
  '/v1/realtime': 'beta',
  '/openai/v1/realtime': 'beta',
  '/voice-live/realtime/calls': 'voicelive',
};

const HANGUP_PATH = /^(?:\/openai)?\/v1\/realtime\/calls\/([\w-]+)\/hangup$|^\/voice-live\/realtime\/calls\/([\w-]+)\/hangup$/;
/** An SDP offer is a few KiB; a session configuration with its tools a few more. */
const MAX_BODY_BYTES = 256 * 1024;

export interface CallEndpointOptions {
  profiles: ProfileRegistry;
  auth: Authenticator;
  origins: OriginPolicy;
  admission: Admission;
  now?: () => number;
  logger: Logger;
  mcp?: McpSettings;
  limits?: Partial<SessionLimits>;
  metrics: ServerMetrics;
  /** Extra host candidates for the answer (default 127.0.0.1, so a browser on this machine connects). */
  hostAddresses?: readonly string[];
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function bearer(value: string | undefined): string | null {
  const match = value ? /^Bearer\s+(.+)$/i.exec(value.trim()) : null;
  return match ? match[1]!.trim() : null;
}

function newCallId(): string {
  return `rtc_${randomBytes(12).toString('hex')}`;
}

export class CallEndpoint {
  readonly #o: CallEndpointOptions;
  readonly #calls = new Map<string, WebRtcCall>();
  #draining = false;

  constructor(options: CallEndpointOptions) {
    this.#o = options;
  }

  get calls(): number {
    return this.#calls.size;
  }

  /** Answers the request if it is for a call endpoint; returns false, answering nothing, otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = normalizePath(url.pathname);
    const hangup = HANGUP_PATH.exec(path);
    let dialect = CALL_PATHS[path];
    // The beta path is also the WebSocket endpoint: only an SDP body makes it a call.
    if (dialect === 'beta' && !/^application\/sdp/i.test(header(req, 'content-type') ?? '') && req.method !== 'OPTIONS') dialect = undefined;
    if (!dialect && !hangup) return false;
    if (req.method !== 'POST' && req.method !== 'OPTIONS') return false;
    const origin = header(req, 'origin');
    const cors: Record<string, string> = origin ? { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'Location', vary: 'Origin' } : {};
    const fail = (status: number, code: ErrorCode, message: string, param: string | null = null, headers: Record<string, string> = {}) => {
      const text = JSON.stringify({ error: { type: ERRORS[code].type, code, message, param } });
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...cors, ...headers });
      res.end(text);
    };
    if (!this.#o.origins.allows(origin, header(req, 'host'))) {
      fail(403, 'origin_not_allowed', this.#o.origins.refusal(origin!));
      return true;
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': header(req, 'access-control-request-headers') ?? 'authorization, content-type',
        'access-control-max-age': '600',
      });
      res.end();
      return true;
    }
    const key = bearer(header(req, 'authorization')) ?? header(req, 'api-key') ?? null;
    const credential = this.#o.auth.authenticate(key, (this.#o.now ?? Date.now)());
    if (!credential.ok) {
      req.resume();
      fail(401, 'invalid_api_key', credential.message === MISSING_KEY_MESSAGE ? 'Missing API key: send it as "Authorization: Bearer <key>" (an API key, or a client secret ek_… minted at /v1/realtime/client_secrets).' : credential.message);
      return true;
    }
    if (hangup) {
      req.resume();
      const call = this.#calls.get(hangup[1] ?? hangup[2]!);
      if (!call) fail(404, 'not_found', `No call '${hangup[1] ?? hangup[2]}' is in progress on this server.`);
      else {
        call.hangUp();
        res.writeHead(200, { 'content-length': '0', ...cors });
        res.end();
      }
      return true;
    }
    if (this.#draining) {
      req.resume();
      fail(503, 'server_shutting_down', 'The server is shutting down: call another instance, or retry in a moment.', null, { 'retry-after': '5' });
      return true;
    }
    void this.#answer(req, res, dialect!, url, credential, fail, cors).catch((err: unknown) => {
      this.#o.logger.error('answering a call failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      if (!res.headersSent) fail(500, 'internal_error', 'The call could not be answered because of an internal error.');
    });
    return true;
  }

  async #answer(
    req: IncomingMessage,
    res: ServerResponse,
    dialect: Dialect,
    url: URL,
    credential: Extract<ReturnType<Authenticator['authenticate']>, { ok: true }>,
    fail: (status: number, code: ErrorCode, message: string, param?: string | null, headers?: Record<string, string>) => void,
    cors: Record<string, string>,
  ): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return fail(413, 'invalid_value', `The request body is larger than ${MAX_BODY_BYTES} bytes; an SDP offer is a few KiB.`);
      throw err;
    }
    let initialSession: SessionPatch | undefined;
    let offeredSession: SessionPatch | undefined;
    let offer: string;
    try {
      const request = await readCallRequest(header(req, 'content-type'), body);
      offer = request.offer;
      if (credential.claims?.session) initialSession = decodeCarriedSession(credential.claims.session);
      if (request.session) offeredSession = readOfferedSession(dialect, request.session);
    } catch (err) {
      if (!isParleyError(err)) throw err;
      return fail(400, err.code, err.message, err.param);
    }
    const model = offeredSession?.model || initialSession?.model || url.searchParams.get('model');
    const profile = this.#o.profiles.resolve(model);
    try {
      startingSession(profile, { ...initialSession, ...offeredSession }, { model, mcp: this.#o.mcp });
    } catch (err) {
      if (!isParleyError(err)) throw err;
      return fail(400, err.code, `The session configuration cannot be used on this server: ${err.message}`, err.param);
    }
    const address = req.socket.remoteAddress ?? 'unknown';
    const admitted = this.#o.admission.admit({ owner: credential.owner, address });
    if (!admitted.ok) {
      const retry: Record<string, string> = admitted.retryAfter === null ? {} : { 'retry-after': String(admitted.retryAfter) };
      return fail(429, admitted.code, admitted.message, null, retry);
    }
    let call: WebRtcCall;
    let answer: string;
    const id = newCallId();
    const startedAt = performance.now();
    let peer: CallPeer;
    try {
      peer = await answerOffer(offer, { hostAddresses: this.#o.hostAddresses });
    } catch (err) {
      admitted.release();
      const message = err instanceof Error ? err.message : String(err);
      return fail(400, 'invalid_value', `Invalid SDP offer: it could not be answered (${message}).`, 'sdp');
    }
    try {
      answer = peer.answer;
      call = await serveCall(peer, { id, dialect, profile, model, logger: this.#o.logger, mcp: this.#o.mcp, limits: this.#o.limits, metrics: this.#o.metrics, initialSession, offeredSession });
    } catch (err) {
      peer.close();
      admitted.release();
      throw err;
    }
    this.#calls.set(id, call);
    void call.ended.then(() => {
      this.#calls.delete(id);
      admitted.release();
    });
    const location = `${dialect === 'voicelive' ? '/voice-live/realtime/calls' : '/v1/realtime/calls'}/${id}`;
    this.#o.logger.info('call answered', { call_id: id, dialect, answer_ms: Math.round(performance.now() - startedAt) });
    res.writeHead(201, { 'content-type': 'application/sdp', 'content-length': Buffer.byteLength(answer), location, 'cache-control': 'no-store', ...cors });
    res.end(answer);
  }

  /** Stops taking calls; lets each call finish the response it is running (up to `graceMs`), then hangs up. */
  async drain(graceMs: number): Promise<void> {
    this.#draining = true;
    const graceOver = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.all(
      [...this.#calls.values()].map(async (call) => {
        await Promise.race([call.session.whenIdle(), graceOver]);
        call.hangUp();
      }),
    );
  }

  close(): void {
    for (const call of this.#calls.values()) call.hangUp();
  }
}

/** The `session` part of a multipart offer, read with the dialect's `session.update` schema. */
function readOfferedSession(dialect: Dialect, session: Record<string, unknown>): SessionPatch {
  const decoded = createCodec(dialect).decode(JSON.stringify({ type: 'session.update', session }));
  if (!decoded.ok) throw decoded.error;
  if (decoded.event.type !== 'session.update') throw new ParleyError('invalid_value', 'The session configuration could not be read.', { param: 'session' });
  return decoded.event.session;
}
