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
  | { kind: 'lastDocument'; name: string }
  // Adding an article from a link (src/core/corpus/web/):
  | { kind: 'badUrl'; url: string }
  | { kind: 'privateAddress'; host: string; address: string }
  | { kind: 'tooManyRedirects'; limit: number }
  | { kind: 'fetchTimeout'; seconds: number }
  | { kind: 'pageTooLarge'; limit: number }
  | { kind: 'httpStatus'; status: number }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'unsupportedType'; contentType: string };

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
  badUrl: ({ url }) => `${url} is not an http or https link without credentials`,
  privateAddress: ({ host, address }) => `${host} is at ${address}, a loopback, private or link-local address`,
  tooManyRedirects: ({ limit }) => `the link redirects more than ${limit} times`,
  fetchTimeout: ({ seconds }) => `the page did not arrive within ${seconds} s`,
  pageTooLarge: ({ limit }) => `the page is larger than ${limit} bytes`,
  httpStatus: ({ status }) => `the server answered HTTP ${status}`,
  unreachable: ({ reason }) => `the page could not be fetched (${reason})`,
  unsupportedType: ({ contentType }) => `the link gives ${contentType}, not an HTML, XHTML or plain text page`,
};

/** A refused corpus change; nothing was changed. Its `problem` says why, for a reply in the admin's language. */
export class CorpusEditError extends Error {
  constructor(readonly problem: CorpusEditProblem) {
    super((MESSAGES[problem.kind] as (problem: CorpusEditProblem) => string)(problem));
    this.name = 'CorpusEditError';
  }
}
