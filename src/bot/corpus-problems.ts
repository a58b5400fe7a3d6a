import type { CorpusEditProblem } from '../core/corpus/corpus-edit-error.js';
import { truncatePlain } from './discord-limits.js';
import type { MessageKey, MessageParams } from './i18n.js';
import { escapeQuoted } from './markdown.js';

/** The longest file name shown in a reply, in characters, before it is escaped. */
const SHOWN_NAME_LENGTH = 100;

/**
 * A file name as a reply shows it: literally (escaped, so `**`, `||`, a masked
 * link or a heading in a rejected upload's name cannot format the reply), and
 * cut to a line.
 */
function shownName(name: string): string {
  return escapeQuoted(truncatePlain(name, SHOWN_NAME_LENGTH));
}

/** Sizes as an admin reads them: 1.2 MB, 850 KB, 12 bytes. */
export function formatSize(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  if (bytes >= 1000) return `${Math.round(bytes / 1000)} KB`;
  return `${bytes} bytes`;
}

/** The message (and its parameters) that tells an admin why the corpus was not changed. */
export function corpusProblemMessage(problem: CorpusEditProblem): { key: MessageKey; params: MessageParams } {
  switch (problem.kind) {
    case 'badExtension':
      return { key: 'corpusBadExtension', params: { name: shownName(problem.name) } };
    case 'badName':
      return { key: 'corpusBadName', params: { name: shownName(problem.name) } };
    case 'tooLarge':
      return { key: 'corpusTooLarge', params: { size: formatSize(problem.bytes), limit: formatSize(problem.limit) } };
    case 'empty':
      return { key: 'corpusEmpty', params: {} };
    case 'binary':
      return { key: 'corpusBinary', params: {} };
    case 'unknownEncoding':
      return { key: 'corpusUnknownEncoding', params: {} };
    case 'noParagraphs':
      return { key: 'corpusNoParagraphs', params: {} };
    case 'exists':
      return { key: 'corpusExists', params: { name: shownName(problem.name) } };
    case 'corpusMissing':
      return { key: 'corpusMissing', params: {} };
    case 'corpusIsFile':
      return { key: 'corpusIsFile', params: {} };
    case 'unknownDocument':
      return { key: 'corpusUnknownDocument', params: { name: shownName(problem.name) } };
    case 'lastDocument':
      return { key: 'corpusLastDocument', params: { name: shownName(problem.name) } };
    case 'badUrl':
      return { key: 'corpusBadUrl', params: { url: shownName(problem.url) } };
    case 'privateAddress':
      return { key: 'corpusPrivateAddress', params: { host: problem.host, address: problem.address } };
    case 'tooManyRedirects':
      return { key: 'corpusTooManyRedirects', params: { limit: problem.limit } };
    case 'fetchTimeout':
      return { key: 'corpusFetchTimeout', params: { seconds: problem.seconds } };
    case 'pageTooLarge':
      return { key: 'corpusPageTooLarge', params: { limit: formatSize(problem.limit) } };
    case 'httpStatus':
      return { key: 'corpusHttpStatus', params: { status: problem.status } };
    case 'unreachable':
      return { key: 'corpusUnreachable', params: { reason: shownName(problem.reason) } };
    case 'unsupportedType':
      return { key: 'corpusUnsupportedType', params: { contentType: shownName(problem.contentType) } };
  }
}
