import { decodeDocument } from '../document-decoding.js';
import { formatFrontMatter, type DocumentMetadata } from '../document-metadata.js';
import { extractArticle } from './article-extraction.js';
import { fetchPage, type FetchedPage, type PageFetchOptions } from './page-fetch.js';

/** A document made from a web page, ready for the corpus editor. */
export interface WebDocument {
  /** A safe file name from the page's title (or its address). */
  name: string;
  /** The file's bytes: front matter with the page's metadata, then its text, in UTF-8. */
  bytes: Buffer;
  metadata: DocumentMetadata;
}

/** Longest name made from a title, in characters, before `.md`. */
const NAME_LENGTH = 80;

/** The charset an HTML page declares in a `<meta>` near its start, when the server did not say. */
function declaredCharset(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 2048).toString('latin1');
  return /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1];
}

function decode(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    // A charset the platform does not know: UTF-8, the web's default, is the best guess.
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** A document name the corpus accepts (docs/operations.md#managing-the-corpus-from-discord), from a title or a URL. */
export function documentNameFor(title: string | undefined, url: string): string {
  const { hostname, pathname } = new URL(url);
  const from = (text: string) =>
    [...text.replace(/[^\p{L}\p{M}\p{N} ._()-]+/gu, ' ').replace(/\s+/g, ' ')]
      .slice(0, NAME_LENGTH)
      .join('')
      .replace(/^[^\p{L}\p{N}]+/u, '')
      .replace(/[ .]+$/, '');
  const name = (title && from(title)) || from(`${hostname} ${pathname.split('/').filter(Boolean).join(' ')}`);
  return `${name || 'article'}.md`;
}

/** The page's text and metadata: Readability for HTML and XHTML, the text itself for plain text. */
function read(page: FetchedPage): { text: string; metadata: DocumentMetadata } {
  if (page.mediaType === 'text/plain') {
    // A plain text page is read as an uploaded file is: UTF-8 or GB18030 when the server does not say.
    const text = page.charset ? decode(page.bytes, page.charset) : decodeDocument(page.bytes).text;
    return { text, metadata: { sourceUrl: page.url } };
  }
  const article = extractArticle(decode(page.bytes, page.charset ?? declaredCharset(page.bytes)), page.url);
  const metadata: DocumentMetadata = {
    title: article.title,
    byline: article.byline,
    siteName: article.siteName,
    published: article.published,
    sourceUrl: page.url,
  };
  // The title heads the text too, so the file reads the same without its front matter.
  const blocks = article.text ? article.text.split('\n\n') : [];
  if (article.title && blocks[0]?.replace(/^#+\s*/, '') === article.title) blocks.shift();
  const text =
    article.title && blocks.length > 0 ? [`# ${article.title}`, ...blocks].join('\n\n') : blocks.join('\n\n');
  return { text, metadata };
}

/**
 * Fetches a page (by the rules of {@link fetchPage}) and makes it a corpus document: its main
 * text as paragraphs, and its title, byline, site name, publication date and address as
 * metadata. The extracted text gets the checks an upload gets (empty, binary, too large);
 * the editor then checks its paragraphs and its name as for any document.
 */
export async function webDocument(
  link: string,
  options: PageFetchOptions & { now?: () => Date },
): Promise<WebDocument> {
  const page = await fetchPage(link, options);
  const { text, metadata } = read(page);
  // The checks an uploaded file gets, on the text that was extracted.
  decodeDocument(Buffer.from(text, 'utf8'));
  const stamped: DocumentMetadata = { ...metadata, fetchedAt: (options.now?.() ?? new Date()).toISOString() };
  return {
    name: documentNameFor(metadata.title, page.url),
    bytes: Buffer.from(`${formatFrontMatter(stamped)}\n${text}\n`, 'utf8'),
    metadata: stamped,
  };
}
