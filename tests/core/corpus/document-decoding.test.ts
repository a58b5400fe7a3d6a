import { describe, expect, it } from 'vitest';
import { CorpusEditError } from '../../../src/core/corpus/corpus-edit-error.js';
import { decodeDocument, MAX_DOCUMENT_BYTES } from '../../../src/core/corpus/document-decoding.js';
import { ARTICLE_TEXT } from '../../support/fixtures.js';

const CHINESE = '# 补充说明\n\n苹果公司没有参与这场竞争。台积电的产能依旧紧张,英伟达的股价一天蒸发了约六千亿美元。\n';

function problemOf(bytes: Uint8Array): string | undefined {
  try {
    decodeDocument(bytes);
    return undefined;
  } catch (error) {
    if (error instanceof CorpusEditError) return error.problem.kind;
    throw error;
  }
}

/** Text in GB18030, as a Chinese Windows editor saves it (Node decodes GB18030 but cannot encode it). */
function gb18030(text: string): Buffer {
  const bytes: number[] = [];
  const decoder = new TextDecoder('gb18030', { fatal: true });
  for (const character of text) {
    if (character.charCodeAt(0) < 0x80) {
      bytes.push(character.charCodeAt(0));
      continue;
    }
    // Search the two-byte area for the character: slow, but a test's handful of characters is quick.
    found: for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        let decoded: string;
        try {
          decoded = decoder.decode(Uint8Array.of(lead, trail));
        } catch {
          continue;
        }
        if (decoded === character) {
          bytes.push(lead, trail);
          break found;
        }
      }
    }
  }
  return Buffer.from(bytes);
}

describe('given a text file', () => {
  it('then UTF-8, UTF-8 with a byte order mark and GB18030 are read as the same text, and say which they were', () => {
    expect(decodeDocument(Buffer.from(CHINESE))).toEqual({ text: CHINESE, encoding: 'UTF-8' });
    expect(decodeDocument(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CHINESE)]))).toEqual({
      text: CHINESE,
      encoding: 'UTF-8 with BOM',
    });
    const encoded = gb18030(CHINESE);
    expect(encoded.equals(Buffer.from(CHINESE))).toBe(false);
    expect(decodeDocument(encoded)).toEqual({ text: CHINESE, encoding: 'GB18030' });
  });

  it('then the article’s opening, in GB18030, comes back unchanged', () => {
    const opening = ARTICLE_TEXT.slice(0, 600);
    expect(decodeDocument(gb18030(opening)).text).toBe(opening);
  });

  it('then exactly 1 MB is accepted and one byte more is too large', () => {
    const line = '英伟达的股价一天蒸发了约六千亿美元。\n'; // 55 bytes
    const exactly = Buffer.alloc(MAX_DOCUMENT_BYTES, ' ');
    Buffer.from(line.repeat(18_000)).copy(exactly);
    expect(problemOf(exactly)).toBeUndefined();
    expect(problemOf(Buffer.concat([exactly, Buffer.from(' ')]))).toBe('tooLarge');
  });
});

describe('given a file that is not a document', () => {
  it.each([
    ['empty', Buffer.alloc(0), 'empty'],
    ['blank', Buffer.from(' \n\t\r\n　\n'), 'empty'],
    ['a PNG', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48]), 'binary'],
    ['text full of control characters', Buffer.from('\u0001\u0002\u0003abc\u0004\u0005'.repeat(20)), 'binary'],
    [
      'UTF-16 with its byte order mark',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CHINESE, 'utf16le')]),
      'unknownEncoding',
    ],
    ['Latin-1', Buffer.from('Le café est très bon. Où est la gare? Ça va, merci.\n', 'latin1'), 'unknownEncoding'],
    ['Latin-1 accents before letters', Buffer.from('résumé naïve façade déjà\n', 'latin1'), 'unknownEncoding'],
  ])('then %s is refused (%s)', (_case, bytes, problem) => {
    expect(problemOf(bytes)).toBe(problem);
  });
});
