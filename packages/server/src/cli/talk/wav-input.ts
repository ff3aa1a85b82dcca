/** `parley talk --wav`: the file's speech as the session's input, 24 kHz mono PCM16. */
import { readFile } from 'node:fs/promises';
import { decodeWav, WavFormatError } from '../../audio/wav-decode.js';
import { resample } from '../../audio/resampler.js';
import { CliFailure } from '../cli-failure.js';
import { TALK_SAMPLE_RATE } from './open-session.js';

export async function readWavInput(path: string): Promise<Int16Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliFailure(`Cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}.`);
  }
  let decoded;
  try {
    decoded = decodeWav(bytes);
  } catch (error) {
    if (error instanceof WavFormatError) throw new CliFailure(`${path} cannot be sent: ${error.message}`);
    throw error;
  }
  if (decoded.samples.length === 0) throw new CliFailure(`${path} holds no audio.`);
  try {
    return await resample(decoded.samples, decoded.sampleRate, TALK_SAMPLE_RATE);
  } catch (error) {
    throw new CliFailure(`${path} cannot be resampled from ${decoded.sampleRate} Hz: ${error instanceof Error ? error.message : String(error)}`);
  }
}
