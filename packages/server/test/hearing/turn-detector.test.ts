import type { TurnDetection } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { endOfTurnPolicy } from '../../src/hearing/end-of-turn-policy.js';
import { TurnDetector, type TurnSignal } from '../../src/hearing/turn-detector.js';

const FRAME_MS = 32;

/** Feeds one probability per 32 ms frame; returns every signal with the frame index it came on. */
function run(td: TurnDetection, probabilities: number[], transcriptAt: (frame: number) => string = () => '') {
  let frame = 0;
  const detector = new TurnDetector(endOfTurnPolicy(td), () => transcriptAt(frame));
  const signals: (TurnSignal & { frame: number })[] = [];
  for (; frame < probabilities.length; frame++) {
    for (const s of detector.frame(probabilities[frame]!, frame * FRAME_MS, (frame + 1) * FRAME_MS)) signals.push({ ...s, frame });
  }
  return signals;
}

const frames = (count: number, p: number) => Array<number>(count).fill(p);

describe('TurnDetector with server_vad', () => {
  const td: TurnDetection = { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 };

  it('opens a turn on the first speech frame, with the prefix padding in audio_start_ms, and ends it after silence_duration_ms', () => {
    // 1 s of silence (31.25 frames → 31), 1 s of speech, then silence.
    const signals = run(td, [...frames(31, 0.02), ...frames(31, 0.97), ...frames(40, 0.01)]);
    const speechStart = 31 * FRAME_MS; // 992
    const speechEnd = 62 * FRAME_MS; // 1984
    expect(signals.map((s) => s.type)).toEqual(['speech_detected', 'speech_started', 'speech_stopped']);
    expect(signals[1]).toMatchObject({ audio_start_ms: speechStart - 300, frame: 31 });
    const stopped = signals[2]!;
    expect(stopped).toMatchObject({ type: 'speech_stopped', audio_start_ms: speechStart - 300, audio_end_ms: speechEnd });
    // The first frame whose end is ≥ 500 ms after the speech ended.
    expect(stopped.type === 'speech_stopped' && stopped.commit_ms).toBe(speechEnd + 512);
  });

  it('clamps audio_start_ms at the start of the audio', () => {
    const signals = run(td, [...frames(3, 0.9), ...frames(20, 0)]);
    expect(signals[1]).toMatchObject({ type: 'speech_started', audio_start_ms: 0 });
  });

  it('does not end the turn on a pause shorter than silence_duration_ms', () => {
    const signals = run(td, [...frames(10, 0.9), ...frames(10, 0.1), ...frames(10, 0.9), ...frames(20, 0)]);
    expect(signals.filter((s) => s.type === 'speech_stopped')).toHaveLength(1);
    expect(signals.at(-1)).toMatchObject({ audio_end_ms: 30 * FRAME_MS });
  });

  it('keeps speech hovering just under the threshold inside the turn (hysteresis)', () => {
    const signals = run(td, [...frames(5, 0.9), ...frames(30, 0.4), ...frames(20, 0)]);
    expect(signals.at(-1)).toMatchObject({ type: 'speech_stopped', audio_end_ms: 35 * FRAME_MS });
  });

  it('needs speech_duration_ms of speech before the turn opens, so a click does not', () => {
    const vl: TurnDetection = { ...td, speech_duration_ms: 200 };
    expect(run(vl, [...frames(2, 0.9), ...frames(20, 0)])).toEqual([]);
    const signals = run(vl, [...frames(10, 0.9), ...frames(20, 0)]);
    expect(signals[1]).toMatchObject({ type: 'speech_started', frame: 6 }); // 7 frames = 224 ms ≥ 200
  });

  it('uses the threshold: quiet probabilities under it never open a turn', () => {
    expect(run({ ...td, threshold: 0.8 }, frames(50, 0.7))).toEqual([]);
    expect(run({ ...td, threshold: 0.6 }, frames(50, 0.7)).map((s) => s.type)).toEqual(['speech_detected', 'speech_started']);
  });
});

describe('TurnDetector with semantic_vad', () => {
  const speech = [...frames(20, 0.95), ...frames(300, 0.01)];
  const stopFrame = (eagerness: 'low' | 'medium' | 'high' | 'auto', transcript: string) =>
    run({ type: 'semantic_vad', eagerness }, speech, () => transcript).find((s) => s.type === 'speech_stopped')?.frame;

  it('waits longer after an unfinished sentence than after a finished one', () => {
    const finished = stopFrame('medium', 'book a table for two')!;
    const unfinished = stopFrame('medium', 'book a table for')!;
    expect((finished - 19) * FRAME_MS).toBeLessThan(1000);
    expect((unfinished - 19) * FRAME_MS).toBeGreaterThan(3000);
    expect((unfinished - 19) * FRAME_MS).toBeLessThanOrEqual(4000 + FRAME_MS);
  });

  it('orders the waits by eagerness: high < medium < low', () => {
    const wait = (e: 'low' | 'medium' | 'high') => stopFrame(e, 'i want to')!;
    expect(wait('high')).toBeLessThan(wait('medium'));
    expect(wait('medium')).toBeLessThan(wait('low'));
    expect((wait('low') - 19) * FRAME_MS).toBeGreaterThan(7500);
  });
});

describe('TurnDetector with azure_semantic_vad', () => {
  it('with remove_filler_words, an "um" alone never opens a turn and is discarded', () => {
    const td: TurnDetection = { type: 'azure_semantic_vad', remove_filler_words: true, speech_duration_ms: 80 };
    const signals = run(td, [...frames(15, 0.9), ...frames(30, 0)], () => 'um');
    expect(signals.map((s) => s.type)).toEqual(['speech_detected', 'speech_discarded']);
  });

  it('with remove_filler_words, the turn opens once a real word is heard', () => {
    const td: TurnDetection = { type: 'azure_semantic_vad', remove_filler_words: true, speech_duration_ms: 80 };
    const signals = run(td, [...frames(15, 0.9), ...frames(30, 0)], (frame) => (frame < 8 ? 'um' : 'um turn on'));
    expect(signals.map((s) => [s.type, s.frame])).toEqual([
      ['speech_detected', 2],
      ['speech_started', 8],
      ['speech_stopped', 30],
    ]);
  });

  it('with end_of_utterance_detection, an unfinished utterance gets timeout_ms more silence', () => {
    const td: TurnDetection = {
      type: 'azure_semantic_vad',
      silence_duration_ms: 500,
      end_of_utterance_detection: { model: 'semantic_detection_v1', threshold_level: 'default', timeout_ms: 1000 },
    };
    const stop = (t: string) => run(td, [...frames(10, 0.9), ...frames(100, 0)], () => t).find((s) => s.type === 'speech_stopped')!.frame;
    expect((stop('turn on the kitchen lights') - 9) * FRAME_MS).toBeLessThan(600);
    expect((stop('turn on the') - 9) * FRAME_MS).toBeGreaterThanOrEqual(1500);
  });
});
