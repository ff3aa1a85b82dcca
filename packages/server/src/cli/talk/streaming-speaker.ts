/**
 * A speaker on a player that reads PCM from stdin: one process plays every reply as it streams;
 * a barge-in kills it, and the next reply starts a new one. What was heard is estimated from the
 * wall clock: audio plays in real time from when it was written (or from when what was written
 * before it ends), and no further than what was written.
 */
import type { AudioPlayer } from './audio-players.js';
import { startPlayer, type PlayerProcess } from './player-process.js';
import { pcmDurationMs, type Speaker } from './speaker.js';

/** How long `finish` waits past the end of the audio for the player to exit. */
const EXIT_GRACE_MS = 2000;

export class StreamingSpeaker implements Speaker {
  readonly #player: AudioPlayer;
  readonly #sampleRate: number;
  readonly #onProblem: (message: string) => void;
  #process: PlayerProcess | null = null;
  #failed = false;
  /** When everything written so far will have played (performance.now() time). */
  #playedOutAt = 0;
  #reply: { startsAt: number; bytes: number } | null = null;

  constructor(player: AudioPlayer, sampleRate: number, onProblem: (message: string) => void) {
    this.#player = player;
    this.#sampleRate = sampleRate;
    this.#onProblem = onProblem;
  }

  write(pcm: Uint8Array): void {
    if (this.#failed || pcm.length === 0) return;
    this.#process ??= startPlayer(this.#player, this.#player.args(this.#sampleRate), (message) => this.#fail(message));
    const now = performance.now();
    const startsAt = Math.max(now, this.#playedOutAt);
    this.#reply ??= { startsAt, bytes: 0 };
    this.#reply.bytes += pcm.length;
    this.#playedOutAt = startsAt + pcmDurationMs(pcm.length, this.#sampleRate);
    this.#process.stdin?.write(pcm);
  }

  endReply(): void {
    this.#reply = null;
  }

  stop(): number {
    const now = performance.now();
    const reply = this.#reply;
    const heard = reply ? Math.min(Math.max(0, now - reply.startsAt), pcmDurationMs(reply.bytes, this.#sampleRate)) : 0;
    this.#process?.kill();
    this.#process = null;
    this.#reply = null;
    this.#playedOutAt = now;
    return heard;
  }

  async finish(): Promise<void> {
    const process = this.#process;
    if (!process) return;
    this.#process = null;
    process.stdin?.end();
    const waitMs = Math.max(0, this.#playedOutAt - performance.now()) + EXIT_GRACE_MS;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), waitMs)));
    if ((await Promise.race([process.exited, late])) === 'late') process.kill();
    clearTimeout(timer);
  }

  #fail(message: string): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#process = null;
    this.#onProblem(`${message}. Replies are shown as text only from now on.`);
  }
}
