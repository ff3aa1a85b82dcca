/**
 * The built-in default language model: what the default profile runs in-process (llama.cpp)
 * when no LLM is configured. It is downloaded into the model cache on the first start that
 * needs it, and verified against the SHA-256 that Hugging Face states for the file (the
 * `X-Linked-Etag` header of its `resolve` URL), which is then recorded next to it.
 *
 * Qwen2.5-0.5B-Instruct, Q4_K_M: Apache-2.0, a few hundred megabytes, runs on any CPU at
 * conversational speed, and has a chat template node-llama-cpp knows (with tool calls).
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { defaultModelDir, PUBLISHER_SHA256 } from './download.js';

export const DEFAULT_MODEL = {
  /** File name in the model cache. */
  name: 'qwen2.5-0.5b-instruct-q4_k_m.gguf',
  title: 'Qwen2.5-0.5B-Instruct Q4_K_M',
  license: 'Apache-2.0',
  url: 'https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf',
  /** Where the file and its license are described. */
  page: 'https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF',
} as const;

/** A file by this name in the model cache is run instead of the built-in default model. */
export const DEFAULT_MODEL_ALIAS = 'default.gguf';

/**
 * The variable that replaces the default model's download URL: a mirror of the same file
 * (its server must state the SHA-256, as Hugging Face does), and what tests point at a local
 * server so that they never reach the internet.
 */
export const DEFAULT_MODEL_URL_ENV = 'PARLEY_DEFAULT_MODEL_URL';

export interface DefaultModelChoice {
  /** The GGUF file to run. */
  path: string;
  /** How to fetch it when missing; absent for `default.gguf`, which is the user's own file. */
  download?: { url: string; sha256: string };
}

/**
 * The default model for this environment: `<cache>/default.gguf` when that file exists (the
 * user's own choice), else `<cache>/qwen2.5-0.5b-instruct-q4_k_m.gguf`, downloaded from
 * `$PARLEY_DEFAULT_MODEL_URL` or Hugging Face when missing. `<cache>` is `defaultModelDir(env)`.
 */
export function defaultModel(env: NodeJS.ProcessEnv = process.env): DefaultModelChoice {
  const dir = defaultModelDir(env);
  const alias = join(dir, DEFAULT_MODEL_ALIAS);
  if (existsSync(alias)) return { path: alias };
  return { path: join(dir, DEFAULT_MODEL.name), download: { url: env[DEFAULT_MODEL_URL_ENV] || DEFAULT_MODEL.url, sha256: PUBLISHER_SHA256 } };
}

/** True when `path` is the built-in default model's file (in whatever cache directory). */
export function isDefaultModel(path: string): boolean {
  return basename(path) === DEFAULT_MODEL.name;
}
