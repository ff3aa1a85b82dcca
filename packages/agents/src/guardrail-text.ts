/**
 * The text of each answer as it streams, and when it is due for another guardrail check: each
 * time it has grown past another `debounceTextLength` characters.
 */
export class GuardrailText {
  readonly #debounce: number;
  readonly #texts = new Map<string, { responseId: string; text: string; checks: number; checked: string | null }>();

  constructor(debounceTextLength: number) {
    this.#debounce = debounceTextLength;
  }

  /** Adds `delta` to the item's text; returns the whole text when a check is due. */
  add(responseId: string, itemId: string, delta: string): string | undefined {
    const entry = this.#texts.get(itemId) ?? { responseId, text: '', checks: 0, checked: null };
    entry.text += delta;
    this.#texts.set(itemId, entry);
    if (this.#debounce <= 0) return undefined;
    const due = Math.floor(entry.text.length / this.#debounce);
    if (due <= entry.checks) return undefined;
    entry.checks = due;
    entry.checked = entry.text;
    return entry.text;
  }

  /** Whether the finished answer `text` of the item still needs a check (the last one saw less of it). */
  needsFinalCheck(itemId: string, text: string): boolean {
    return this.#texts.get(itemId)?.checked !== text;
  }

  forget(responseId: string): void {
    for (const [itemId, entry] of this.#texts) if (entry.responseId === responseId) this.#texts.delete(itemId);
  }

  clear(): void {
    this.#texts.clear();
  }
}
