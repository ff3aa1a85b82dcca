/**
 * The session configuration a client secret carries: read with the protocol's own
 * `session.update` schema and codec (so a key accepts exactly what `session.update` accepts),
 * and checked against a profile the way a session would check it, so a key that would fail
 * is refused when it is minted, not when a browser connects with it.
 */
import { createCodec, newId, ParleyError, type SessionObject, type SessionPatch } from '@parley/protocol';
import { silentLogger } from '../logger.js';
import type { ModelProfile } from '../profiles.js';
import { DEFAULT_SESSION_LIMITS } from '../session/limits.js';
import { defaultSession, mergeSession } from '../session/session-config.js';
import { McpRegistry, type McpSettings } from '../tools/mcp-registry.js';
import type { CarriedSession } from './client-secrets.js';

/**
 * The canonical patch of a carried session. Throws the schema's ParleyError, whose `param` is
 * `session.<field>` (the GA request body's path; beta's flat fields are under `session.` too).
 */
export function decodeCarriedSession(carried: CarriedSession): SessionPatch {
  const decoded = createCodec(carried.dialect).decode(JSON.stringify({ type: 'session.update', session: carried.config }));
  if (!decoded.ok) throw decoded.error;
  if (decoded.event.type !== 'session.update') throw new ParleyError('invalid_value', 'The session configuration could not be read.', { param: 'session' });
  return decoded.event.session;
}

export interface StartingSessionOptions {
  /** The model the client asked for, when the patch names none. */
  model?: string | null;
  mcp?: McpSettings;
}

/**
 * The configuration a session of `profile` starts with once `patch` is applied — what
 * `session.created` will show. Throws a ParleyError (`param` under `session.`) for a patch the
 * session would refuse: an inconsistent tool list, an MCP server off the allow-list, a voice the
 * profile's speech engine does not have.
 */
export function startingSession(profile: ModelProfile, patch: SessionPatch, options: StartingSessionOptions = {}): SessionObject {
  const base = defaultSession(newId('sess'), {
    model: patch.model || options.model || profile.name,
    instructions: profile.instructions,
    voice: profile.voice,
    maxDurationMs: DEFAULT_SESSION_LIMITS.maxSessionMs,
  });
  if (patch.tools) {
    const registry = new McpRegistry({ emit: () => undefined, addItem: () => undefined, logger: silentLogger, settings: options.mcp });
    registry.checkAllowed(patch.tools, 'session.tools');
    registry.close();
  }
  const next = mergeSession(base, patch);
  try {
    profile.tts?.resolveVoice(next.audio.output.voice);
  } catch (err) {
    if (err instanceof ParleyError) throw new ParleyError(err.code, err.message, { param: 'session.audio.output.voice' });
    throw err;
  }
  return next;
}

/** `param` as a beta request body spells it: the session's fields are at the top level. */
export function betaParam(param: string | null): string | null {
  if (param === null) return null;
  if (param === 'session.audio.output.voice') return 'voice';
  return param.replace(/^session\./, '');
}
