/**
 * A WebRTC caller in Node, standing in for a browser: offers one Opus audio stream each way
 * and the `oai-events` data channel, posts the offer to a call endpoint as agents-realtime does
 * (`application/sdp`, `Authorization: Bearer`), and then speaks PCM into its microphone track
 * (paced in real time) and collects the audio it hears, decoded to 48 kHz samples.
 */
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket, type RTCDataChannel } from 'werift';
import { createOpusDecoder, createOpusEncoder, FRAME_SAMPLES } from '../../src/transport/webrtc/opus.js';

export interface WireEvent {
  type: string;
  [field: string]: unknown;
}

export interface CallerOptions {
  key?: string | null;
  /** The data channel's label; `oai-events` by default. */
  channelLabel?: string;
}

export interface Caller {
  readonly pc: RTCPeerConnection;
  readonly channel: RTCDataChannel;
  readonly events: WireEvent[];
  readonly callId: string | undefined;
  /** Audio received so far, 48 kHz mono, with the arrival time of each packet (ms, performance.now). */
  readonly heard: { samples: Int16Array; at: number }[];
  send(event: object): void;
  /** Resolves with the first event of `type` (after `from` events) that `match` accepts. */
  waitFor(type: string, match?: (event: WireEvent) => boolean, timeoutMs?: number): Promise<WireEvent>;
  /** Speaks 48 kHz samples into the microphone, 20 ms per packet in real time. */
  speak(samples48k: Int16Array): Promise<void>;
  close(): Promise<void>;
}

export async function makeOffer(label = 'oai-events'): Promise<{ pc: RTCPeerConnection; track: MediaStreamTrack; channel: RTCDataChannel; sdp: string }> {
  const pc = new RTCPeerConnection({
    codecs: { audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })] },
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
  });
  const track = new MediaStreamTrack({ kind: 'audio' });
  pc.addTransceiver(track, { direction: 'sendrecv' });
  const channel = pc.createDataChannel(label);
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete') await new Promise<void>((resolve) => pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && resolve()));
  return { pc, track, channel, sdp: pc.localDescription!.sdp };
}

export async function postOffer(url: string, sdp: string, key: string | null = 'sk-test'): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    body: sdp,
    headers: { 'content-type': 'application/sdp', ...(key ? { authorization: `Bearer ${key}` } : {}) },
  });
}

export async function call(url: string, options: CallerOptions = {}): Promise<Caller> {
  const { pc, track, channel, sdp } = await makeOffer(options.channelLabel);
  const events: WireEvent[] = [];
  const waiters: (() => void)[] = [];
  channel.onMessage.subscribe((data) => {
    events.push(JSON.parse(data.toString()) as WireEvent);
    for (const wake of waiters.splice(0)) wake();
  });
  const heard: { samples: Int16Array; at: number }[] = [];
  const decoder = createOpusDecoder();
  pc.onTrack.subscribe((remote) => remote.onReceiveRtp.subscribe((rtp) => heard.push({ samples: decoder.decode(rtp.payload), at: performance.now() })));
  const response = await postOffer(url, sdp, options.key === undefined ? 'sk-test' : options.key);
  if (response.status !== 201) {
    await pc.close();
    throw new Error(`call refused: ${response.status} ${await response.text()}`);
  }
  await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
  if (channel.readyState !== 'open') await new Promise<void>((resolve) => channel.stateChanged.subscribe((s) => s === 'open' && resolve()));
  const encoder = createOpusEncoder();
  let sequenceNumber = 1;
  let timestamp = 0;
  return {
    pc,
    channel,
    events,
    heard,
    callId: response.headers.get('location')?.split('/').pop(),
    send: (event) => channel.send(JSON.stringify(event)),
    waitFor: (type, match = () => true, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        let from = 0;
        const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms; got ${events.map((e) => e.type).join(', ')}`)), timeoutMs);
        const look = () => {
          for (; from < events.length; from++) {
            const event = events[from]!;
            if (event.type === type && match(event)) {
              clearTimeout(timer);
              return resolve(event);
            }
          }
          waiters.push(look);
        };
        look();
      }),
    speak: async (samples) => {
      const started = performance.now();
      for (let at = 0, n = 0; at < samples.length; at += FRAME_SAMPLES, n++) {
        const frame = new Int16Array(FRAME_SAMPLES);
        frame.set(samples.subarray(at, at + FRAME_SAMPLES));
        track.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: sequenceNumber++, timestamp, marker: n === 0 }), encoder.encode(frame)));
        timestamp += FRAME_SAMPLES;
        const due = started + (n + 1) * 20 - performance.now();
        if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
      }
    },
    close: () => pc.close(),
  };
}
