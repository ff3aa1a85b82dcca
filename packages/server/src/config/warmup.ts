/**
 * Follows the engines as they load and warm up before the server takes sessions, for a
 * progress display: each engine is one task that ends ready or unavailable.
 */
import type { ProgressBarOptions } from '../models/progress-bar.js';

export interface WarmupTask {
  /** Where a download's progress bar for this engine draws, when the reporter shows one in place. */
  readonly progressStream?: ProgressBarOptions['stream'];
  ready(): void;
  /** It could not be loaded (the log says why); the server starts without it. */
  unavailable(): void;
}

export interface WarmupReporter {
  /** `name` starts loading, e.g. "speech recognition pocketsphinx". */
  start(name: string): WarmupTask;
}

export const silentWarmup: WarmupReporter = {
  start: () => ({ ready: () => {}, unavailable: () => {} }),
};
