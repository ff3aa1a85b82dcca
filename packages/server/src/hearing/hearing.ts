/**
 * A session's ears: the client's input audio, decoded and resampled to 16 kHz (through RNNoise
 * at 48 kHz when noise reduction is on), scored by the VAD frame by frame, turned into turns by
 * the turn detector, and transcribed while the user speaks. Work runs in arrival order on one
 * promise chain, behind the appends (which return at once); results reach the session through
 * `HearingSink`, stamped with audio-clock times (ms of input audio since the session began) so
 * they are exact however far behind they arrive.
 */
import { newId, type AudioFormat, type InputAudioTranscription, type NoiseReduction, type TurnDetection } from '@parley/protocol';
import { createDenoiser, DENOISER_RATE } from '../audio/denoiser.js';
import { Framer } from '../audio/framer.js';
import { InputAudioDecoder } from '../audio/input-format.js';
import { concatInt16 } from '../audio/pcm.js';
import { createResampler } from '../audio/resampler.js';
import type { SttEngine } from '../engines/stt/index.js';
import type { VadDetector, VadEngine } from '../engines/vad/index.js';
import type { Logger } from '../logger.js';
import { AudioHistory } from './audio-history.js';
import { endOfTurnPolicy } from './end-of-turn-policy.js';
import { Transcription } from './transcription.js';
import { TurnDetector, type TurnSignal } from './turn-detector.js';

/** The rate the VAD and the STT engines get. */
export const HEARING_RATE = 16_000;
const SAMPLES_PER_MS = HEARING_RATE / 1000;
/** How much 16 kHz audio is kept for a turn's start: more than any sensible prefix padding plus speech duration. */
const HISTORY_MS = 5_000;

export interface HearingEngines {
  vad: VadEngine | null;
  stt: SttEngine | null;
}

export interface HearingConfig {
  format: AudioFormat;
  turn_detection: TurnDetection | null;
  transcription: InputAudioTranscription | null;
  /**
   * Noise suppression before the VAD and the STT. Every type (`near_field`, `far_field`,
   * `azure_deep_noise_suppression`) runs the same engine, RNNoise (`audio/denoiser.ts`): only
   * whether it is on matters.
   */
  noise_reduction: NoiseReduction | null;
}

export interface SpeechStarted {
  item_id: string;
  audio_start_ms: number;
}

export interface SpeechStopped extends SpeechStarted {
  audio_end_ms: number;
  /** Where the committed audio ends: the end of the silence that closed the turn. */
  commit_ms: number;
  /** The turn's transcription, still running, when one was made. */
  transcription: Transcription | null;
}

export interface HearingSink {
  speechStarted(event: SpeechStarted): void;
  speechStopped(event: SpeechStopped): void;
  /** A detected sound turned out to be only filler words: it is not a turn. */
  speechDiscarded(event: { audio_start_ms: number; audio_end_ms: number }): void;
  /** The pipeline could not process audio (an engine failed); the session reports it. Once per spell of failures. */
  failed(error: unknown): void;
}

/** One step of the path from decoded samples to 16 kHz: a resampler or the denoiser. */
interface Step {
  process(samples: Int16Array): Int16Array;
  /** Ends the stream: the held-back tail. */
  flush(): Int16Array;
  close(): void;
}

interface Stages {
  decoder: InputAudioDecoder;
  /**
   * Decoded samples → 16 kHz: one resampler; with noise reduction, a resampler to 48 kHz, the
   * denoiser, then a resampler to 16 kHz. Every step is time-aligned with exact lengths (the
   * denoiser drops RNNoise's 10 ms overlap delay), so the 16 kHz sample count, the audio clock,
   * is the same either way: noise reduction shifts no `audio_start_ms`/`audio_end_ms`. It only
   * holds audio back longer in wall time: 10–20 ms in the denoiser plus the second resampler's
   * few ms, until the next append pushes it out (or `#dropStages` flushes it).
   */
  steps: Step[];
}

interface Turn {
  item_id: string;
  transcription: Transcription | null;
}

