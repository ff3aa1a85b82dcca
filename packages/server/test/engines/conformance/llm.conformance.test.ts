/**
 * The LLM contract suite (llm-conformance.ts) against every LLM engine that runs here:
 * - openai-compatible, against the scripted chat-completions server (each scenario queues the
 *   answer it needs: text, a long slow stream, a tool call in pieces);
 * - llama-cpp, generating for real with node-llama-cpp on a tiny random-weight GGUF written at
 *   test time (its text is gibberish; only the contract is checked).
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { LlamaCppLlm } from '../../../src/engines/llm/llama-cpp.js';
import { OpenAiCompatibleLlm } from '../../../src/engines/llm/openai-compatible.js';
import { startScriptedLlm, type Script, type ScriptedLlm } from '../../support/scripted-llm.js';
import { writeTinyLlama } from '../../support/tiny-gguf.js';
import { describeLlmEngine, type LlmScenario } from './llm-conformance.js';

let server: ScriptedLlm;
beforeAll(async () => {
  server = await startScriptedLlm();
});
afterAll(async () => {
  await server?.close();
});

function script(scenario: LlmScenario, toolName: string | undefined): Script {
  switch (scenario) {
    case 'text':
      return { text: ['Hello', ' there', '.'], usage: { prompt_tokens: 12, completion_tokens: 3 } };
    case 'slow':
      return { text: Array.from({ length: 40 }, (_, i) => `word${i} `), delayMs: 10 };
    case 'tools':
      return { toolCalls: [{ name: toolName!, arguments: ['{"', 'on": ', 'true}'] }] };
  }
}

describeLlmEngine('openai-compatible', () => new OpenAiCompatibleLlm({ baseUrl: server.url, model: 'conformance', connectTimeoutMs: 5_000, idleTimeoutMs: 5_000 }), {
  prepare: (scenario, tools) => server.enqueue(script(scenario, tools[0]?.name)),
});

let modelPath: string | undefined;
afterAll(() => {
  if (modelPath) rmSync(dirname(modelPath), { recursive: true, force: true });
});
describeLlmEngine(
  'llama-cpp (tiny random-weight GGUF)',
  () => {
    modelPath = writeTinyLlama();
    // One thread: other test files may be running, and ggml's spinning pool degrades badly when oversubscribed.
    return new LlamaCppLlm({ modelPath, threads: 1, gpu: false });
  },
  { maxOutputTokens: 8, longOutputTokens: 200 },
);
