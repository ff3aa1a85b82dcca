/**
 * How deep a parsed JSON value nests. Parsing has no depth limit, but whatever later walks the
 * value recursively (`JSON.stringify` when an error quotes it or a tool's schema is sent on,
 * the schemas) overflows the stack somewhere past a few thousand levels: a frame that deep is
 * refused before anything else reads it. Counted with an explicit stack, so measuring cannot overflow.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether arrays and objects in `value` nest more than `limit` levels deep (the value itself is level 1). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: { node: object; depth: number }[] = [];
  if (value !== null && typeof value === 'object') pending.push({ node: value, depth: 1 });
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (next.depth > limit) return true;
    for (const child of Object.values(next.node)) {
      if (child !== null && typeof child === 'object') pending.push({ node: child as object, depth: next.depth + 1 });
    }
  }
  return false;
}
