import { corpusFromDocuments, type DocumentFile } from './corpus/corpus.js';
import type { AppliedEdit, CorpusSource, DocumentEdit, VersionedCorpus } from './corpus-source.js';

/** Why the shared corpus took a new version. */
export type DocumentChangeReason = 'seeded' | 'added' | 'replaced' | 'removed' | 'reindexed' | 'undone';

/** A change committed as one version: documents put in (replacing those of the same name) and taken out. */
export interface DocumentChange {
  reason: DocumentChangeReason;
  /** The document the change is about, for the history. */
  document?: string;
  put: readonly DocumentFile[];
  remove: readonly string[];
}

/**
 * The documents a deployment of several processes shares, versioned: each
 * change is committed as the next version and told to every process. The
 * core knows only this interface; the bot's PostgreSQL backend implements it
 * (src/store/postgres/).
 */
export interface DocumentStore {
  /** Where it is, for messages and the manifest (a URL with its password masked). */
  readonly location: string;
  /** Every document, and the version they make. */
  read(): Promise<{ version: number; documents: DocumentFile[] }>;
  /** The documents' names. */
  names(): Promise<string[]>;
  /** Commits a change as the next version, and tells every process; returns that version. Only inside exclusively(). */
  commit(change: DocumentChange): Promise<number>;
  /** Runs work while no other process of the deployment runs such work. */
  exclusively<T>(work: () => Promise<T>): Promise<T>;
  /** Calls `listener` with the latest version whenever it may have changed; returns a function that stops. */
  follow(listener: (version: number) => void): () => void;
  close(): Promise<void>;
}

/**
 * The corpus of a deployment of several processes: its documents in a
 * shared {@link DocumentStore} rather than in CORPUS_PATH. An edit is
 * committed as a new version (and undone by another, should its rebuild
 * fail); every rebuild and every edit runs under the store's lock, so the
 * processes rebuild one after the other and a rebuild never reads an edit
 * half-made.
 */
export class SharedCorpus implements CorpusSource {
  constructor(private readonly store: DocumentStore) {}

  get location(): string {
    return this.store.location;
  }

  async read(): Promise<VersionedCorpus> {
    const { version, documents } = await this.store.read();
    return { corpus: corpusFromDocuments(this.store.location, documents), version };
  }

  async documentNames(): Promise<string[]> {
    return (await this.store.names()).sort();
  }

  /** Documents can always be added to and removed from a shared corpus. */
  async checkEditable(): Promise<void> {}

  async edit(plan: (names: readonly string[]) => DocumentEdit): Promise<AppliedEdit> {
    const before = new Map((await this.store.read()).documents.map((document) => [document.name, document]));
    const edit = plan([...before.keys()].sort());
    if (edit.kind === 'remove') {
      const removed = before.get(edit.name)!;
      await this.store.commit({ reason: 'removed', document: edit.name, put: [], remove: [edit.name] });
      return { undo: () => this.undo(edit.name, [removed], []) };
    }
    const { document, replaces } = edit;
    // A document replaced under another letter case leaves; one of the same name is overwritten.
    const leaving = replaces !== undefined && replaces !== document.name ? [replaces] : [];
    await this.store.commit({
      reason: replaces === undefined ? 'added' : 'replaced',
      document: document.name,
      put: [document],
      remove: leaving,
    });
    const restored = replaces === undefined ? [] : [before.get(replaces)!];
    return { undo: () => this.undo(document.name, restored, leaving.length > 0 || !replaces ? [document.name] : []) };
  }

  /** Puts the documents an edit changed back as they were, as a version of its own. */
  private async undo(name: string, restore: DocumentFile[], remove: string[]): Promise<void> {
    await this.store.commit({ reason: 'undone', document: name, put: restore, remove });
  }

  exclusively<T>(work: () => Promise<T>): Promise<T> {
    return this.store.exclusively(work);
  }

  async announceReindex(): Promise<void> {
    await this.store.commit({ reason: 'reindexed', put: [], remove: [] });
  }

  follow(listener: (version: number) => void): () => void {
    return this.store.follow(listener);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
