/** Audio formats between the GA object form and the beta / Voice Live strings. */
import type { AudioFormat, AudioFormatPatch, PcmRate } from '../model/session.js';

type BetaFormat = 'pcm16' | 'g711_ulaw' | 'g711_alaw';
type VoiceLiveOutputFormat = BetaFormat | 'pcm16_8000hz' | 'pcm16_16000hz';

export function formatFromGa(format: { type: AudioFormat['type']; rate?: PcmRate }): AudioFormatPatch {
  return format.type === 'audio/pcm' ? { type: 'audio/pcm', rate: format.rate ?? 24000 } : { type: format.type };
}

/** `pcm16` is 24 kHz in beta; Voice Live gives the rate separately (`input_audio_sampling_rate`). */
export function formatFromString(format: VoiceLiveOutputFormat, rate?: PcmRate): AudioFormatPatch {
  switch (format) {
    case 'pcm16':
      return { type: 'audio/pcm', rate: rate ?? 24000 };
    case 'pcm16_16000hz':
      return { type: 'audio/pcm', rate: 16000 };
    case 'pcm16_8000hz':
      return { type: 'audio/pcm', rate: 8000 };
    case 'g711_ulaw':
      return { type: 'audio/pcmu' };
    case 'g711_alaw':
      return { type: 'audio/pcma' };
  }
}

export function betaFormatString(format: AudioFormat): BetaFormat {
  if (format.type === 'audio/pcmu') return 'g711_ulaw';
  if (format.type === 'audio/pcma') return 'g711_alaw';
  return 'pcm16';
}

export function voiceLiveOutputFormatString(format: AudioFormat): VoiceLiveOutputFormat {
  if (format.type !== 'audio/pcm') return betaFormatString(format);
  if (format.rate === 8000) return 'pcm16_8000hz';
  if (format.rate === 16000) return 'pcm16_16000hz';
  return 'pcm16';
}

/** G.711 is 8 kHz by definition. */
export function formatSampleRate(format: AudioFormat): PcmRate {
  return format.type === 'audio/pcm' ? format.rate : 8000;
}

/** Applies a client's (possibly partial) format to the current one. */
export function mergeAudioFormat(current: AudioFormat, patch: AudioFormatPatch | undefined): AudioFormat {
  if (!patch) return current;
  const type = patch.type ?? current.type;
  if (type !== 'audio/pcm') return { type };
  const rate = patch.rate ?? (current.type === 'audio/pcm' ? current.rate : 24000);
  return { type, rate };
}
