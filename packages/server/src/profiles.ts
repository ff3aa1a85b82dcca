/**
 * Model profiles: what a client gets for `?model=<name>`. A profile names its engines and
 * the defaults a new session starts with. A name that matches no profile gets the default one.
 */
import type { Voice } from '@parley/protocol';
import type { LlmEngine } from './engines/llm/index.js';
import type { HearingEngines } from './hearing/hearing.js';
import type { TtsEngine } from './engines/tts/index.js';
import type { SearchTools } from './tools/search/search-tools.js';

export interface ModelProfile {
  name: string;
  llm: LlmEngine;
  /** VAD and STT; absent or null engines mean manual commits and no transcripts. */
  hearing?: HearingEngines;
  /** The speech engine; absent, audio responses are given as text. */
  tts?: TtsEngine | null;
  /** Instructions a session starts with, before any `session.update`. */
  instructions: string;
  voice: Voice;
  /** `file_search` over the profile's documents and `web_search`, offered to the LLM in every session. */
  search?: SearchTools | null;
}

export class ProfileRegistry {
  readonly #profiles = new Map<string, ModelProfile>();
  readonly defaultProfile: ModelProfile;

  constructor(profiles: readonly ModelProfile[], defaultName?: string) {
    if (profiles.length === 0) throw new TypeError('ProfileRegistry needs at least one profile');
    for (const profile of profiles) {
      if (this.#profiles.has(profile.name)) throw new TypeError(`Duplicate model profile name '${profile.name}'`);
      this.#profiles.set(profile.name, profile);
    }
    const fallback = defaultName === undefined ? profiles[0] : this.#profiles.get(defaultName);
    if (!fallback) throw new TypeError(`Default model profile '${defaultName}' is not defined`);
    this.defaultProfile = fallback;
  }

  /** The profile called `name`, or the default one. */
  resolve(name: string | null | undefined): ModelProfile {
    return (name ? this.#profiles.get(name) : undefined) ?? this.defaultProfile;
  }

  list(): ModelProfile[] {
    return [...this.#profiles.values()];
  }
}
