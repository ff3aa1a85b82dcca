/**
 * `parley talk --wav in.wav`: one spoken turn. The audio goes in as chunks of the input buffer,
 * is committed, and a response is asked for; what the server heard (the user transcript) and
 * what it answered (the reply transcript) are printed, and the reply's audio is kept for
 * `--out` and played by the speaker, if any.
 */
import { base64ToBytes, type RealtimeClient } from '@parley/client';
import { CliFailure } from '../cli-failure.js';
import { TALK_SAMPLE_RATE } from './open-session.js';
import type { Speaker } from './speaker.js';
import type { TalkIo } from './talk-io.js';

export interface SpokenTurnOptions {
  /** The events are being printed as JSON lines: print no text. */
  json: boolean;
  speaker: Speaker | null;
  /** The longest silence from the server before the reply is done, ms. */
  replyTimeoutMs: number;
}

export interface SpokenTurnResult {
  /** Null when the server did not transcribe it (the reason was shown). */
  userTranscript: string | null;
  replyTranscript: string;
  /** The reply's audio: PCM16 mono at TALK_SAMPLE_RATE, every delta in order. */
  replyAudio: Buffer;
}

/** 100 ms of 24 kHz audio per `input_audio_buffer.append`. */
const CHUNK_SAMPLES = TALK_SAMPLE_RATE / 10;
/** How long to wait after the reply for a transcript still owed. */
const TRANSCRIPT_GRACE_MS = 5_000;

export function runSpokenTurn(client: RealtimeClient, speech: Int16Array, io: TalkIo, options: SpokenTurnOptions): Promise<SpokenTurnResult> {
  return new Promise<SpokenTurnResult>((resolve, reject) => {
    const audio: Buffer[] = [];
    let itemId: string | null = null;
    let userTranscript: string | null = null;
    let userLineShown = false;
    let replyTranscript = '';
    let replyShown = '';
    let responseDone = false;
    let over = false;
    let timer: NodeJS.Timeout | undefined;
    const stopListening: (() => void)[] = [];

    const end = (outcome: { failure: Error } | { ok: true }) => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      for (const off of stopListening) off();
      if ('failure' in outcome) return reject(outcome.failure);
      resolve({ userTranscript, replyTranscript, replyAudio: Buffer.concat(audio) });
    };
    const waitAtMost = (ms: number, what: string) => {
      clearTimeout(timer);
      timer = setTimeout(() => end({ failure: new CliFailure(`No ${what} from Parley within ${ms} ms.`) }), ms);
    };
    // The reply is shown once the user's line is, so the two never interleave.
    const showReply = () => {
      if (options.json || !userLineShown) return;
      const unseen = replyTranscript.slice(replyShown.length);
      if (!unseen) return;
      io.output.write(`${replyShown ? '' : 'parley: '}${unseen}`);
      replyShown = replyTranscript;
    };
    const showUserLine = (line: string | null, problem?: string) => {
      if (userLineShown) return;
      userLineShown = true;
      if (problem) io.notice(problem);
      if (!options.json && line !== null) io.output.write(`you: ${line}\n`);
      showReply();
    };
    const settleIfDone = () => {
      if (!responseDone || !userLineShown) return;
      if (!options.json && replyShown) io.output.write('\n');
      end({ ok: true });
    };

    stopListening.push(
      client.on('*', () => {
        if (!responseDone) waitAtMost(options.replyTimeoutMs, 'reply');
      }),
      client.on('input_audio_buffer.committed', (event) => {
        itemId = event.item_id;
      }),
      client.on('conversation.item.input_audio_transcription.completed', (event) => {
        if (event.item_id !== itemId) return;
        userTranscript = event.transcript;
        showUserLine(event.transcript);
        settleIfDone();
      }),
      client.on('conversation.item.input_audio_transcription.failed', (event) => {
        if (event.item_id !== itemId) return;
        showUserLine(null, `Parley could not transcribe the audio: ${event.error.message ?? 'no reason given'}`);
        settleIfDone();
      }),
      client.on('response.output_audio_transcript.delta', (event) => {
        replyTranscript += event.delta;
        showReply();
      }),
      client.on('response.output_text.delta', (event) => {
        replyTranscript += event.delta;
        showReply();
      }),
      client.on('response.output_audio.delta', (event) => {
        const bytes = base64ToBytes(event.delta);
        audio.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        options.speaker?.write(bytes);
      }),
      client.on('response.done', (event) => {
        options.speaker?.endReply();
        const { status } = event.response;
        if (status !== 'completed') {
          const details = event.response.status_details as { error?: { message?: string }; reason?: string } | null | undefined;
          const why = details?.error?.message ?? details?.reason ?? 'no reason given';
          return end({ failure: new CliFailure(`The reply ended ${status}: ${why}.`) });
        }
        responseDone = true;
        clearTimeout(timer);
        if (!userLineShown) {
          timer = setTimeout(() => {
            showUserLine(null, `Parley sent no transcript of the audio within ${TRANSCRIPT_GRACE_MS} ms of the reply.`);
            settleIfDone();
          }, TRANSCRIPT_GRACE_MS);
        }
        settleIfDone();
      }),
      client.on('error', (event) => {
        end({ failure: new CliFailure(`Parley reported an error: ${event.error.message}${event.error.code ? ` (${event.error.code})` : ''}`) });
      }),
      client.on('state', (state) => {
        if (state.status !== 'closed') return;
        const why = state.error?.message ?? `code ${state.closeCode ?? '?'}${state.closeReason ? `: ${state.closeReason}` : ''}`;
        end({ failure: new CliFailure(`The connection to Parley closed before the reply was done (${why}).`) });
      }),
    );

    waitAtMost(options.replyTimeoutMs, 'reply');
    for (let at = 0; at < speech.length; at += CHUNK_SAMPLES) client.appendInputAudio(speech.subarray(at, at + CHUNK_SAMPLES));
    client.commitInputAudio();
    client.createResponse();
  });
}
