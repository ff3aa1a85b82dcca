/** Warm-up progress as plain log lines, for a log file, a pipe or systemd: one when an engine starts loading, one when it is done. */
import type { WarmupReporter } from '../config/warmup.js';
import type { Logger } from '../logger.js';

export function warmupLog(logger: Logger): WarmupReporter {
  return {
    start(name) {
      const startedAt = performance.now();
      const elapsedMs = () => Math.round(performance.now() - startedAt);
      logger.info(`${name}: loading`);
      return {
        ready: () => logger.info(`${name}: ready in ${elapsedMs()} ms`, { warmup_ms: elapsedMs() }),
        unavailable: () => logger.warn(`${name}: unavailable after ${elapsedMs()} ms`, { warmup_ms: elapsedMs() }),
      };
    },
  };
}
