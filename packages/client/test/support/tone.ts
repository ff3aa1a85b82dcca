/** Test audio made in the test: a sine tone as PCM16 bytes, through the client's own converter. */
import { float32ToPcm16 } from '@parley/client';

export function tonePcm16(ms: number, sampleRate = 24000, frequencyHz = 440, amplitude = 0.3): Uint8Array {
  const samples = new Float32Array(Math.round((ms * sampleRate) / 1000));
  for (let i = 0; i < samples.length; i++) samples[i] = amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / sampleRate);
  return float32ToPcm16(samples);
}
