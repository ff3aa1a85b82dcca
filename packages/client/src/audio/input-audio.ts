/** Audio as an application hands it to `appendInputAudio`, and as the wire carries it (base64). */
import { bytesToBase64 } from './base64.js';
import { int16ToPcm16 } from './pcm16.js';

/** Bytes in the session's input format (PCM16 LE, or G.711), int16 samples, or base64 text as is. */
export type InputAudio = Uint8Array | ArrayBuffer | Int16Array | string;

export function inputAudioToBase64(audio: InputAudio): string {
  if (typeof audio === 'string') return audio;
  if (audio instanceof Int16Array) return bytesToBase64(int16ToPcm16(audio));
  if (audio instanceof ArrayBuffer) return bytesToBase64(new Uint8Array(audio));
  if (audio instanceof Uint8Array) return bytesToBase64(audio);
  // Float samples would go out as their raw bytes, which no server reads as audio.
  throw new TypeError('Audio must be PCM16 bytes, an Int16Array or base64 text; convert float samples with float32ToPcm16().');
}
