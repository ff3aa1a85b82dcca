/**
 * Binds one WebRTC call to one session, as websocket-connection.ts binds a socket: JSON events
 * on the client's data channel (`oai-events`; `voice-live-events` for Voice Live) are decoded by
 * the dialect's codec and handed to the session; the session's events go back encoded the same
 * way — except its audio, which is played on the media track instead (playout.ts).
 *
 * Because the server plays the audio, it reports playout (`output_audio_buffer.started`,
 * `.stopped`, `.cleared`), answers `output_audio_buffer.clear`, and on barge-in (speech_started
 * while the assistant is heard) it stops playout and truncates the assistant's item at the ms
 * actually sent, by itself: `conversation.item.truncated` follows `response.done` and
 * `output_audio_buffer.cleared`.
 */
import { createCodec, newId, type ClientEvent, type ServerEvent, type ServerEventInit, type SessionPatch } from '@parley/protocol';
import type { RTCDataChannel } from 'werift';
import type { ServerMetrics } from '../../metrics/server-metrics.js';
import { snapshotItem } from '../../session/item-snapshot.js';
import { DEFAULT_SESSION_LIMITS } from '../../session/limits.js';
import { Session } from '../../session/session.js';
import { readClientFrame, sessionOptions, type TransportSessionOptions } from '../client-frames.js';
import { armDeadlines } from '../connection-deadlines.js';
import { AssistantAudio } from './assistant-audio.js';
import { MicrophoneInput } from './microphone-input.js';
import { createOpusEncoder, FRAME_SAMPLES } from './opus.js';
import type { CallPeer } from './peer.js';
import { Playout, type PlayoutCut } from './playout.js';

/** A client that got its answer but never connected (gone, or blocked by a firewall) frees its slot after this. */
export const CONNECT_TIMEOUT_MS = 30_000;

export interface CallOptions extends TransportSessionOptions {
  id: string;
  metrics: ServerMetrics;
  /** A client secret's session configuration: the session starts with it. */
  initialSession?: SessionPatch;
  /** The configuration sent with the offer (`session` part): applied as a session.update before the client's first event. */
  offeredSession?: SessionPatch;
}

export interface WebRtcCall {
  readonly id: string;
  readonly session: Session;
  /** Resolves when the call has ended, however it ended. */
  readonly ended: Promise<void>;
  hangUp(): void;
}

