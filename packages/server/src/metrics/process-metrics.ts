/**
 * The process's own metrics — resident memory, CPU seconds, event-loop lag, heap, GC — from
 * prom-client's default collectors. They describe the process, not one server, and their
 * collectors (an event-loop delay monitor, a GC observer) live as long as the process: so there
 * is one registry of them per process, made on first use and shown by every server's /metrics.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | null = null;

export function processMetrics(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}
