/**
 * Plays the replies through a local audio player, and knows how much of the current reply has
 * been heard: a barge-in stops it there and the conversation keeps only that much.
 */
import type { AudioPlayer } from './audio-players.js';
import { FileSpeaker } from './file-speaker.js';
import { StreamingSpeaker } from './streaming-speaker.js';

export interface Speaker {
  /** More of the current reply: PCM16 mono at the speaker's rate. */
  write(pcm: Uint8Array): void;
  /** The current reply's audio is complete. */
  endReply(): void;
  /** Stops playing at once (barge-in); returns how much of the current reply was heard, ms. */
  stop(): number;
  /** Waits until everything written has been played, then lets the player go. */
  finish(): Promise<void>;
}

/** `onProblem` hears once that the player failed; replies are then text only. */
export function createSpeaker(player: AudioPlayer, sampleRate: number, onProblem: (message: string) => void): Speaker {
  return player.input === 'stdin' ? new StreamingSpeaker(player, sampleRate, onProblem) : new FileSpeaker(player, sampleRate, onProblem);
}

export function pcmDurationMs(bytes: number, sampleRate: number): number {
  return (bytes / 2 / sampleRate) * 1000;
}
