/**
 * The microphone, captured in an AudioWorklet and delivered as PCM16 chunks at the session's
 * input rate, whatever rate the device and the audio context run at.
 */
import { pcm16ToBase64 } from './pcm.js';

const CHUNK_MS = 40;

export class Microphone {
  #stream;
  #source;
  #node;
  muted = false;

  /**
   * @param {AudioContext} context
   * @param {{ targetRate: number, echoCancellation: boolean, onAudio: (base64: string) => void, onLevel?: (peak: number) => void }} options
   */
  static async open(context, { targetRate, echoCancellation, onAudio, onLevel }) {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation, noiseSuppression: echoCancellation, autoGainControl: echoCancellation },
    });
    try {
      await context.audioWorklet.addModule(new URL('./capture-worklet.js', import.meta.url));
    } catch (error) {
      for (const track of stream.getTracks()) track.stop();
      throw error;
    }
    const mic = new Microphone();
    mic.#stream = stream;
    mic.#source = context.createMediaStreamSource(stream);
    mic.#node = new AudioWorkletNode(context, 'parley-capture', { processorOptions: { targetRate, chunkMs: CHUNK_MS } });
    mic.#node.port.onmessage = ({ data }) => {
      onLevel?.(mic.muted ? 0 : data.peak);
      if (!mic.muted) onAudio(pcm16ToBase64(data.pcm));
    };
    // The worklet writes no output; connected, it is rendered in every browser.
    mic.#source.connect(mic.#node).connect(context.destination);
    return mic;
  }

  get label() {
    return this.#stream.getAudioTracks()[0]?.label ?? '';
  }

  close() {
    this.#node.port.onmessage = null;
    this.#source.disconnect();
    this.#node.disconnect();
    for (const track of this.#stream.getTracks()) track.stop();
  }
}
