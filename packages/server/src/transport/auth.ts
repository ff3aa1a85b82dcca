/**
 * Which API keys may open a session. With no keys configured every key (and none) is
 * accepted — the server says so at start-up. Keys are compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export class ApiKeyPolicy {
  readonly #digests: Buffer[] | null;

  constructor(keys: readonly string[] | null) {
    const usable = keys?.map((k) => k.trim()).filter(Boolean) ?? [];
    this.#digests = usable.length > 0 ? usable.map(digest) : null;
  }

  /** True when any key is accepted. */
  get open(): boolean {
    return this.#digests === null;
  }

  accepts(key: string | null): boolean {
    if (this.#digests === null) return true;
    if (!key) return false;
    const candidate = digest(key);
    let match = false;
    // Compare against every key so the time taken does not reveal which one matched.
    for (const known of this.#digests) match = timingSafeEqual(candidate, known) || match;
    return match;
  }
}
