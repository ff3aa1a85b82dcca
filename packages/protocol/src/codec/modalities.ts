/**
 * Output modalities. Canonically `audio` means audio plus its transcript and `text` means text
 * only (GA's meaning); beta and Voice Live write the first as `["text","audio"]`.
 */
import type { OutputModality } from '../model/session.js';

const EXTRAS = ['animation', 'avatar'] as const;

export function modalitiesFromWire(modalities: readonly string[]): OutputModality[] {
  const main: OutputModality = modalities.includes('audio') ? 'audio' : 'text';
  return [main, ...EXTRAS.filter((extra) => modalities.includes(extra))];
}

export function gaModalities(modalities: readonly OutputModality[]): ('audio' | 'text')[] {
  return [modalities.includes('audio') ? 'audio' : 'text'];
}

export function betaModalities(modalities: readonly OutputModality[]): ('text' | 'audio')[] {
  return modalities.includes('audio') ? ['text', 'audio'] : ['text'];
}

export function voiceLiveModalities(modalities: readonly OutputModality[]): OutputModality[] {
  return [...betaModalities(modalities), ...EXTRAS.filter((extra) => modalities.includes(extra))];
}
