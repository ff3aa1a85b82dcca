/**
 * JSON text for fuzz frames. `RawJson` holds text spliced in verbatim, for what a JS value
 * cannot carry to `JSON.stringify`: numbers like `1e400` (Infinity once parsed), `-0`, integers
 * past 2^53, and nesting deep enough to overflow a recursive serializer.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${toJsonText(item)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `depth` levels of arrays or objects around `inner`. */
export function deeplyNested(depth: number, inner = '1', shape: 'array' | 'object' = 'array'): RawJson {
  const [open, close] = shape === 'array' ? ['[', ']'] : ['{"a":', '}'];
  return new RawJson(open.repeat(depth) + inner + close.repeat(depth));
}

/** Sets `key` on `target` as an own, enumerable property, even `__proto__`. */
export function setOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