export async function serveCall(peer: CallPeer, options: CallOptions): Promise<WebRtcCall> {
  const codec = createCodec(options.dialect);
  const openedAt = performance.now();
  const logger = options.logger.child({ call_id: options.id, dialect: options.dialect });
  const metrics = options.metrics.openSession({ dialect: options.dialect, profile: options.profile.name });
  const encoder = createOpusEncoder();
  const assistant = new AssistantAudio();
  await assistant.ready();

  let channel: RTCDataChannel | null = null;
  /** Events sent before the data channel opened: they go first, in order, once it does. */
  const early: ServerEvent[] = [];
  const deliver = (event: ServerEvent) => {
    // Audio bytes travel on the media track, never on the data channel.
    const wire = event.type === 'conversation.item.retrieved' ? { ...event, item: snapshotItem(event.item) } : event;
    const frame = codec.encode(wire);
    if (frame === undefined) return;
    if (!channel) return void early.push(wire);
    if (channel.readyState !== 'open') return;
    channel.send(frame);
    metrics.serverEvent(event);
  };
  const emit = (init: ServerEventInit) => deliver(Object.assign({ type: init.type, event_id: newId('event') }, init) as ServerEvent);

  const playout = new Playout({
    sendFrame: (frame, talkspurt) => peer.sendAudio(encoder.encode(frame), FRAME_SAMPLES, talkspurt),
    started: (responseId) => emit({ type: 'output_audio_buffer.started', response_id: responseId }),
    stopped: (responseId) => emit({ type: 'output_audio_buffer.stopped', response_id: responseId }),
  });
  /** Responses running (response.created seen, response.done not yet). */
  const running = new Set<string>();
  /** A barge-in's cut, waiting for its response to end before it is reported and applied. */
  let pendingCut: PlayoutCut | null = null;

  const applyCut = (cut: PlayoutCut) => {
    emit({ type: 'output_audio_buffer.cleared', response_id: cut.responseId });
    // As if the client had sent it: the item keeps only what was heard, and the client is told.
    session.handle({ type: 'conversation.item.truncate', item_id: cut.itemId, content_index: 0, audio_end_ms: Math.round(cut.playedMs) });
  };

  const bargeIn = () => {
    const td = session.config.audio.input.turn_detection;
    if (td?.interrupt_response === false) return;
    const cut = playout.clear();
    if (!cut) return;
    logger.debug('barge-in: playout cleared', { item_id: cut.itemId, played_ms: Math.round(cut.playedMs) });
    if (running.has(cut.responseId)) pendingCut = cut;
    // Not from inside the session's own send: the session finishes its event first.
    else queueMicrotask(() => applyCut(cut));
  };

  const session: Session = new Session(
    sessionOptions(options, metrics, (event) => {
      switch (event.type) {
        case 'response.output_audio.delta':
          return playout.enqueue(event.response_id, event.item_id, assistant.convert(event.delta, session.config.audio.output.format));
        case 'response.output_audio.done':
          playout.enqueue(event.response_id, event.item_id, assistant.end());
          break;
        case 'response.created':
          running.add(event.response.id);
          break;
        case 'input_audio_buffer.speech_started':
          deliver(event);
          return bargeIn();
        case 'response.done': {
          running.delete(event.response.id);
          deliver(event);
          playout.responseDone(event.response.id);
          if (pendingCut?.responseId === event.response.id) {
            const cut = pendingCut;
            pendingCut = null;
            queueMicrotask(() => applyCut(cut));
          }
          return;
        }
      }
      deliver(event);
    }),
  );

  const microphone = new MicrophoneInput((audio) => session.handle({ type: 'input_audio_buffer.append', audio }), () => session.config.audio.input.format);
  await microphone.ready();

  let endCall!: () => void;
  const ended = new Promise<void>((resolve) => (endCall = resolve));
  let closed = false;
  const limits = { ...DEFAULT_SESSION_LIMITS, ...options.limits };
  const hangUp = () => {
    if (closed) return;
    closed = true;
    deadlines.clear();
    clearTimeout(connectTimer);
    session.close();
    playout.close();
    microphone.close();
    assistant.close();
    peer.close();
    metrics.close();
    logger.info('call ended', { duration_ms: Math.round(performance.now() - openedAt), events_in: metrics.eventsIn, events_out: metrics.eventsOut });
    endCall();
  };
  const deadlines = armDeadlines(limits, (error) => {
    logger.info('call ended by its limit', { code: error.code });
    session.reportError(error, null);
    setTimeout(hangUp, 200).unref();
  });

  const handleFrame = (data: string | Buffer) => {
    deadlines.touch();
    readClientFrame(typeof data === 'string' ? data : data.toString('utf8'), { codec, session, metrics, logger, dispatch: handleClientEvent });
  };
  const handleClientEvent = (event: ClientEvent) => {
    if (event.type !== 'output_audio_buffer.clear') return session.handle(event);
    const cut = playout.clear();
    emit({ type: 'output_audio_buffer.cleared', ...(cut ? { response_id: cut.responseId } : {}) } as ServerEventInit);
  };

  const connectTimer = setTimeout(() => {
    logger.info('call never connected: ending it', { timeout_ms: CONNECT_TIMEOUT_MS });
    hangUp();
  }, CONNECT_TIMEOUT_MS);
  connectTimer.unref();
  void peer.connected.then(() => {
    clearTimeout(connectTimer);
    logger.info('call connected', { connect_ms: Math.round(performance.now() - openedAt) });
  });
  peer.onAudio((packet) => microphone.push(packet));
  peer.onClosed(hangUp);
  void peer.dataChannel.then((opened) => {
    if (closed) return;
    channel = opened;
    opened.onMessage.subscribe(handleFrame);
    opened.stateChanged.subscribe((state) => state === 'closed' && hangUp());
    for (const event of early.splice(0)) deliver(event);
  });

  logger.info('call opened', { profile: options.profile.name, model: options.model });
  session.start(options.initialSession);
  if (options.offeredSession) session.handle({ type: 'session.update', session: options.offeredSession });
  return { id: options.id, session, ended, hangUp };
}
