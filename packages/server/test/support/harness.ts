/** Starts Parley on 127.0.0.1:0 against a scripted LLM; `stop()` shuts both down. */
import { OpenAiCompatibleLlm } from '../../src/engines/llm/openai-compatible.js';
import type { HearingEngines } from '../../src/hearing/hearing.js';
import type { TtsEngine } from '../../src/engines/tts/index.js';
import { silentLogger } from '../../src/logger.js';
import { ProfileRegistry } from '../../src/profiles.js';
import { startServer, type ParleyServer, type ParleyServerOptions } from '../../src/server.js';
import { startScriptedLlm, type ScriptedLlm } from './scripted-llm.js';
import type { SearchTools } from '../../src/tools/search/search-tools.js';

export interface Harness {
  server: ParleyServer;
  llm: ScriptedLlm;
  stop(): Promise<void>;
}

export async function startHarness(options: Partial<ParleyServerOptions> & { instructions?: string; llmTimeoutMs?: number; hearing?: HearingEngines; tts?: TtsEngine; search?: SearchTools } = {}): Promise<Harness> {
  const llm = await startScriptedLlm();
  const engine = new OpenAiCompatibleLlm({
    baseUrl: llm.url,
    model: 'scripted-model',
    connectTimeoutMs: options.llmTimeoutMs ?? 5_000,
    idleTimeoutMs: options.llmTimeoutMs ?? 5_000,
  });
  const profiles =
    options.profiles ?? new ProfileRegistry([{ name: 'default', llm: engine, instructions: options.instructions ?? 'You are a test assistant.', voice: 'alloy', hearing: options.hearing, tts: options.tts, search: options.search }]);
  const server = await startServer({ logger: silentLogger, ...options, host: '127.0.0.1', port: 0, profiles });
  return {
    server,
    llm,
    stop: async () => {
      await server.close();
      await llm.close();
    },
  };
}
