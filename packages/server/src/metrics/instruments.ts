/**
 * The server's metrics, one registry per server (so several servers in one process, as in
 * tests, count apart). docs/observability.md describes each one.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { BoundedCounter } from './bounded-counter.js';
import { CLIENT_EVENT_TYPES, ERROR_CODES, RESPONSE_STATUSES, SERVER_EVENT_TYPES } from './label-values.js';

/** Seconds: a spoken answer should start within about a second of the end of speech. */
const SPEECH_TO_AUDIO_BUCKETS = [0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];
/** Seconds: a local or remote model's first token, from tens of ms to a slow cold start. */
const LLM_FIRST_TOKEN_BUCKETS = [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10];
/** Seconds: Flite answers a clause in a few ms; a remote speech server takes longer. */
const TTS_FIRST_BYTE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5];

export interface Instruments {
  sessionsActive: Gauge<'dialect' | 'profile'>;
  sessionsOpened: Counter<'dialect' | 'profile'>;
  clientEvents: BoundedCounter;
  serverEvents: BoundedCounter;
  errors: BoundedCounter;
  responses: BoundedCounter;
  speechEndToFirstAudio: Histogram<'profile'>;
  llmFirstToken: Histogram<'profile'>;
  ttsFirstByte: Histogram<'profile'>;
}

export function createInstruments(registry: Registry): Instruments {
  const registers = [registry];
  const counter = (name: string, help: string, label: string, known: ReadonlySet<string>) =>
    new BoundedCounter(new Counter({ name, help, labelNames: [label], registers }), known);
  return {
    sessionsActive: new Gauge({ name: 'parley_sessions_active', help: 'Realtime sessions open now.', labelNames: ['dialect', 'profile'], registers }),
    sessionsOpened: new Counter({ name: 'parley_sessions_total', help: 'Realtime sessions opened.', labelNames: ['dialect', 'profile'], registers }),
    clientEvents: counter('parley_client_events_total', 'Client events received, by canonical type ("invalid": frames that could not be decoded).', 'type', CLIENT_EVENT_TYPES),
    serverEvents: counter('parley_server_events_total', 'Server events sent, by canonical type.', 'type', SERVER_EVENT_TYPES),
    errors: counter('parley_errors_total', 'error events sent, by error code.', 'code', ERROR_CODES),
    responses: counter('parley_responses_total', 'Responses ended (response.done sent), by status.', 'status', RESPONSE_STATUSES),
    speechEndToFirstAudio: new Histogram({
      name: 'parley_speech_end_to_first_audio_seconds',
      help: 'From input_audio_buffer.speech_stopped to the first audio delta of the response it caused.',
      labelNames: ['profile'],
      buckets: SPEECH_TO_AUDIO_BUCKETS,
      registers,
    }),
    llmFirstToken: new Histogram({
      name: 'parley_llm_first_token_seconds',
      help: 'From asking the LLM to its first text or tool-call token, per LLM request.',
      labelNames: ['profile'],
      buckets: LLM_FIRST_TOKEN_BUCKETS,
      registers,
    }),
    ttsFirstByte: new Histogram({
      name: 'parley_tts_first_byte_seconds',
      help: 'From giving the TTS engine a clause to its first audio, per clause.',
      labelNames: ['profile'],
      buckets: TTS_FIRST_BYTE_BUCKETS,
      registers,
    }),
  };
}
