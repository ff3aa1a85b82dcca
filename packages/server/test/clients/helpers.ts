/** Small helpers shared by the real-client tests. */

/** Resolves once `check()` returns a value other than undefined/false; rejects after `timeoutMs` with `what`. */
export async function eventually<T>(what: string, check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Gives in-flight frames a moment to arrive, so a test can check that nothing more came. */
export const settle = (ms = 100) => new Promise((resolve) => setTimeout(resolve, ms));

/** The event types in `types` that are not wire names of the connection's own dialect. */
export function foreignNames(types: readonly string[], ownNames: ReadonlySet<string>): string[] {
  return [...new Set(types.filter((type) => !ownNames.has(type)))];
}

/** Names used only by the beta and Voice Live dialects: a GA client must never see one. */
export const BETA_ONLY_NAMES = [
  'conversation.item.created',
  'conversation.created',
  'response.text.delta',
  'response.text.done',
  'response.audio.delta',
  'response.audio.done',
  'response.audio_transcript.delta',
  'response.audio_transcript.done',
];

/** GA-only names: a beta or Voice Live client must never see one. */
export const GA_ONLY_NAMES = [
  'conversation.item.added',
  'conversation.item.done',
  'response.output_text.delta',
  'response.output_text.done',
  'response.output_audio.delta',
  'response.output_audio.done',
  'response.output_audio_transcript.delta',
  'response.output_audio_transcript.done',
];
