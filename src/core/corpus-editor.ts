import { randomBytes } from 'node:crypto';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { syncDirectory, writeDurably } from './durable-files.js';
import path from 'node:path';
import { isDocumentFileName, parseDocumentFile } from './corpus/corpus.js';
import { CorpusEditError } from './corpus/corpus-edit-error.js';
import { decodeDocument, type SourceEncoding } from './corpus/document-decoding.js';
import type { KnowledgeBase, ProgressListener, ReindexReport } from './knowledge-base.js';

/** Longest document name accepted, in characters. */
const MAX_NAME_LENGTH = 100;
/** Letters and digits of any script, then those, spaces, dots, dashes, underscores and brackets: no paths, no hidden files. */
const SAFE_NAME = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} ._()-]*$/u;
/** Files the editor writes beside documents while it works; the corpus never reads them (they end in `.tmp`). */
const WORK_FILE_PREFIX = '.corpus-edit-';

export interface AddedDocument {
  name: string;
  encoding: SourceEncoding;
  /** The document's paragraphs, as the index now holds them. */
  passages: number;
  /** True when it replaced a document of the same name. */
  replaced: boolean;
  report: ReindexReport;
}

/** A document name as uploaded, if it is one the corpus can hold safely; the reason otherwise. */
export function checkDocumentName(name: string): string {
  if (!isDocumentFileName(name)) throw new CorpusEditError({ kind: 'badExtension', name });
  const safe =
    name === path.basename(name) &&
    !name.includes('\\') &&
    !name.includes('..') &&
    [...name].length <= MAX_NAME_LENGTH &&
    SAFE_NAME.test(name);
  if (!safe) throw new CorpusEditError({ kind: 'badName', name });
  return name;
}

/**
 * Adds and removes the corpus's documents and rebuilds the index after each
 * change, one change at a time, in the knowledge base's queue of rebuilds
 * (so no rebuild reads the corpus while it changes). A change is made on disk atomically (a new
 * file is written whole under a temporary name and renamed into place; an
 * old one is first renamed aside), and undone if the rebuild fails, so the
 * corpus on disk always matches an index that was served: nothing changes
 * unless everything does.
 */
export class CorpusEditor {
  constructor(
    private readonly knowledgeBase: KnowledgeBase,
    readonly corpusPath: string,
  ) {}

  /** The corpus must be a directory to take or lose documents. */
  async checkEditable(): Promise<void> {
    let info;
    try {
      info = await stat(this.corpusPath);
    } catch {
      throw new CorpusEditError({ kind: 'corpusMissing' });
    }
    if (info.isFile()) throw new CorpusEditError({ kind: 'corpusIsFile' });
    if (!info.isDirectory()) throw new CorpusEditError({ kind: 'corpusMissing' });
  }

  /** The documents on disk, by file name, sorted as the corpus reads them. */
  async documentNames(): Promise<string[]> {
    await this.checkEditable();
    const entries = await readdir(this.corpusPath, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile() && isDocumentFileName(entry.name))
      .map((entry) => entry.name)
      .sort();
  }

  /**
   * Adds a document from an upload's bytes (UTF-8, UTF-8 with BOM or
   * GB18030, stored as UTF-8) and rebuilds. A name already taken (in any
   * letter case) is refused unless `replace` is set.
   */
  async add(
    name: string,
    bytes: Uint8Array,
    options: { replace: boolean },
    onProgress?: ProgressListener,
  ): Promise<AddedDocument> {
    const { value, report } = await this.knowledgeBase.changeCorpus(async () => {
      checkDocumentName(name);
      await this.checkEditable();
      const { text, encoding } = decodeDocument(bytes);
      if (parseDocumentFile(name, text).passages.length === 0) throw new CorpusEditError({ kind: 'noParagraphs' });
      const existing = (await this.documentNames()).find((other) => other.toLowerCase() === name.toLowerCase());
      if (existing && !options.replace) throw new CorpusEditError({ kind: 'exists', name: existing });

      const target = path.join(this.corpusPath, name);
      const upload = this.workFile('upload');
      const backup = existing ? this.workFile('replaced') : undefined;
      await writeDurably(upload, text, 'wx');
      if (existing && backup) await rename(path.join(this.corpusPath, existing), backup);
      await rename(upload, target);
      await syncDirectory(this.corpusPath);
      return {
        value: { encoding, existing, backup },
        undo: async () => {
          await rm(target, { force: true });
          if (existing && backup) await rename(backup, path.join(this.corpusPath, existing));
          await syncDirectory(this.corpusPath);
        },
      };
    }, onProgress);
    if (value.backup) await rm(value.backup, { force: true });
    const passages = this.knowledgeBase.manifest.passages.filter((passage) => passage.document === name).length;
    return { name, encoding: value.encoding, passages, replaced: value.existing !== undefined, report };
  }

  /** Removes a document by its file name and rebuilds; the last document cannot be removed. */
  async remove(name: string, onProgress?: ProgressListener): Promise<ReindexReport> {
    const { value: backup, report } = await this.knowledgeBase.changeCorpus(async () => {
      const names = await this.documentNames();
      if (!names.includes(name)) throw new CorpusEditError({ kind: 'unknownDocument', name });
      if (names.length === 1) throw new CorpusEditError({ kind: 'lastDocument', name });
      const target = path.join(this.corpusPath, name);
      const backup = this.workFile('removed');
      await rename(target, backup);
      await syncDirectory(this.corpusPath);
      return {
        value: backup,
        undo: async () => {
          await rename(backup, target);
          await syncDirectory(this.corpusPath);
        },
      };
    }, onProgress);
    await rm(backup, { force: true });
    return report;
  }

  private workFile(purpose: string): string {
    return path.join(this.corpusPath, `${WORK_FILE_PREFIX}${purpose}-${randomBytes(6).toString('hex')}.tmp`);
  }
}
