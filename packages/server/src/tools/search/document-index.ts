/**
 * The documents of a profile's `file_search` folder, searchable by words: each text file is cut
 * into passages (passages.ts) and indexed with MiniSearch (BM25 ranking, prefix and fuzzy
 * matching, in memory). The folder is read again when a search finds it changed — at most once
 * per RESCAN_INTERVAL_MS — so documents added, edited or removed while the server runs are
 * found without a restart; only the files that changed are read again.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import MiniSearch from 'minisearch';
import type { Logger } from '../../logger.js';
import { splitPassages } from './passages.js';

/** The files indexed: plain text and Markdown-like formats, read as UTF-8. */
export const DOCUMENT_EXTENSIONS = ['.txt', '.text', '.md', '.markdown', '.rst', '.csv', '.json', '.yaml', '.yml'];
/** Larger files are skipped (and logged): a knowledge base is many small files, not one dump. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
/** How stale the index may be before a search looks at the folder again, in ms. */
export const RESCAN_INTERVAL_MS = 2_000;

export interface DocumentHit {
  /** Stable for a path: `file_` and a hash of the path within the folder. */
  file_id: string;
  /** The path within the folder, with `/` separators. */
  filename: string;
  /** BM25 relevance; higher is better, comparable only within one search. */
  score: number;
  /** The passage that matched. */
  text: string;
}

interface Passage {
  id: string;
  file_id: string;
  filename: string;
  text: string;
}

interface IndexedFile {
  mtimeMs: number;
  size: number;
  passageIds: string[];
}

/** Words too common to tell documents apart; left out of the index and of queries. */
const STOP_WORDS = new Set(
  'a an and are as at be by can do does for from has have how i in is it its me my of on or our so that the their there this to was we what when where which who why will with you your'.split(' '),
);

function processTerm(term: string): string | null {
  const word = term.toLowerCase();
  return STOP_WORDS.has(word) ? null : word;
}

export function fileIdOf(filename: string): string {
  return `file_${createHash('sha256').update(filename).digest('hex').slice(0, 24)}`;
}

export interface DocumentIndexOptions {
  logger?: Logger;
  /** Overrides RESCAN_INTERVAL_MS (tests). */
  rescanIntervalMs?: number;
}

export class DocumentIndex {
  readonly folder: string;
  readonly #logger: Logger | undefined;
  readonly #rescanIntervalMs: number;
  readonly #files = new Map<string, IndexedFile>();
  readonly #search = new MiniSearch<Passage>({
    fields: ['text', 'filename'],
    storeFields: ['file_id', 'filename', 'text'],
    processTerm,
    searchOptions: { boost: { filename: 2 }, prefix: true, fuzzy: 0.2, combineWith: 'OR' },
  });
  #scannedAt = 0;
  #scanning: Promise<void> | null = null;

  private constructor(folder: string, options: DocumentIndexOptions) {
    this.folder = folder;
    this.#logger = options.logger;
    this.#rescanIntervalMs = options.rescanIntervalMs ?? RESCAN_INTERVAL_MS;
  }

  /** Indexes the folder; fails when it is not a readable folder. */
  static async open(folder: string, options: DocumentIndexOptions = {}): Promise<DocumentIndex> {
    const info = await stat(folder).catch((err: NodeJS.ErrnoException) => {
      throw new Error(`The file_search folder ${folder} cannot be read (${err.code ?? err.message}).`);
    });
    if (!info.isDirectory()) throw new Error(`The file_search folder ${folder} is not a folder.`);
    const index = new DocumentIndex(folder, options);
    await index.refresh();
    return index;
  }

  get fileCount(): number {
    return this.#files.size;
  }

  get passageCount(): number {
    return this.#search.documentCount;
  }

  /** The best `limit` passages for `query`, best first; reads the folder again first if it may have changed. */
  async search(query: string, limit: number): Promise<DocumentHit[]> {
    if (Date.now() - this.#scannedAt >= this.#rescanIntervalMs) await this.refresh();
    return this.#search
      .search(query)
      .slice(0, limit)
      .map((hit) => ({ file_id: hit.file_id as string, filename: hit.filename as string, score: Math.round(hit.score * 1000) / 1000, text: hit.text as string }));
  }

  /** Brings the index in line with the folder: new and changed files are read, removed ones dropped. */
  refresh(): Promise<void> {
    this.#scanning ??= this.#scan().finally(() => {
      this.#scannedAt = Date.now();
      this.#scanning = null;
    });
    return this.#scanning;
  }

  async #scan(): Promise<void> {
    const seen = new Set<string>();
    for (const path of await this.#listFiles(this.folder)) {
      const filename = relative(this.folder, path).split(sep).join('/');
      seen.add(filename);
      let info;
      try {
        info = await stat(path);
      } catch {
        continue; // removed while listing
      }
      const known = this.#files.get(filename);
      if (known && known.mtimeMs === info.mtimeMs && known.size === info.size) continue;
      if (known) this.#remove(filename, known);
      if (info.size > MAX_DOCUMENT_BYTES) {
        this.#logger?.warn(`file_search: ${path} is skipped: ${info.size} bytes is over the ${MAX_DOCUMENT_BYTES}-byte limit`);
        continue;
      }
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        this.#logger?.warn(`file_search: ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
        continue;
      }
      const file_id = fileIdOf(filename);
      const passages = splitPassages(text).map((passage, n) => ({ id: `${file_id}:${n}`, file_id, filename, text: passage }));
      this.#search.addAll(passages);
      this.#files.set(filename, { mtimeMs: info.mtimeMs, size: info.size, passageIds: passages.map((p) => p.id) });
    }
    for (const [filename, file] of this.#files) if (!seen.has(filename)) this.#remove(filename, file);
  }

  #remove(filename: string, file: IndexedFile): void {
    for (const id of file.passageIds) this.#search.discard(id);
    this.#files.delete(filename);
  }

  /** Document files under `dir`, hidden files and folders left out. */
  async #listFiles(dir: string): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      this.#logger?.warn(`file_search: ${dir} cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      return [];
    }
    const files: string[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) files.push(...(await this.#listFiles(path)));
      else if (entry.isFile() && DOCUMENT_EXTENSIONS.includes(extname(entry.name).toLowerCase())) files.push(path);
    }
    return files.sort();
  }
}
