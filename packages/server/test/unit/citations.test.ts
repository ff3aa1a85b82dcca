import { describe, expect, it } from 'vitest';
import { annotationOf, CitationFilter, type Citation } from '../../src/session/citations.js';
import { SourceList } from '../../src/tools/search/sources.js';

function sources(): SourceList {
  const list = new SourceList();
  list.number({ type: 'file', file_id: 'file_a', filename: 'refunds.md' });
  list.number({ type: 'url', url: 'https://example.org/tides', title: 'Tide tables' });
  return list;
}

/** Feeds `pieces` one by one, as an LLM streams them; gives what was passed on and the citations. */
function run(pieces: string[]): { text: string; passed: string[]; citations: { index: number; source: string }[] } {
  const citations: Citation[] = [];
  const filter = new CitationFilter(sources(), (c) => citations.push(c));
  const passed = pieces.map((p) => filter.push(p));
  passed.push(filter.flush());
  return {
    text: passed.join(''),
    passed,
    citations: citations.map((c) => ({ index: c.index, source: c.source.type === 'file' ? c.source.filename : c.source.url })),
  };
}

describe('CitationFilter', () => {
  it('takes a marker and the space before it out of the words, and records where it stood', () => {
    const r = run(['You have 30 days [1]. Tides peak at two [2].']);
    expect(r.text).toBe('You have 30 days. Tides peak at two.');
    expect(r.citations).toEqual([
      { index: 16, source: 'refunds.md' },
      { index: 35, source: 'https://example.org/tides' },
    ]);
    expect(r.text.slice(0, 16)).toBe('You have 30 days');
  });

  it('finds markers split across deltas anywhere, holding back only what may still be one', () => {
    const r = run(['You have 30 days ', '[', '1', ']', ' to return it.']);
    expect(r.text).toBe('You have 30 days to return it.');
    expect(r.citations).toEqual([{ index: 16, source: 'refunds.md' }]);
    expect(r.passed[0]).toBe('You have 30 days'); // the space waits: a marker may follow
  });

  it('reads a list of sources in one marker', () => {
    const r = run(['Both agree [1, 2].']);
    expect(r.text).toBe('Both agree.');
    expect(r.citations.map((c) => c.source)).toEqual(['refunds.md', 'https://example.org/tides']);
  });

  it('leaves text that only looks like a marker: unknown numbers, words in brackets, an unclosed bracket', () => {
    expect(run(['See note [7] and [draft].']).text).toBe('See note [7] and [draft].');
    expect(run(['Array [1', '0] here']).text).toBe('Array [10] here');
    expect(run(['Open [1']).text).toBe('Open [1');
  });

  it('passes text without brackets straight through', () => {
    const r = run(['Hello', ' there,', ' friend.']);
    expect(r.passed).toEqual(['Hello', ' there,', ' friend.', '']);
    expect(r.citations).toEqual([]);
  });
});

describe('annotationOf', () => {
  it('gives a file_citation at the point cited, and a url_citation spanning the sentence cited', () => {
    const text = 'Returns are easy. You have 30 days. Tides peak at two.';
    expect(annotationOf({ index: 34, source: { type: 'file', file_id: 'file_a', filename: 'refunds.md' } }, text)).toEqual({
      type: 'file_citation',
      index: 34,
      file_id: 'file_a',
      filename: 'refunds.md',
    });
    expect(annotationOf({ index: 53, source: { type: 'url', url: 'https://example.org/tides', title: 'Tide tables' } }, text)).toEqual({
      type: 'url_citation',
      start_index: 36,
      end_index: 53,
      url: 'https://example.org/tides',
      title: 'Tide tables',
    });
    expect(text.slice(36, 53)).toBe('Tides peak at two');
  });
});

describe('SourceList', () => {
  it('numbers sources from 1 and keeps a source its first number', () => {
    const list = new SourceList();
    expect(list.number({ type: 'file', file_id: 'f1', filename: 'a.md' })).toBe(1);
    expect(list.number({ type: 'url', url: 'https://x', title: 'X' })).toBe(2);
    expect(list.number({ type: 'file', file_id: 'f1', filename: 'a.md' })).toBe(1);
    expect(list.get(2)).toEqual({ type: 'url', url: 'https://x', title: 'X' });
    expect(list.get(3)).toBeUndefined();
  });
});
