import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { splitFrontMatter, type DocumentMetadata } from './document-metadata.js';

/** One body paragraph of a document: the unit the bot quotes. */
export interface Passage {
  /** Stable id: `<document>#<paragraph>`. */
  id: string;
  /** File name of the document, relative to the corpus root. */
  document: string;
  /** The document's title as a reader sees it (first line), or the file name. */
  title: string;
  /** 1-based count of body paragraphs, as a reader would number them. */
  paragraph: number;
  /** The heading the paragraph sits under, or null before the first heading. */
  section: string | null;
  /** The paragraph verbatim. */
  text: string;
}

export interface CorpusDocument {
  name: string;
  title: string;
  sections: string[];
  passages: Passage[];
  /** From the file's front matter, when it has one (an article added from a link). */
  metadata?: DocumentMetadata;
}

export interface Corpus {
  root: string;
  documents: CorpusDocument[];
  passages: Passage[];
  /** Hash of every file's name and bytes plus the parser version: any change means a rebuild. */
  contentHash: string;
}

export class CorpusError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CorpusError';
  }
}

/** Bump when the parsing rules change, so persisted indexes built by older rules are rebuilt. */
export const PARSER_VERSION = 3;

const CORPUS_EXTENSIONS = new Set(['.txt', '.md']);

/** Whether a file name is one the corpus reads as a document (`.txt` or `.md`). */
export function isDocumentFileName(name: string): boolean {
  return CORPUS_EXTENSIONS.has(path.extname(name).toLowerCase());
}

/** The byline a blog engine prints under the title: author, age, read count, tags. */
const META_LINE =
  /(阅读数?|閱讀數?|浏览|瀏覽|views?)\s*[:：]?\s*\d+|\d+\s*(分钟|分鐘|小时|小時|天|日)前|^\s*(作者|来源|來源|发布|發布|by)\s*[:：]/i;

/** Where a page's trailer begins: from here on nothing is article text. */
const BOILERPLATE_START =
  /^(版权声明|版權聲明|免责声明|免責聲明|本文来自网络|本文來自網絡|未经许可|未經許可|热门|熱門|相关阅读|相關閱讀|推荐阅读|推薦閱讀|copyright\b|©)/i;

const SENTENCE_END = /[。．.!！;；…]$/;
const INNER_PUNCTUATION = /[。，,;；：:!！]/;

/**
 * A heading is what a reader takes for one: a short single line that does not
 * read as a sentence (no sentence-ending punctuation, at most a closing
 * question mark as in 「下一步最关键的疑问是什么?」).
 */
function isHeading(block: string): boolean {
  if (block.includes('\n')) return false;
  const line = block.trim();
  if (/^#{1,6}\s+\S/.test(line)) return true;
  const length = [...line].length;
  if (length === 0 || length > 24) return false;
  if (SENTENCE_END.test(line)) return false;
  return !INNER_PUNCTUATION.test(line.replace(/[?？]$/, ''));
}

function stripMarkdownHeading(line: string): string {
  return line.replace(/^#{1,6}\s+/, '').trim();
}

/** Splits a document into blocks separated by blank lines, trimming each. */
function blocksOf(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t\u3000]*\n+/)
    .map((block) =>
      block
        .split('\n')
        .map((line) => line.replace(/[ \t\u3000]+$/, ''))
        .join('\n')
        .trim(),
    )
    .filter((block) => block.length > 0);
}

/**
 * Parses one document: the first block is the title, a byline right under it
 * is skipped, headings become sections, and everything from a copyright or
 * "hot posts" marker on is dropped. A title in the metadata is the title.
 */
