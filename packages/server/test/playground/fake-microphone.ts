/**
 * A WAV file Chromium can play as its microphone (`--use-file-for-fake-audio-capture`): Flite
 * sentences and silences in a given order, as 16 kHz mono PCM16 (reference/components.md §7).
 * Chromium loops the file, so it should end in more silence than the test lasts.
 */
import { writeFile } from 'node:fs/promises';
import { encodeWav } from '../../src/audio/wav.js';
import { concatSamples, silence, synthesizeSpeech } from '../support/speech.js';

const RATE = 16000;

export type MicrophoneScript = ({ say: string } | { silenceMs: number })[];

export async function writeFakeMicrophoneWav(path: string, script: MicrophoneScript): Promise<void> {
  const parts = await Promise.all(
    script.map(async (part) => ('say' in part ? (await synthesizeSpeech(part.say, { voice: 'slt', sampleRate: RATE })).samples : silence(part.silenceMs, RATE))),
  );
  await writeFile(path, encodeWav(concatSamples(...parts), RATE));
}
