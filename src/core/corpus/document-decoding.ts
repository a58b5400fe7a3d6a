import { CorpusEditError } from './corpus-edit-error.js';

/** The largest document accepted from an upload: 1 MB, several books' worth of plain text. */
export const MAX_DOCUMENT_BYTES = 1_000_000;

export type SourceEncoding = 'UTF-8' | 'UTF-8 with BOM' | 'GB18030';

export interface DecodedDocument {
  text: string;
  encoding: SourceEncoding;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
/** Control characters no text file holds (tab, line feed, form feed and carriage return are text). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0001-\u0008\u000b\u000e-\u001f\u007f-\u009f]/g;
/** More control characters than this share of the text: a binary file that happens to decode. */
const MAX_CONTROL_SHARE = 0.01;
/** Han characters and the punctuation written with them: what GB18030 text is made of. */
const CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2000-\u206f\u00b7]/u;

function decode(bytes: Uint8Array, label: string): string | undefined {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Whether bytes that decode as GB18030 read as Chinese rather than as another
 * encoding's bytes that happen to be valid: most two-byte characters in the
 * GB2312 area (where everyday simplified Chinese is), few four-byte ones, and
 * the decoded non-ASCII text mostly Han characters and their punctuation.
 * Latin-1 accents followed by ASCII letters, or Shift-JIS kana, fail this.
 */
function readsAsChinese(bytes: Uint8Array, text: string): boolean {
  let pairs = 0;
  let gb2312 = 0;
  let quads = 0;
  for (let index = 0; index < bytes.length;) {
    const lead = bytes[index]!;
    if (lead < 0x80) {
      index += 1;
      continue;
    }
    const trail = bytes[index + 1] ?? 0;
    if (trail >= 0x30 && trail <= 0x39) {
      quads += 1;
      index += 4;
      continue;
    }
    pairs += 1;
    if (lead >= 0xa1 && lead <= 0xf7 && trail >= 0xa1 && trail <= 0xfe) gb2312 += 1;
    index += 2;
  }
  const nonAscii = [...text].filter((character) => character.charCodeAt(0) >= 0x80);
  const cjk = nonAscii.filter((character) => CJK.test(character)).length;
  return (
    pairs > 0 && gb2312 / pairs >= 0.5 && quads / (pairs + quads) <= 0.1 && cjk / Math.max(1, nonAscii.length) >= 0.7
  );
}

/**
 * An uploaded document's text, from UTF-8 (with or without a byte order
 * mark) or GB18030, or why it cannot be one: too large, empty, binary, or in
 * an encoding this cannot tell apart (UTF-16, Big5, Latin-1…).
 */
export function decodeDocument(bytes: Uint8Array): DecodedDocument {
  if (bytes.length > MAX_DOCUMENT_BYTES)
    throw new CorpusEditError({ kind: 'tooLarge', bytes: bytes.length, limit: MAX_DOCUMENT_BYTES });
  if (bytes.length === 0) throw new CorpusEditError({ kind: 'empty' });
  // UTF-16 and UTF-32 byte order marks: text, but in an encoding the corpus does not take.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    throw new CorpusEditError({ kind: 'unknownEncoding' });
  if (bytes.includes(0)) throw new CorpusEditError({ kind: 'binary' });

  let decoded: DecodedDocument | undefined;
  if (UTF8_BOM.every((byte, index) => bytes[index] === byte)) {
    const text = decode(bytes.subarray(3), 'utf-8');
    if (text === undefined) throw new CorpusEditError({ kind: 'unknownEncoding' });
    decoded = { text, encoding: 'UTF-8 with BOM' };
  } else {
    const utf8 = decode(bytes, 'utf-8');
    const gb18030 = utf8 === undefined ? decode(bytes, 'gb18030') : undefined;
    if (utf8 !== undefined) decoded = { text: utf8, encoding: 'UTF-8' };
    else if (gb18030 !== undefined && readsAsChinese(bytes, gb18030)) decoded = { text: gb18030, encoding: 'GB18030' };
    else throw new CorpusEditError({ kind: 'unknownEncoding' });
  }
  if (!decoded.text.trim()) throw new CorpusEditError({ kind: 'empty' });
  const controls = decoded.text.match(CONTROL)?.length ?? 0;
  if (controls > MAX_CONTROL_SHARE * decoded.text.length) throw new CorpusEditError({ kind: 'binary' });
  return decoded;
}
