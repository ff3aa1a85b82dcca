/**
 * The browser side of the Chromium test, bundled for the page: an agents-realtime session over
 * its own WebRTC transport (the one browsers use with OpenAI), pointed at Parley's call
 * endpoint. It records the server events it gets and how loud the agent's voice is on the
 * remote track, every 20 ms, through WebAudio.
 */
import { OpenAIRealtimeWebRTC, RealtimeAgent, RealtimeSession } from '@openai/agents-realtime';

interface Probe {
  events: { type: string; at: number; [field: string]: unknown }[];
  /** RMS (0–1) of the remote track per ~21 ms block, with the time it was measured. */
  levels: { rms: number; at: number }[];
  connectMs: number;
}

declare global {
  interface Window {
    probe: Probe;
    startCall(baseUrl: string, apiKey: string): Promise<number>;
    hangUp(): void;
  }
}

let session: RealtimeSession | undefined;

function listen(stream: MediaStream): void {
  const context = new AudioContext({ sampleRate: 48_000 });
  const source = context.createMediaStreamSource(stream);
  const processor = context.createScriptProcessor(1024, 1, 1);
  processor.onaudioprocess = (event) => {
    const samples = event.inputBuffer.getChannelData(0);
    let sum = 0;
    for (const s of samples) sum += s * s;
    window.probe.levels.push({ rms: Math.sqrt(sum / samples.length), at: performance.now() });
  };
  source.connect(processor);
  processor.connect(context.destination);
}

window.probe = { events: [], levels: [], connectMs: 0 };
window.startCall = async (baseUrl, apiKey) => {
  const audioElement = document.createElement('audio');
  document.body.append(audioElement);
  const transport = new OpenAIRealtimeWebRTC({
    baseUrl,
    audioElement,
    changePeerConnection: async (pc) => {
      pc.addEventListener('track', (event) => listen(event.streams[0] ?? new MediaStream([event.track])));
      return pc;
    },
  });
  const agent = new RealtimeAgent({ name: 'Weather', instructions: 'Answer questions about the weather.' });
  session = new RealtimeSession(agent, { transport, model: 'default' });
  session.on('transport_event', (event) => window.probe.events.push({ ...(event as { type: string }), at: performance.now() }));
  const started = performance.now();
  await session.connect({ apiKey });
  window.probe.connectMs = performance.now() - started;
  return window.probe.connectMs;
};
window.hangUp = () => session?.close();
