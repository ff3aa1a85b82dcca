import { describe, expect, it } from 'vitest';
import { SpokenAudio } from '../../src/speaking/spoken-audio.js';

function spoken(): SpokenAudio {
  const s = new SpokenAudio({ type: 'audio/pcm', rate: 24000 });
  s.appendAudio(Buffer.alloc(48 * 1000, 1)); // 1 s
  ['Hello', ' there,', ' how', ' are', ' you?'].forEach((text, i) => s.appendText({ text, startMs: i * 200, endMs: (i + 1) * 200 }));
  return s;
}

describe('SpokenAudio.truncate', () => {
  it('keeps the audio before audio_end_ms and the words heard at least half', () => {
    const s = spoken();
    const cut = s.truncate(450); // "how" is 400–600: a quarter heard
    expect(cut).toMatchObject({ audioEndMs: 450, transcript: 'Hello there,' });
    expect(cut.audio.length).toBe(450 * 48);
    expect(s.durationMs).toBe(450);
  });

  it('clamps audio_end_ms past the audio sent, and below zero', () => {
    expect(spoken().truncate(5000)).toMatchObject({ audioEndMs: 1000, transcript: 'Hello there, how are you?' });
    expect(spoken().truncate(-3)).toMatchObject({ audioEndMs: 0, transcript: '' });
  });

  it('never splits a PCM16 sample', () => {
    expect(spoken().truncate(10.01).audio.length % 2).toBe(0);
  });

  it('cuts G.711 at byte precision', () => {
    const s = new SpokenAudio({ type: 'audio/pcmu' });
    s.appendAudio(Buffer.alloc(800));
    expect(s.truncate(33.3).audio.length).toBe(266);
  });
});
