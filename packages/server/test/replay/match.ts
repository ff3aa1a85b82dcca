/**
 * Partial structural matching for replay expectations. Objects match when every key of the
 * pattern matches (extra keys in the value are fine); arrays must have the same length and
 * match element by element; `"$name"` strings bind a variable on first use and must equal it
 * afterwards (ids that the server mints); `"$*"` matches anything that is present, and
 * `"$absent"` only a key that is not there at all (a field the dialect does not define).
 */
export type Bindings = Map<string, unknown>;

export function match(pattern: unknown, value: unknown, bindings: Bindings, path = ''): string | null {
  if (pattern === '$absent') return value === undefined ? null : `${path}: expected no such field, got ${JSON.stringify(value)}`;
  if (typeof pattern === 'string' && pattern.startsWith('$')) {
    if (value === undefined) return `${path || 'value'}: missing`;
    if (pattern === '$*') return null;
    if (!bindings.has(pattern)) {
      bindings.set(pattern, value);
      return null;
    }
    return bindings.get(pattern) === value ? null : `${path}: expected ${pattern}=${JSON.stringify(bindings.get(pattern))}, got ${JSON.stringify(value)}`;
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(value)) return `${path}: expected an array, got ${JSON.stringify(value)}`;
    if (value.length !== pattern.length) return `${path}: expected ${pattern.length} elements, got ${value.length}: ${JSON.stringify(value)}`;
    for (let i = 0; i < pattern.length; i++) {
      const miss = match(pattern[i], value[i], bindings, `${path}[${i}]`);
      if (miss) return miss;
    }
    return null;
  }
  if (pattern !== null && typeof pattern === 'object') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${path}: expected an object, got ${JSON.stringify(value)}`;
    for (const [key, sub] of Object.entries(pattern)) {
      const miss = match(sub, (value as Record<string, unknown>)[key], bindings, path ? `${path}.${key}` : key);
      if (miss) return miss;
    }
    return null;
  }
  return Object.is(pattern, value) ? null : `${path}: expected ${JSON.stringify(pattern)}, got ${JSON.stringify(value)}`;
}

/** Replaces bound `"$name"` strings in a value to send (ids the server minted earlier). */
export function substitute(value: unknown, bindings: Bindings): unknown {
  if (typeof value === 'string' && value.startsWith('$')) {
    if (!bindings.has(value)) throw new Error(`${value} is not bound yet`);
    return bindings.get(value);
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, bindings));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, bindings)]));
  }
  return value;
}
