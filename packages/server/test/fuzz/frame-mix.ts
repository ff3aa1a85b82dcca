/**
 * The fuzzer's diet: each step draws one kind of input by weight and yields its frames, or a
 * pause that lets running responses stream (deltas, audio, tool calls) before more input comes.
 */
import type { Dialect } from '@parley/protocol';
import { mutatedEventFrame, validEventFrame, type EventContext } from './event-frames.js';
import type { FrameKind, FuzzFrame } from './fuzz-frame.js';
import type { Random } from './random.js';
import { binaryFrameOf, nearLimitFrame, notJsonFrame, randomJsonFrame } from './raw-frames.js';
import { audioFrames, bogusReferenceFrames, responseChurnFrames, speechFrames } from './scenario-frames.js';
import type { KnownIds } from './schema-values.js';

export interface Step {
  frames: FuzzFrame[];
  pauseMs?: number;
}

const WEIGHTS: Readonly<Record<FrameKind | 'pause', number>> = {
  pause: 2,
  valid: 26,
  mutated: 32,
  audio: 10,
  response_churn: 5,
  bogus_reference: 5,
  speech: 0.3,
  random_json: 7,
  not_json: 6,
  binary: 4,
  near_limit: 0.15,
};

export interface FrameMixOptions {
  dialect: Dialect;
  random: Random;
  /** Ids the server announced on this connection; the mix adds the ones it makes up (turn ids). */
  known: KnownIds;
  /** The server's largest accepted frame, bytes. */
  frameLimit: number;
  mcpUrls: readonly string[];
  /** 24 kHz PCM16 speech to stream now and then, for a VAD to hear. */
  speech?: Buffer;
  /** Prefix of the `event_id`s the mix assigns. */
  eventIdPrefix: string;
}

export function createFrameMix(options: FrameMixOptions): () => Step {
  let sequence = 0;
  const context: EventContext = {
    dialect: options.dialect,
    random: options.random,
    known: options.known,
    mcpUrls: options.mcpUrls,
    nextEventId: () => `${options.eventIdPrefix}${sequence++}`,
  };
  const framesOf = (kind: FrameKind): FuzzFrame[] => {
    switch (kind) {
      case 'valid':
        return [validEventFrame(context)];
      case 'mutated':
        return [mutatedEventFrame(context)];
      case 'audio':
        return audioFrames(context);
      case 'response_churn':
        return responseChurnFrames(context);
      case 'bogus_reference':
        return bogusReferenceFrames(context);
      case 'speech':
        return options.speech ? speechFrames(context, options.speech) : audioFrames(context);
      case 'random_json':
        return [randomJsonFrame(context)];
      case 'not_json':
        return [notJsonFrame(context)];
      case 'binary':
        return [binaryFrameOf(context)];
      case 'near_limit':
        return [nearLimitFrame(context, options.frameLimit)];
    }
  };
  return () => {
    const kind = options.random.weighted(WEIGHTS);
    return kind === 'pause' ? { frames: [], pauseMs: options.random.int(10, 150) } : { frames: framesOf(kind) };
  };
}
