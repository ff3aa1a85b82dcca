/**
 * The server's side of one WebRTC call, on werift: answers the client's offer with one Opus
 * audio stream each way and takes the data channel the client opens. The answer is returned
 * once ICE gathering has finished, so it carries every candidate (no trickle ICE, as OpenAI's
 * endpoint does it).
 */
import { RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket, type MediaStreamTrack, type RTCDataChannel, type RTCRtpTransceiver } from 'werift';

/** Gathering host candidates takes a few ms; past this the answer goes out with what there is. */
const GATHERING_TIMEOUT_MS = 3_000;

export interface PeerOptions {
  /** Extra addresses to offer as host candidates; 127.0.0.1 lets a browser on the same machine connect. */
  hostAddresses?: readonly string[];
}

export interface CallPeer {
  readonly answer: string;
  /** Resolves once ICE and DTLS have connected. */
  readonly connected: Promise<void>;
  /** Resolves with the client's data channel once it is open. */
  readonly dataChannel: Promise<RTCDataChannel>;
  /** Receives each Opus packet from the client's microphone. */
  onAudio(listener: (payload: Buffer) => void): void;
  /**
   * Sends one Opus packet of `samples` samples (48 kHz clock); `startsTalkspurt` marks the first
   * after a pause, whose length the RTP timestamp skips so the receiver's clock stays with ours.
   */
  sendAudio(payload: Buffer, samples: number, startsTalkspurt: boolean): void;
  /** Called once, when the peer connection fails or closes. */
  onClosed(listener: () => void): void;
  close(): void;
}

function waitForGathering(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, GATHERING_TIMEOUT_MS);
    pc.iceGatheringStateChange.subscribe((state) => {
      if (state !== 'complete') return;
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function answerOffer(offer: string, options: PeerOptions = {}): Promise<CallPeer> {
  const pc = new RTCPeerConnection({
    codecs: { audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })] },
    iceUseIpv6: false,
    iceAdditionalHostAddresses: [...(options.hostAddresses ?? ['127.0.0.1'])],
  });
  const dataChannel = new Promise<RTCDataChannel>((resolve) => {
    pc.onDataChannel.subscribe((channel) => {
      if (channel.readyState === 'open') return resolve(channel);
      channel.stateChanged.subscribe((state) => state === 'open' && resolve(channel));
    });
  });
  const audioListeners: ((payload: Buffer) => void)[] = [];
  const closedListeners: (() => void)[] = [];
  let closed = false;
  const closeOnce = () => {
    if (closed) return;
    closed = true;
    for (const listener of closedListeners) listener();
  };
  const connected = new Promise<void>((resolve) => {
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') resolve();
      if (state === 'failed' || state === 'closed') closeOnce();
    });
  });
  pc.onTrack.subscribe((track: MediaStreamTrack) => {
    if (track.kind === 'audio') track.onReceiveRtp.subscribe((rtp) => audioListeners.forEach((listener) => listener(rtp.payload)));
  });

  try {
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  } catch (err) {
    await pc.close();
    throw err;
  }
  const transceiver: RTCRtpTransceiver | undefined = pc.getTransceivers().find((t) => t.kind === 'audio');
  if (transceiver) transceiver.setDirection('sendrecv');
  await pc.setLocalDescription(await pc.createAnswer());
  await waitForGathering(pc);
  const answer = pc.localDescription!.sdp;

  let sequenceNumber = (Math.random() * 0xffff) >>> 0;
  let timestamp = (Math.random() * 0xffffffff) >>> 0;
  let lastSentAt: number | null = null;

  return {
    answer,
    connected,
    dataChannel,
    onAudio: (listener) => void audioListeners.push(listener),
    sendAudio: (payload, samples, startsTalkspurt) => {
      if (!transceiver || closed) return;
      const now = performance.now();
      if (startsTalkspurt && lastSentAt !== null) {
        const pausedSamples = Math.max(0, Math.round((now - lastSentAt) * 48) - samples);
        timestamp = (timestamp + pausedSamples) >>> 0;
      }
      lastSentAt = now;
      // The sender fills in its own SSRC and the negotiated payload type.
      const header = new RtpHeader({ sequenceNumber, timestamp, marker: startsTalkspurt });
      void transceiver.sender.sendRtp(new RtpPacket(header, payload));
      sequenceNumber = (sequenceNumber + 1) & 0xffff;
      timestamp = (timestamp + samples) >>> 0;
    },
    onClosed: (listener) => void closedListeners.push(listener),
    close: () => {
      closeOnce();
      void pc.close();
    },
  };
}
