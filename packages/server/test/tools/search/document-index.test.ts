import { mkdtempSync, mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DocumentIndex, fileIdOf, MAX_DOCUMENT_BYTES } from '../../../src/tools/search/document-index.js';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-docs-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const HANDBOOK = {
  'refunds.md': '# Refunds\n\nCustomers may return any product within 30 days for a full refund.\n\nRefunds are paid to the original card within five working days.',
  'shipping.txt': 'We ship worldwide. Standard shipping takes three to seven days; express shipping arrives the next day.',
  'policies/privacy.md': 'We never sell personal data. Customers can ask for a copy of their data at any time.',
};

describe('DocumentIndex', () => {
  it('finds the passage that answers a question, best first, with its file and a stable id', async () => {
    const index = await DocumentIndex.open(folder(HANDBOOK));
    expect(index.fileCount).toBe(3);
    const hits = await index.search('how many days do I have to get a refund', 3);
    expect(hits[0]).toMatchObject({ filename: 'refunds.md', file_id: fileIdOf('refunds.md') });
    expect(hits[0]!.text).toContain('within 30 days for a full refund');
    expect(hits[0]!.score).toBeGreaterThan(0);
    for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);

    const privacy = await index.search('personal data', 1);
    expect(privacy).toHaveLength(1);
    expect(privacy[0]!.filename).toBe('policies/privacy.md');
  });

  it('matches word prefixes and small typos, and gives nothing for words no document has', async () => {
    const index = await DocumentIndex.open(folder(HANDBOOK));
    expect((await index.search('shiping', 1))[0]?.filename).toBe('shipping.txt');
    expect((await index.search('expr', 1))[0]?.filename).toBe('shipping.txt');
    expect(await index.search('zebra quantum', 5)).toEqual([]);
    // Only common words: nothing to tell documents apart by.
    expect(await index.search('what is the', 5)).toEqual([]);
  });

  it('finds files added, edited and removed while it runs', async () => {
    const dir = folder(HANDBOOK);
    const index = await DocumentIndex.open(dir, { rescanIntervalMs: 0 });
    expect(await index.search('warranty', 5)).toEqual([]);
    writeFileSync(join(dir, 'warranty.md'), 'Every product has a two year warranty.');
    expect((await index.search('warranty', 5)).map((h) => h.filename)).toEqual(['warranty.md']);

    writeFileSync(join(dir, 'warranty.md'), 'Every product has a lifetime guarantee.');
    expect(await index.search('two year', 5)).toEqual([]);
    expect((await index.search('guarantee', 5))[0]?.text).toBe('Every product has a lifetime guarantee.');

    unlinkSync(join(dir, 'warranty.md'));
    expect(await index.search('guarantee', 5)).toEqual([]);
    expect(index.fileCount).toBe(3);
  });

  it('reads the folder again only after the rescan interval', async () => {
    const dir = folder(HANDBOOK);
    const index = await DocumentIndex.open(dir, { rescanIntervalMs: 60_000 });
    writeFileSync(join(dir, 'warranty.md'), 'Every product has a two year warranty.');
    expect(await index.search('warranty', 5)).toEqual([]);
    await index.refresh();
    expect(await index.search('warranty', 5)).toHaveLength(1);
  });

  it('leaves out hidden files, other formats and files over the size limit', async () => {
    const dir = folder({
      'notes.md': 'The office plant is a ficus.',
      '.secret.md': 'The ficus password is hunter2.',
      '.git/HEAD.md': 'ficus ref',
      'photo.png': 'ficus pixels',
      'huge.txt': `ficus ${'x '.repeat(MAX_DOCUMENT_BYTES / 2)}`,
    });
    const index = await DocumentIndex.open(dir);
    expect((await index.search('ficus', 10)).map((h) => h.filename)).toEqual(['notes.md']);
  });

  it('refuses a folder that does not exist or is a file, saying which', async () => {
    await expect(DocumentIndex.open('/nonexistent/parley-docs')).rejects.toThrow('The file_search folder /nonexistent/parley-docs cannot be read (ENOENT).');
    const dir = folder({ 'a.txt': 'x' });
    await expect(DocumentIndex.open(join(dir, 'a.txt'))).rejects.toThrow('is not a folder');
  });
});