export function parseDocument(name: string, text: string, metadata?: DocumentMetadata): CorpusDocument {
  const blocks = blocksOf(text);
  const passages: Passage[] = [];
  const sections: string[] = [];
  let title = name;
  let section: string | null = null;

  blocks.forEach((block, index) => {
    const firstLine = block.split('\n')[0] ?? '';
    // With a title in the metadata, only a heading is taken for the title: a first paragraph is text.
    if (index === 0 && (isHeading(block) || (!metadata?.title && !SENTENCE_END.test(firstLine)))) {
      title = stripMarkdownHeading(firstLine);
      return;
    }
    if (META_LINE.test(block) && !block.includes('\n') && [...block].length <= 80) return;
    if (isHeading(block)) {
      section = stripMarkdownHeading(block);
      sections.push(section);
      return;
    }
    passages.push({
      id: `${name}#${passages.length + 1}`,
      document: name,
      title,
      paragraph: passages.length + 1,
      section,
      text: block,
    });
  });

  if (metadata?.title) {
    title = metadata.title;
    for (const passage of passages) passage.title = title;
  }
  return { name, title, sections, passages, ...(metadata ? { metadata } : {}) };
}

/** A document file's text parsed: its front matter (if any) read, its page trailer cut. */
export function parseDocumentFile(name: string, text: string): CorpusDocument {
  const { metadata, body } = splitFrontMatter(text);
  return parseDocument(name, stripBoilerplate(body), metadata);
}

/** Cuts the page trailer (copyright notice, "hot posts" list) before parsing. */
export function stripBoilerplate(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const start = lines.findIndex((line) => BOILERPLATE_START.test(line.trim()));
  return start === -1 ? lines.join('\n') : lines.slice(0, start).join('\n');
}

async function listFiles(corpusPath: string): Promise<{ root: string; files: string[] }> {
  let info;
  try {
    info = await stat(corpusPath);
  } catch (error) {
    throw new CorpusError(
      `The corpus at ${corpusPath} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}). ` +
        `Set CORPUS_PATH to a .txt/.md file or to a directory of them.`,
      { cause: error },
    );
  }
  if (info.isFile()) return { root: path.dirname(corpusPath), files: [path.basename(corpusPath)] };
  const entries = await readdir(corpusPath, { withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && isDocumentFileName(entry.name))
    .map((entry) => entry.name)
    .sort();
  if (files.length === 0) {
    throw new CorpusError(
      `The corpus directory ${corpusPath} holds no .txt or .md files. Put the article there or set CORPUS_PATH.`,
    );
  }
  return { root: corpusPath, files };
}

/** A document as it is stored: its file name and its text, front matter included. */
export interface DocumentFile {
  name: string;
  text: string;
}

/** The document files of a corpus file or directory, sorted by name, as {@link loadCorpus} reads them. */
export async function readDocumentFiles(corpusPath: string): Promise<{ root: string; files: DocumentFile[] }> {
  const { root, files: names } = await listFiles(corpusPath);
  const files: DocumentFile[] = [];
  for (const name of names) {
    try {
      files.push({ name, text: await readFile(path.join(root, name), 'utf8') });
    } catch (error) {
      throw new CorpusError(
        `The corpus file ${path.join(root, name)} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
        {
          cause: error,
        },
      );
    }
  }
  return { root, files };
}

/** Byte order of names, as a directory listing is sorted: the same documents always hash the same. */
function byName(a: DocumentFile, b: DocumentFile): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Parses document files into a corpus, wherever they were stored (`root`
 * says where, for the manifest; `place`, for messages). The same files make
 * the same content hash, read from a directory or from a shared store.
 */
export function corpusFromDocuments(root: string, files: readonly DocumentFile[], place = root): Corpus {
  const hash = createHash('sha256').update(`parser:${PARSER_VERSION}\n`);
  const documents: CorpusDocument[] = [];
  for (const { name, text } of [...files].sort(byName)) {
    hash.update(`${name}\n${text.length}\n`).update(text);
    documents.push(parseDocumentFile(name, text));
  }
  const passages = documents.flatMap((document) => document.passages);
  if (passages.length === 0) {
    throw new CorpusError(
      `The corpus at ${place} has no paragraphs to answer from (paragraphs are separated by blank lines).`,
    );
  }
  return { root, documents, passages, contentHash: hash.digest('hex') };
}

/** Reads a corpus file or directory into passages. */
export async function loadCorpus(corpusPath: string): Promise<Corpus> {
  const { root, files } = await readDocumentFiles(corpusPath);
  return corpusFromDocuments(root, files, corpusPath);
}
