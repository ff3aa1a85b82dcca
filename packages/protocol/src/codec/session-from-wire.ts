/**
 * A dialect's session object (`session.created` / `.updated`) → the canonical `SessionObject`,
 * for clients: the inverse of `SESSION_ENCODERS`. GA sessions are canonical already, except
 * that GA has no `temperature`, so it stays absent there. Flat
 * sessions are folded by the same mapping as a flat `session.update`; settings a flat dialect
 * does not carry take their "off" value (`null`) or GA's default (`truncation: "auto"`).
 * Nothing is validated: a field the server sent and the mapping does not know is dropped.
 */
import type { Dialect } from '../dialect.js';
import type { AudioFormat, SessionObject } from '../model/session.js';
import { mergeAudioFormat } from './audio-format.js';
import { definedOnly, flatSessionPatch } from './session-codec.js';

const PCM_24K: AudioFormat = { type: 'audio/pcm', rate: 24000 };

type WireSession = Record<string, unknown>;

function gaSession(wire: WireSession): SessionObject {
  const session = wire as unknown as SessionObject;
  const input = session.audio?.input;
  // GA leaves echo cancellation out when it is off.
  if (!input || input.echo_cancellation !== undefined) return session;
  return { ...session, audio: { ...session.audio, input: { ...input, echo_cancellation: null } } };
}

function flatSession(wire: WireSession, type: SessionObject['type']): SessionObject {
  const { audio, ...patch } = flatSessionPatch(wire as Parameters<typeof flatSessionPatch>[0]);
  const input = audio?.input ?? {};
  const output = audio?.output ?? {};
  return definedOnly({
    ...patch,
    id: wire.id as string,
    object: 'realtime.session' as const,
    expires_at: wire.expires_at as number,
    type,
    tracing: patch.tracing ?? null,
    include: patch.include ?? null,
    truncation: 'auto' as const,
    prompt: null,
    audio: {
      input: {
        format: mergeAudioFormat(PCM_24K, input.format),
        noise_reduction: input.noise_reduction ?? null,
        transcription: input.transcription ?? null,
        turn_detection: input.turn_detection ?? null,
        echo_cancellation: input.echo_cancellation ?? null,
      },
      output: { format: mergeAudioFormat(PCM_24K, output.format), voice: output.voice ?? '', speed: output.speed ?? 1 },
    },
  }) as SessionObject;
}

/** `type` is the session's kind, which flat sessions do not state (beta's transcription sessions have their own event). */
export function sessionFromWire(wire: unknown, dialect: Dialect, type: SessionObject['type'] = 'realtime'): SessionObject {
  const session = (wire ?? {}) as WireSession;
  return dialect === 'ga' ? gaSession(session) : flatSession(session, type);
}