export class Hearing {
  readonly #engines: HearingEngines;
  readonly #sink: HearingSink;
  readonly #logger: Logger;
  #config: HearingConfig;
  #chain: Promise<void> = Promise.resolve();
  #stages: Stages | null = null;
  #detector: VadDetector | null = null;
  #framer: Framer | null = null;
  #turns: TurnDetector | null = null;
  #turn: Turn | null = null;
  readonly #history = new AudioHistory(HISTORY_MS * SAMPLES_PER_MS);
  /** 16 kHz samples scored by the VAD so far: the audio clock at the next frame. */
  #framed = 0;
  #closed = false;
  /** The last task failed: an engine that keeps failing is reported once, not on every append. */
  #failing = false;

  constructor(engines: HearingEngines, config: HearingConfig, sink: HearingSink, logger: Logger) {
    this.#engines = engines;
    this.#sink = sink;
    this.#logger = logger;
    this.#config = config;
    this.#applyTurnDetection();
  }

  /** Whether turn detection is asked for but cannot run (no VAD engine). */
  get turnDetectionUnavailable(): boolean {
    return this.#config.turn_detection !== null && this.#engines.vad === null;
  }

  /** Takes a new session configuration; a format, noise-reduction or turn-detection change restarts those stages. */
  configure(config: HearingConfig): void {
    const previous = this.#config;
    this.#config = config;
    this.#enqueue(async () => {
      // The noise-reduction types share one engine: switching between them changes nothing.
      if (!sameFormat(previous.format, config.format) || denoising(previous) !== denoising(config)) this.#dropStages();
      if (JSON.stringify(previous.turn_detection) !== JSON.stringify(config.turn_detection)) this.#applyTurnDetection();
    });
  }

  /** The client's bytes, in the session's input format. Returns at once; the work is queued. */
  push(bytes: Buffer): void {
    // With no engine there is nothing to hear with: the bytes stay in the input buffer only.
    if (this.#closed || (!this.#engines.vad && !this.#engines.stt)) return;
    this.#enqueue(() => this.#process(bytes));
  }

  /** Forgets the turn in progress (the client committed or cleared the buffer itself). */
  resetTurn(): void {
    this.#enqueue(async () => {
      this.#turn?.transcription?.abort();
      this.#turn = null;
      this.#turns?.reset();
      this.#detector?.reset();
    });
  }

  /** Transcribes audio committed by hand (`input_audio_buffer.commit`), in `format`. */
  transcribe(bytes: Buffer, format: AudioFormat): Transcription | null {
    const stt = this.#engines.stt;
    if (!stt) return null;
    const abort = new AbortController();
    const transcription = new Transcription(stt.open({ signal: abort.signal, language: this.#config.transcription?.language }), abort);
    void (async () => {
      const resampler = await createResampler({ inputRate: new InputAudioDecoder(format).sampleRate, outputRate: stt.capabilities.sampleRate });
      try {
        const samples = new InputAudioDecoder(format).decode(bytes);
        transcription.write(resampler.process(samples));
        transcription.write(resampler.flush());
        transcription.end();
      } finally {
        resampler.close();
      }
    })().catch((error: unknown) => {
      this.#logger.error('could not prepare committed audio for transcription', { error: String(error) });
      transcription.abort();
    });
    return transcription;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#turn?.transcription?.abort();
    this.#turn = null;
    this.#enqueue(async () => {
      this.#dropStages();
      this.#detector?.close();
      this.#detector = null;
    });
  }

  #enqueue(task: () => Promise<void>): void {
    this.#chain = this.#chain.then(task).then(
      () => {
        this.#failing = false;
      },
      (error: unknown) => {
        if (this.#closed || this.#failing) return;
        this.#failing = true;
        this.#sink.failed(error);
      },
    );
  }

  #applyTurnDetection(): void {
    this.#turn?.transcription?.abort();
    this.#turn = null;
    const td = this.#config.turn_detection;
    const vad = this.#engines.vad;
    if (!td || !vad) {
      this.#turns = null;
      return;
    }
    let policy = endOfTurnPolicy(td);
    // Without an STT engine no words are ever heard: waiting for a non-filler word would wait forever.
    if (!this.#engines.stt) policy = { ...policy, ignoreFillers: false, semantic: false };
    this.#turns = new TurnDetector(policy, () => this.#turn?.transcription?.text ?? '');
    this.#detector ??= vad.createDetector();
    this.#detector.reset();
    this.#framer ??= new Framer(vad.capabilities.frameSamples);
  }

  /** Ends the current format's stream: the steps' held-back tail still counts on the clock. */
  #dropStages(): void {
    if (!this.#stages) return;
    let tail: Int16Array = new Int16Array(0);
    for (const step of this.#stages.steps) {
      tail = concatInt16([step.process(tail), step.flush()]);
      step.close();
    }
    this.#stages = null;
    this.#history.append(tail);
    this.#turn?.transcription?.write(tail);
  }

  async #ensureStages(): Promise<Stages> {
    if (this.#stages) return this.#stages;
    const decoder = new InputAudioDecoder(this.#config.format);
    const steps: Step[] = [];
    try {
      if (denoising(this.#config)) {
        steps.push(await createResampler({ inputRate: decoder.sampleRate, outputRate: DENOISER_RATE }));
        steps.push(await createDenoiser());
        steps.push(await createResampler({ inputRate: DENOISER_RATE, outputRate: HEARING_RATE }));
      } else {
        steps.push(await createResampler({ inputRate: decoder.sampleRate, outputRate: HEARING_RATE }));
      }
    } catch (error) {
      for (const step of steps) step.close();
      throw error;
    }
    this.#stages = { decoder, steps };
    return this.#stages;
  }

  async #process(bytes: Buffer): Promise<void> {
    if (this.#closed) return;
    const { decoder, steps } = await this.#ensureStages();
    let samples = decoder.decode(bytes);
    for (const step of steps) samples = step.process(samples);
    this.#history.append(samples);
    this.#turn?.transcription?.write(samples);
    const detector = this.#detector;
    const turns = this.#turns;
    if (!detector || !turns || !this.#framer) {
      // No turn detection: the clock still runs, so times stay right when it is switched on.
      this.#framer?.reset();
      this.#framed = this.#history.end;
      return;
    }
    for (const frame of this.#framer.push(samples)) {
      const probability = await detector.process(frame);
      const startMs = this.#framed / SAMPLES_PER_MS;
      this.#framed += frame.length;
      if (this.#closed || this.#turns !== turns) return;
      for (const signal of turns.frame(probability, startMs, this.#framed / SAMPLES_PER_MS)) this.#signal(signal);
    }
  }

  #signal(signal: TurnSignal): void {
    switch (signal.type) {
      case 'speech_detected':
        this.#turn = { item_id: newId('item'), transcription: this.#openTranscription(signal.audio_start_ms) };
        return;
      case 'speech_started':
        this.#sink.speechStarted({ item_id: this.#turn!.item_id, audio_start_ms: signal.audio_start_ms });
        return;
      case 'speech_stopped': {
        const turn = this.#turn!;
        this.#turn = null;
        turn.transcription?.end();
        this.#sink.speechStopped({ ...signal, item_id: turn.item_id, transcription: turn.transcription });
        return;
      }
      case 'speech_discarded':
        this.#turn?.transcription?.abort();
        this.#turn = null;
        this.#sink.speechDiscarded(signal);
        return;
    }
  }

  /** Starts transcribing a turn from `audioStartMs`: the LLM reads the user's words, whether or not the client asked for transcripts. */
  #openTranscription(audioStartMs: number): Transcription | null {
    const stt = this.#engines.stt;
    if (!stt) return null;
    if (stt.capabilities.sampleRate !== HEARING_RATE) {
      // Engines at other rates get whole utterances through `transcribe` after the commit.
      return null;
    }
    const abort = new AbortController();
    const transcription = new Transcription(stt.open({ signal: abort.signal, language: this.#config.transcription?.language }), abort);
    transcription.write(this.#history.since(Math.round(audioStartMs * SAMPLES_PER_MS)));
    return transcription;
  }
}

function denoising(config: HearingConfig): boolean {
  return config.noise_reduction != null;
}

function sameFormat(a: AudioFormat, b: AudioFormat): boolean {
  return a.type === b.type && (a.type !== 'audio/pcm' || a.rate === (b as typeof a).rate);
}
