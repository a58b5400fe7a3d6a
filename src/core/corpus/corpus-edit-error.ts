/** Why a document cannot be added to or removed from the corpus: each is the admin's to fix. */
export type CorpusEditProblem =
  | { kind: 'badExtension'; name: string }
  | { kind: 'badName'; name: string }
  | { kind: 'tooLarge'; bytes: number; limit: number }
  | { kind: 'empty' }
  | { kind: 'binary' }
  | { kind: 'unknownEncoding' }
  | { kind: 'noParagraphs' }
  | { kind: 'exists'; name: string }
  | { kind: 'corpusMissing' }
  | { kind: 'corpusIsFile' }
  | { kind: 'unknownDocument'; name: string }
  | { kind: 'lastDocument'; name: string };

const MESSAGES: {
  [Kind in CorpusEditProblem['kind']]: (problem: Extract<CorpusEditProblem, { kind: Kind }>) => string;
} = {
  badExtension: ({ name }) => `${name} is not a .txt or .md file`,
  badName: ({ name }) => `the file name ${JSON.stringify(name)} is not a safe document name`,
  tooLarge: ({ bytes, limit }) => `the file has ${bytes} bytes; at most ${limit} are accepted`,
  empty: () => 'the file is empty',
  binary: () => 'the file is not text',
  unknownEncoding: () => 'the file is neither UTF-8 nor GB18030',
  noParagraphs: () => 'the file has no paragraphs',
  exists: ({ name }) => `a document named ${name} exists`,
  corpusMissing: () => 'the corpus directory does not exist',
  corpusIsFile: () => 'CORPUS_PATH is a single file, not a directory',
  unknownDocument: ({ name }) => `there is no document named ${name}`,
  lastDocument: ({ name }) => `${name} is the only document`,
};

/** A refused corpus change; nothing was changed. Its `problem` says why, for a reply in the admin's language. */
export class CorpusEditError extends Error {
  constructor(readonly problem: CorpusEditProblem) {
    super((MESSAGES[problem.kind] as (problem: CorpusEditProblem) => string)(problem));
    this.name = 'CorpusEditError';
  }
}
