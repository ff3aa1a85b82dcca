/**
 * The public types, checked by the TypeScript compiler: `types/client-types.ts` must compile
 * without a diagnostic, and a copy with one assertion turned false must not (so the check can
 * fail, and does when the types drift). Both files go through one program, compiled once.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkTypes, type TypeCheck } from './support/type-check.js';

const TYPE_TESTS = fileURLToPath(new URL('./types/client-types.ts', import.meta.url));

let diagnostics: TypeCheck;

describe('public types', () => {
  beforeAll(() => {
    diagnostics = checkTypes(TYPE_TESTS, (text) => text.replace('expectTypeOf(event.delta).toEqualTypeOf<string>();', 'expectTypeOf(event.delta).toEqualTypeOf<number>();'));
  }, 120_000);

  it('the type assertions hold', () => {
    expect(diagnostics.original).toEqual([]);
  });

  it('an assertion made false is reported: on("response.output_audio.delta") types delta as string, not number', () => {
    const found = diagnostics.mutated;
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/client-types\.mutated\.ts:12 /);
  });
});
