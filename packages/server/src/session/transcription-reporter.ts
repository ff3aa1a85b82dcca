/**
 * Turns a user item's transcription into protocol events: `…input_audio_transcription.delta`
 * as words become stable, then `.completed` (GA/beta `usage`, Voice Live `phrases`) with the
 * transcript written onto the item, or `.failed` when the engine failed. The session goes on
 * either way.
 */
import { isParleyError, ParleyError, type MessageItem, type ServerEventInit, type TranscriptionPhrase, type TranscriptionUsage } from '@parley/protocol';
import type { SttFinal } from '../engines/stt/index.js';
import type { Transcription } from '../hearing/transcription.js';
import { withoutFillerWords } from '../hearing/utterance-completeness.js';
import type { Logger } from '../logger.js';

export interface TranscriptionReport {
  item: MessageItem;
  /** Audio-clock ms of the item's first sample: word offsets are reported on that clock. */
  audioStartMs: number;
  removeFillerWords: boolean;
  /** Whether the client asked for transcripts (`transcription` set); if not, the transcript only feeds the LLM. */
  events: boolean;
  language: string | undefined;
  emit(event: ServerEventInit): void;
  /** Called once when the transcript is final or has failed. */
  onSettled(): void;
  logger: Logger;
}

/** Estimated audio tokens per second of speech (the hosted transcription models bill about this many). */
const AUDIO_TOKENS_PER_S = 10;

export function reportTranscription(transcription: Transcription, report: TranscriptionReport): void {
  const { item } = report;
  const emit = (event: ServerEventInit) => {
    if (report.events) report.emit(event);
  };
  const clean = (text: string) => (report.removeFillerWords ? withoutFillerWords(text) : text);
  const base = { item_id: item.id, content_index: 0 };
  transcription.follow({
    event(event) {
      const cleaned = clean(event.delta);
      // Cleaning trims; the space that joins this delta to the previous one must stay.
      const delta = cleaned && cleaned !== event.delta && event.delta.startsWith(' ') ? ` ${cleaned}` : cleaned;
      if (delta) emit({ type: 'conversation.item.input_audio_transcription.delta', ...base, delta });
      if (event.type !== 'final') return;
      const transcript = clean(event.text);
      const part = item.content[0];
      if (part?.type === 'input_audio') part.transcript = transcript;
      emit({
        type: 'conversation.item.input_audio_transcription.completed',
        ...base,
        transcript,
        usage: usageOf(event, transcript),
        phrases: phrasesOf(event, transcript, report),
      });
      report.onSettled();
    },
    error(error) {
      const failure = isParleyError(error)
        ? error
        : new ParleyError('engine_stream_error', `Transcription failed: ${error instanceof Error ? error.message : String(error)}`);
      report.logger.warn('transcription failed', { item_id: item.id, error: failure.message });
      const { type, code, message, param } = failure.toWire(null);
      emit({ type: 'conversation.item.input_audio_transcription.failed', ...base, error: { type, code, message, param } });
      report.onSettled();
    },
  });
}

function usageOf(final: SttFinal, transcript: string): TranscriptionUsage {
  const audio_tokens = Math.ceil((final.audioMs / 1000) * AUDIO_TOKENS_PER_S);
  const output_tokens = Math.ceil(transcript.length / 4);
  return {
    type: 'tokens',
    input_tokens: audio_tokens,
    output_tokens,
    total_tokens: audio_tokens + output_tokens,
    input_token_details: { text_tokens: 0, audio_tokens },
  };
}

function phrasesOf(final: SttFinal, transcript: string, report: TranscriptionReport): TranscriptionPhrase[] {
  if (!transcript) return [];
  const words = (final.words ?? []).filter((w) => !report.removeFillerWords || withoutFillerWords(w.text) !== '');
  const offset = Math.round(report.audioStartMs);
  const first = words[0];
  const last = words.at(-1);
  return [
    {
      offset_milliseconds: offset + (first ? Math.round(first.startMs) : 0),
      duration_milliseconds: first && last ? Math.round(last.endMs - first.startMs) : Math.round(final.audioMs),
      text: transcript,
      words: words.map((w) => ({
        text: w.text,
        offset_milliseconds: offset + Math.round(w.startMs),
        duration_milliseconds: Math.round(w.endMs - w.startMs),
      })),
      ...(report.language ? { locale: report.language } : {}),
      ...(final.confidence !== undefined ? { confidence: final.confidence } : {}),
    },
  ];
}
