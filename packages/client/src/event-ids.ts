/**
 * Event ids for client events: a random stem per client plus a counter, so an `error` event's
 * `error.event_id` names exactly the event that caused it. Uniqueness within one client is all
 * that is needed, so `Math.random` serves (no `crypto`, which not every runtime has).
 */
export function createEventIds(prefix = 'event_client'): () => string {
  const stem = Math.random().toString(36).slice(2, 10).padEnd(8, '0');
  let counter = 0;
  return () => `${prefix}_${stem}${(++counter).toString(36)}`;
}
