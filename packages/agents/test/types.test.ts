/**
 * The public types, checked by the TypeScript compiler: `types/agents-types.ts` (the event map
 * against the seed's argument tuples, listener inference, tool input types) must compile
 * without a diagnostic, and a copy with one tuple made wrong must not.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkTypes, type TypeCheck } from '../../client/test/support/type-check.js';

const TYPE_TESTS = fileURLToPath(new URL('./types/agents-types.ts', import.meta.url));

let diagnostics: TypeCheck;

describe('public types', () => {
  beforeAll(() => {
    diagnostics = checkTypes(TYPE_TESTS, (text) =>
      text.replace("expectTypeOf<Events['agent_end']>().toEqualTypeOf<[Context, Agent, string]>();", "expectTypeOf<Events['agent_end']>().toEqualTypeOf<[Context, Agent]>();"),
    );
  }, 120_000);

  it('the event map has exactly the seed’s events and argument tuples, and listeners are typed by it', () => {
    expect(diagnostics.original).toEqual([]);
  });

  it('a tuple that differs from the seed is reported: agent_end without its output string', () => {
    expect(diagnostics.mutated).toHaveLength(1);
    expect(diagnostics.mutated[0]).toMatch(/agents-types\.mutated\.ts:\d+ /);
  });
});
