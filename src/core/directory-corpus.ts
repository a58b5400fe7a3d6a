import { randomBytes } from 'node:crypto';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { isDocumentFileName, loadCorpus } from './corpus/corpus.js';
import { CorpusEditError } from './corpus/corpus-edit-error.js';
import type { AppliedEdit, CorpusSource, DocumentEdit, VersionedCorpus } from './corpus-source.js';
import { syncDirectory, writeDurably } from './durable-files.js';

/** Files written beside documents while an edit is made; the corpus never reads them (they end in `.tmp`). */
const WORK_FILE_PREFIX = '.corpus-edit-';

/**
 * The corpus in CORPUS_PATH, this process's own: a `.txt`/`.md` file, or a
 * directory of them, which edits change atomically (a new file is written
 * whole under a temporary name and renamed into place; an old one is first
 * renamed aside, and dropped once the rebuild after the edit stands).
 */
export class DirectoryCorpus implements CorpusSource {
  constructor(readonly location: string) {}

  async read(): Promise<VersionedCorpus> {
    return { corpus: await loadCorpus(this.location), version: undefined };
  }

  /** The corpus must be a directory to take or lose documents. */
  async checkEditable(): Promise<void> {
    let info;
    try {
      info = await stat(this.location);
    } catch {
      throw new CorpusEditError({ kind: 'corpusMissing' });
    }
    if (info.isFile()) throw new CorpusEditError({ kind: 'corpusIsFile' });
    if (!info.isDirectory()) throw new CorpusEditError({ kind: 'corpusMissing' });
  }

  async documentNames(): Promise<string[]> {
    await this.checkEditable();
    const entries = await readdir(this.location, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile() && isDocumentFileName(entry.name))
      .map((entry) => entry.name)
      .sort();
  }

  async edit(plan: (names: readonly string[]) => DocumentEdit): Promise<AppliedEdit> {
    const edit = plan(await this.documentNames());
    return edit.kind === 'put'
      ? this.put(edit.document.name, edit.document.text, edit.replaces)
      : this.remove(edit.name);
  }

  private async put(name: string, text: string, replaces: string | undefined): Promise<AppliedEdit> {
    const target = path.join(this.location, name);
    const upload = this.workFile('upload');
    const backup = replaces ? this.workFile('replaced') : undefined;
    await writeDurably(upload, text, 'wx');
    if (replaces && backup) await rename(path.join(this.location, replaces), backup);
    await rename(upload, target);
    await syncDirectory(this.location);
    return {
      undo: async () => {
        await rm(target, { force: true });
        if (replaces && backup) await rename(backup, path.join(this.location, replaces));
        await syncDirectory(this.location);
      },
      settle: async () => {
        if (backup) await rm(backup, { force: true });
      },
    };
  }

  private async remove(name: string): Promise<AppliedEdit> {
    const target = path.join(this.location, name);
    const backup = this.workFile('removed');
    await rename(target, backup);
    await syncDirectory(this.location);
    return {
      undo: async () => {
        await rename(backup, target);
        await syncDirectory(this.location);
      },
      settle: () => rm(backup, { force: true }),
    };
  }

  private workFile(purpose: string): string {
    return path.join(this.location, `${WORK_FILE_PREFIX}${purpose}-${randomBytes(6).toString('hex')}.tmp`);
  }
}
