/** docs/errors.md documents every code of the error registry, and only those, with the registry's type and retry flag. */
import { readFileSync } from 'node:fs';
import { ERRORS, type ErrorCode } from '@parley/protocol';
import { describe, expect, it } from 'vitest';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

interface Row {
  type: string;
  retry: string;
  when: string;
  todo: string;
}

/** Table rows whose first cell is a `code`. */
function documentedRows(markdown: string): Map<string, Row> {
  const rows = new Map<string, Row>();
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // A row `| a | b | … |` splits into ['', a, b, …, ''].
    const code = /^`([a-z0-9_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!code) continue;
    expect(rows.has(code), `'${code}' is documented twice`).toBe(false);
    rows.set(code, {
      type: (cells[2] ?? '').replace(/`/g, ''),
      retry: cells[3] ?? '',
      when: cells[4] ?? '',
      todo: cells[5] ?? '',
    });
  }
  return rows;
}

const rows = documentedRows(doc);
const codes = Object.keys(ERRORS) as ErrorCode[];

describe('docs/errors.md', () => {
  it('has a row for every registry code', () => {
    expect(codes.filter((code) => !rows.has(code))).toEqual([]);
  });

  it('has no row for a code the registry does not have', () => {
    expect([...rows.keys()].filter((code) => !(code in ERRORS))).toEqual([]);
  });

  it.each(codes)('documents %s with its wire type, retry flag, when it is sent and what to do', (code) => {
    const row = rows.get(code);
    expect(row, `${code} is not documented`).toBeDefined();
    if (!row) return;
    expect(row.type).toBe(ERRORS[code].type);
    expect(row.retry).toBe(ERRORS[code].retryable ? 'yes' : 'no');
    expect(row.when.length).toBeGreaterThan(20);
    expect(row.todo.length).toBeGreaterThan(10);
  });
});
