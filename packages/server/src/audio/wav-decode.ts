/**
 * Reading WAV files of any PCM16 layout (any rate, any number of channels) into mono samples,
 * for audio a user hands in (`parley talk --wav`). Any other encoding is refused with a message
 * that says what the file is and how to convert it.
 */
import { pcm16ToInt16 } from './pcm.js';

export class WavFormatError extends Error {
  override name = 'WavFormatError';
}

export interface DecodedWav {
  sampleRate: number;
  /** Channels in the file; `samples` is their average. */
  channels: number;
  samples: Int16Array;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const FORMAT_NAMES: Record<number, string> = { 3: 'IEEE float', 6: 'A-law', 7: 'µ-law', 0x11: 'IMA ADPCM', 0x55: 'MP3' };

export const CONVERT_HINT = 'Convert it with: ffmpeg -i in.wav -c:a pcm_s16le out.wav (or sox in.wav -b 16 -e signed-integer out.wav)';

interface Format {
  code: number;
  channels: number;
  sampleRate: number;
  bits: number;
}

function readFormat(view: DataView, body: number, size: number): Format {
  if (size < 16) throw new WavFormatError('its fmt chunk is too short');
  let code = view.getUint16(body, true);
  // WAVE_FORMAT_EXTENSIBLE keeps the real format in the first two bytes of its sub-format GUID.
  if (code === WAVE_FORMAT_EXTENSIBLE && size >= 26) code = view.getUint16(body + 24, true);
  return { code, channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), bits: view.getUint16(body + 14, true) };
}

function checkPcm16(format: Format): void {
  if (format.code !== WAVE_FORMAT_PCM) {
    const name = FORMAT_NAMES[format.code] ?? `format code ${format.code}`;
    throw new WavFormatError(`it holds ${name} audio, not 16-bit PCM. ${CONVERT_HINT}`);
  }
  if (format.bits !== 16) throw new WavFormatError(`it holds ${format.bits}-bit PCM, not 16-bit. ${CONVERT_HINT}`);
  if (format.channels < 1) throw new WavFormatError('its fmt chunk says it has no channels');
  if (format.sampleRate < 1) throw new WavFormatError('its fmt chunk gives no sample rate');
}

/** Averages interleaved channels into one. */
export function downmix(interleaved: Int16Array, channels: number): Int16Array {
  if (channels === 1) return interleaved;
  const frames = Math.floor(interleaved.length / channels);
  const out = new Int16Array(frames);
  for (let frame = 0; frame < frames; frame++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += interleaved[frame * channels + c]!;
    out[frame] = Math.round(sum / channels);
  }
  return out;
}

/** The file's audio as mono PCM16 at its own rate. Throws `WavFormatError` for anything but PCM16 WAV. */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new WavFormatError(`it is not a WAV file (no RIFF/WAVE header). ${CONVERT_HINT}`);
  }
  let format: Format | null = null;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      format = readFormat(view, body, size);
      checkPcm16(format);
    } else if (id === 'data') {
      if (!format) throw new WavFormatError('its data chunk comes before any fmt chunk');
      // A data size of 0 or past the end (a stream that was never finalized): take what is there.
      const end = size === 0 ? bytes.length : Math.min(body + size, bytes.length);
      const usable = end - body - ((end - body) % (2 * format.channels));
      const interleaved = pcm16ToInt16(bytes.subarray(body, body + usable));
      return { sampleRate: format.sampleRate, channels: format.channels, samples: downmix(interleaved, format.channels) };
    }
    at = body + size + (size % 2);
  }
  throw new WavFormatError(format ? 'it has no data chunk' : 'it has no fmt chunk');
}
