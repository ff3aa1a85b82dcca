/**
 * The server under fuzz, on 127.0.0.1:0: profile `fuzz` (scripted LLM, tone speech engine),
 * `fuzz-hearing` (the same plus Silero VAD and a scripted transcription server) and `observer`
 * (a model of its own, for the well-behaved session). Error-level log lines are kept.
 */
import { OpenAiCompatibleLlm } from '../../src/engines/llm/openai-compatible.js';
import { OpenAiTranscriptionsStt } from '../../src/engines/stt/openai-transcriptions.js';
import { createSileroVad, type SileroVadEngine } from '../../src/engines/vad/silero.js';
import type { Logger, LogFields } from '../../src/logger.js';
import { ProfileRegistry, type ModelProfile } from '../../src/profiles.js';
import { startServer, type ParleyServer } from '../../src/server.js';
import { startScriptedLlm, type ScriptedLlm } from '../support/scripted-llm.js';
import { startScriptedTranscriptions, type ScriptedTranscriptions } from '../support/scripted-transcriptions.js';
import { ToneTts } from '../support/tone-tts.js';
import { llmScript } from './llm-scripts.js';
import type { Random } from './random.js';

/** Small, so frames near the limit are cheap to make; the real default is 24 MiB. */
export const FRAME_LIMIT = 1024 * 1024;
/** MCP tools may name servers under this URL; nothing listens there, so listings fail fast. */
export const MCP_URL = 'http://127.0.0.1:9/mcp/';
const LLM_SCRIPTS = 4000;

export interface FuzzServer {
  server: ParleyServer;
  /** Error-level log lines, at most the first 100. */
  errorLogs: { msg: string; fields: LogFields }[];
  /** Forgets what the scripted engines recorded, so their logs do not count as the server's memory. */
  forgetRecordings(): void;
  stop(): Promise<void>;
}

function recordingLogger(errors: FuzzServer['errorLogs'], bound: LogFields = {}): Logger {
  const ignore = () => {};
  return {
    debug: ignore,
    info: ignore,
    warn: ignore,
    error: (msg, fields) => {
      if (errors.length < 100) errors.push({ msg, fields: { ...bound, ...fields } });
    },
    child: (fields) => recordingLogger(errors, { ...bound, ...fields }),
  };
}

const llmEngine = (llm: ScriptedLlm) => new OpenAiCompatibleLlm({ baseUrl: llm.url, model: 'scripted-model', connectTimeoutMs: 2_000, idleTimeoutMs: 2_000 });

export async function startFuzzServer(random: Random, options: { hearing: boolean }): Promise<FuzzServer> {
  const [fuzzLlm, observerLlm] = await Promise.all([startScriptedLlm(), startScriptedLlm()]);
  fuzzLlm.enqueue(...Array.from({ length: LLM_SCRIPTS }, () => llmScript(random)));
  const tts = new ToneTts();
  let vad: SileroVadEngine | null = null;
  let transcriptions: ScriptedTranscriptions | null = null;
  const base = { instructions: 'You are a test assistant.', voice: 'alloy' } as const;
  const profiles: ModelProfile[] = [
    { ...base, name: 'fuzz', llm: llmEngine(fuzzLlm), tts },
    { ...base, name: 'observer', llm: llmEngine(observerLlm) },
  ];
  if (options.hearing) {
    [vad, transcriptions] = await Promise.all([createSileroVad(), startScriptedTranscriptions()]);
    transcriptions.transcriber = () => ({ text: 'what is the weather in paris' });
    const stt = new OpenAiTranscriptionsStt({ baseUrl: transcriptions.url, model: 'whisper-1', timeoutMs: 3_000 });
    profiles.push({ ...base, name: 'fuzz-hearing', llm: llmEngine(fuzzLlm), tts, hearing: { vad, stt } });
  }
  const errorLogs: FuzzServer['errorLogs'] = [];
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    profiles: new ProfileRegistry(profiles),
    logger: recordingLogger(errorLogs),
    maxFrameBytes: FRAME_LIMIT,
    mcp: { allowedUrls: [MCP_URL], connectTimeoutMs: 500, callTimeoutMs: 500 },
  });
  return {
    server,
    errorLogs,
    forgetRecordings: () => {
      fuzzLlm.requests.length = 0;
      observerLlm.requests.length = 0;
      tts.requests.length = 0;
      if (transcriptions) transcriptions.requests.length = 0;
    },
    stop: async () => {
      await server.close();
      await Promise.all([fuzzLlm.close(), observerLlm.close(), transcriptions?.close(), vad?.close()]);
    },
  };
}
