/**
 * Opens a realtime session on a Parley server with `@parley/client`, configured for `parley
 * talk`: the profile, voice and instructions asked for, and turns that this side ends itself
 * (no server VAD: a typed line or a whole WAV file is one turn).
 */
import { parleyEndpoint, RealtimeClient, type Dialect, type SessionPatch } from '@parley/client';
import { CliFailure } from '../cli-failure.js';
import { explainConnectFailure } from '../explain-connect-failure.js';
import type { ServerUrl } from '../server-url.js';
import { refusalAwareSocket } from './refusal-aware-socket.js';

/** The rate of the audio both ways: the protocols' default, which every dialect speaks. */
export const TALK_SAMPLE_RATE = 24_000;

export interface SessionTarget {
  server: ServerUrl;
  dialect: Dialect;
  model?: string;
  apiKey?: string;
  connectTimeoutMs: number;
}

export interface SessionWishes {
  voice?: string;
  instructions?: string;
  /** Replies in audio (with their transcript) rather than text only. */
  audioReplies: boolean;
  /** Ask for transcripts of the audio this side sends. */
  transcribeInput: boolean;
  /** Reconnect after a dropped connection (a new session: the conversation starts over). */
  reconnect: boolean;
}

export function sessionPatch(wishes: SessionWishes): SessionPatch {
  return {
    output_modalities: [wishes.audioReplies ? 'audio' : 'text'],
    ...(wishes.instructions !== undefined ? { instructions: wishes.instructions } : {}),
    audio: {
      input: { format: { type: 'audio/pcm', rate: TALK_SAMPLE_RATE }, turn_detection: null, ...(wishes.transcribeInput ? { transcription: {} } : {}) },
      output: { format: { type: 'audio/pcm', rate: TALK_SAMPLE_RATE }, ...(wishes.voice !== undefined ? { voice: wishes.voice } : {}) },
    },
  };
}

/**
 * A connected client; its first frame asks for the session `wishes` describe. `prepare` puts
 * listeners on before the socket opens, so they hear `session.created` too.
 */
export async function openSession(target: SessionTarget, wishes: SessionWishes, prepare?: (client: RealtimeClient) => void): Promise<RealtimeClient> {
  const client = new RealtimeClient({
    ...parleyEndpoint({ baseUrl: target.server.ws, dialect: target.dialect, ...(target.model ? { model: target.model } : {}) }),
    ...(target.apiKey ? { auth: { type: 'bearer' as const, token: target.apiKey } } : {}),
    createSocket: refusalAwareSocket,
    reconnect: wishes.reconnect ? { maxAttempts: 5 } : false,
    connectTimeoutMs: target.connectTimeoutMs,
  });
  client.updateSession(sessionPatch(wishes));
  prepare?.(client);
  try {
    await client.connect();
  } catch (error) {
    throw new CliFailure(explainConnectFailure(target.server.ws, error));
  }
  return client;
}
