import type { Corpus, DocumentFile } from './corpus/corpus.js';

export type { DocumentFile } from './corpus/corpus.js';

/**
 * A change of the corpus, as the corpus editor decides it from the documents
 * there are: a document put in (replacing `replaces`, an existing document of
 * the same name in another letter case, or the same name), or one taken out.
 */
export type DocumentEdit =
  { kind: 'put'; document: DocumentFile; replaces?: string } | { kind: 'remove'; name: string };

/** An edit made: how to undo it (its rebuild failed), and what to tidy once it stands. */
export interface AppliedEdit {
  undo(): Promise<void>;
  /** Called once the rebuild after the edit succeeded (a directory drops the old file it kept aside). */
  settle?(): Promise<void>;
}

/** The documents as read, with the version they make when the corpus is shared (undefined otherwise). */
export interface VersionedCorpus {
  corpus: Corpus;
  version: number | undefined;
}

/**
 * Where the corpus's documents live, as the knowledge base and the corpus
 * editor see it: a directory on this machine (directory-corpus.ts, the
 * default) or a store every process of a deployment shares
 * (shared-corpus.ts). Nothing here says which database, if any.
 */
export interface CorpusSource {
  /** Where the documents are, for the manifest and for messages (a database's URL with its password masked). */
  readonly location: string;
  /** Reads every document as it is now. */
  read(): Promise<VersionedCorpus>;
  /** The documents' file names, sorted. A CorpusEditError when the corpus cannot be edited. */
  documentNames(): Promise<string[]>;
  /** A CorpusEditError when documents cannot be added or removed (CORPUS_PATH a single file, or missing). */
  checkEditable(): Promise<void>;
  /**
   * Makes the edit that `plan` decides, given the documents' names now (it
   * throws a CorpusEditError to refuse). Runs inside {@link exclusively}.
   */
  edit(plan: (names: readonly string[]) => DocumentEdit): Promise<AppliedEdit>;
  /**
   * Runs a rebuild (or a change and its rebuild) while no other process of
   * the deployment runs one. Without it, a task runs at once, in the
   * caller's turn.
   */
  exclusively?<T>(work: () => Promise<T>): Promise<T>;
  /** Tells every process of the deployment that this one rebuilds from the documents as they are (a /reindex). */
  announceReindex?(): Promise<void>;
  /**
   * Calls `listener` with the shared corpus's latest version whenever it
   * may have changed (a change committed by any process, and regularly in
   * case a notice was missed); returns a function that stops.
   */
  follow?(listener: (version: number) => void): () => void;
  close?(): Promise<void>;
}
