/**
 * A speaker on a player that only plays files (macOS afplay): each reply is gathered, written
 * to a temporary WAV once complete, and played after the ones before it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '../../audio/wav.js';
import { pcm16ToInt16 } from '../../audio/pcm.js';
import type { AudioPlayer } from './audio-players.js';
import { startPlayer, type PlayerProcess } from './player-process.js';
import { pcmDurationMs, type Speaker } from './speaker.js';

export class FileSpeaker implements Speaker {
  readonly #player: AudioPlayer;
  readonly #sampleRate: number;
  readonly #onProblem: (message: string) => void;
  readonly #dir = mkdtempSync(join(tmpdir(), 'parley-talk-'));
  #gathering: Buffer[] = [];
  #queue: { file: string; durationMs: number }[] = [];
  #playing: { process: PlayerProcess; startedAt: number; durationMs: number } | null = null;
  #failed = false;
  #files = 0;
  #drained: (() => void) | null = null;

  constructor(player: AudioPlayer, sampleRate: number, onProblem: (message: string) => void) {
    this.#player = player;
    this.#sampleRate = sampleRate;
    this.#onProblem = onProblem;
  }

  write(pcm: Uint8Array): void {
    if (!this.#failed) this.#gathering.push(Buffer.from(pcm));
  }

  endReply(): void {
    const pcm = Buffer.concat(this.#gathering);
    this.#gathering = [];
    if (this.#failed || pcm.length === 0) return;
    const file = join(this.#dir, `reply-${++this.#files}.wav`);
    writeFileSync(file, encodeWav(pcm16ToInt16(pcm), this.#sampleRate));
    this.#queue.push({ file, durationMs: pcmDurationMs(pcm.length, this.#sampleRate) });
    if (!this.#playing) this.#playNext();
  }

  stop(): number {
    // The reply being interrupted is still being gathered: none of it has played.
    const heard = this.#gathering.length > 0 || !this.#playing ? 0 : Math.min(performance.now() - this.#playing.startedAt, this.#playing.durationMs);
    this.#gathering = [];
    this.#queue = [];
    this.#playing?.process.kill();
    return heard;
  }

  async finish(): Promise<void> {
    if (this.#playing || this.#queue.length > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #playNext(): void {
    const next = this.#queue.shift();
    if (!next || this.#failed) {
      this.#playing = null;
      this.#drained?.();
      return;
    }
    const process = startPlayer(this.#player, [...this.#player.args(this.#sampleRate), next.file], (message) => {
      this.#failed = true;
      this.#onProblem(`${message}. Replies are shown as text only from now on.`);
    });
    this.#playing = { process, startedAt: performance.now(), durationMs: next.durationMs };
    void process.exited.then(() => this.#playNext());
  }
}
