/** One model profile as `parley models` shows it, from a running server or from the configuration. */
import type { ParleyConfig } from '../../config/load.js';
import { llmChainLabel, sttLabel, ttsLabel } from '../../config/engine-labels.js';

export interface ProfileRow {
  name: string;
  default: boolean;
  llm: string;
  stt: string;
  tts: string;
  voice: string;
}

export function rowsFromConfig(config: ParleyConfig): ProfileRow[] {
  return config.profiles.map((p) => ({
    name: p.name,
    default: p.name === config.defaultProfile,
    llm: llmChainLabel(p.llm),
    stt: sttLabel(p.stt),
    tts: ttsLabel(p.tts),
    voice: p.voice,
  }));
}

interface ListedModel {
  id?: unknown;
  llm?: unknown;
  stt?: unknown;
  tts?: unknown;
  voice?: unknown;
  default?: unknown;
}

const shown = (value: unknown) => (typeof value === 'string' ? value : value === undefined || value === null ? '?' : JSON.stringify(value));

/** The body of `GET /v1/models`; null when it is not a model list. A server that names no default has its first profile as default. */
export function rowsFromModelList(body: unknown): ProfileRow[] | null {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return null;
  const models = data as ListedModel[];
  const named = models.some((m) => m.default === true);
  return models.map((m, i) => ({
    name: shown(m.id),
    default: named ? m.default === true : i === 0,
    llm: shown(m.llm),
    stt: shown(m.stt),
    tts: shown(m.tts),
    voice: shown(m.voice),
  }));
}
