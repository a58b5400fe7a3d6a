import path from 'node:path';
import { isDocumentFileName, parseDocumentFile } from './corpus/corpus.js';
import { CorpusEditError } from './corpus/corpus-edit-error.js';
import { decodeDocument, type SourceEncoding } from './corpus/document-decoding.js';
import type { CorpusSource } from './corpus-source.js';
import type { KnowledgeBase, ProgressListener, ReindexReport } from './knowledge-base.js';

/** Longest document name accepted, in characters. */
const MAX_NAME_LENGTH = 100;
/** Letters and digits of any script, then those, spaces, dots, dashes, underscores and brackets: no paths, no hidden files. */
const SAFE_NAME = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} ._()-]*$/u;

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
 * (so no rebuild reads the corpus while it changes). The corpus source makes
 * each change atomically (corpus-source.ts), and it is undone if the rebuild
 * fails, so the corpus always matches an index that was served: nothing
 * changes unless everything does.
 */
export class CorpusEditor {
  constructor(private readonly knowledgeBase: KnowledgeBase) {}

  private get source(): CorpusSource {
    return this.knowledgeBase.corpusSource;
  }

  /** Documents can be added and removed (a corpus directory that exists, or a shared corpus). */
  checkEditable(): Promise<void> {
    return this.source.checkEditable();
  }

  /** The documents, by file name, sorted as the corpus reads them. */
  documentNames(): Promise<string[]> {
    return this.source.documentNames();
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
      await this.source.checkEditable();
      const { text, encoding } = decodeDocument(bytes);
      if (parseDocumentFile(name, text).passages.length === 0) throw new CorpusEditError({ kind: 'noParagraphs' });
      let existing: string | undefined;
      const applied = await this.source.edit((names) => {
        existing = names.find((other) => other.toLowerCase() === name.toLowerCase());
        if (existing && !options.replace) throw new CorpusEditError({ kind: 'exists', name: existing });
        return { kind: 'put', document: { name, text }, ...(existing ? { replaces: existing } : {}) };
      });
      return { value: { encoding, existing, applied }, undo: () => applied.undo() };
    }, onProgress);
    await value.applied.settle?.();
    const passages = this.knowledgeBase.manifest.passages.filter((passage) => passage.document === name).length;
    return { name, encoding: value.encoding, passages, replaced: value.existing !== undefined, report };
  }

  /** Removes a document by its file name and rebuilds; the last document cannot be removed. */
  async remove(name: string, onProgress?: ProgressListener): Promise<ReindexReport> {
    const { value: applied, report } = await this.knowledgeBase.changeCorpus(async () => {
      const applied = await this.source.edit((names) => {
        if (!names.includes(name)) throw new CorpusEditError({ kind: 'unknownDocument', name });
        if (names.length === 1) throw new CorpusEditError({ kind: 'lastDocument', name });
        return { kind: 'remove', name };
      });
      return { value: applied, undo: () => applied.undo() };
    }, onProgress);
    await applied.settle?.();
    return report;
  }
}
