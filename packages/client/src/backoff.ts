/** Reconnect timing: exponential backoff with jitter, capped, for a bounded number of attempts. */

export interface ReconnectPolicy {
  /** Attempts after one drop before giving up (the state becomes `closed`). Default 10. */
  maxAttempts: number;
  /** Delay before the first attempt, ms; doubled for each further attempt. Default 500. */
  initialDelayMs: number;
  /** Cap on the delay, ms. Default 10 000. */
  maxDelayMs: number;
  /** Source of jitter in [0, 1); `Math.random` unless a test fixes it. */
  random: () => number;
}

export const DEFAULT_RECONNECT_POLICY: Readonly<ReconnectPolicy> = {
  maxAttempts: 10,
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  random: Math.random,
};

/**
 * Delay before attempt `attempt` (1-based): half the capped exponential step for certain, the
 * other half at random ("equal jitter"), so clients dropped together do not return together
 * yet none retries at once.
 */
export function reconnectDelayMs(attempt: number, policy: ReconnectPolicy): number {
  const step = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + policy.random() * (step / 2));
}
