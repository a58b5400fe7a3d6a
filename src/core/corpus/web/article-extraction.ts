import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

/** A page's main text, as paragraphs, with what the page says about itself. */
export interface ExtractedArticle {
  title: string | undefined;
  byline: string | undefined;
  siteName: string | undefined;
  published: string | undefined;
  /** Paragraphs separated by blank lines, headings as `## ` lines: the corpus's own format. */
  text: string;
}

/** The little of the DOM read here (the project compiles without the DOM's types). */
interface DomElement {
  readonly textContent: string | null;
  readonly tagName: string;
  readonly parentElement: DomElement | null;
  closest(selector: string): DomElement | null;
}

interface DomDocument {
  readonly body: DomElement;
  querySelectorAll(selector: string): Iterable<DomElement>;
}

/** linkedom's parser, typed by the little of the DOM read here. */
const parseDom = parseHTML as unknown as (html: string) => { document: DomDocument };

/** The elements that hold a paragraph's worth of text once Readability has kept the article. */
const BLOCKS = 'h1, h2, h3, h4, h5, h6, p, li, blockquote, pre, figcaption, td';

const present = (value: string | null | undefined): string | undefined =>
  value?.replace(/\s+/g, ' ').trim() || undefined;

function blockText(element: DomElement): string {
  // Line breaks inside a paragraph are the page's layout, not the author's: one space each.
  return (element.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * The article in a web page, without its navigation, comments, sidebars and ads: Mozilla's
 * Readability (Firefox's Reader View) over a linkedom DOM, then one block of text per
 * paragraph, heading, list item or quote, in page order, so the corpus numbers paragraphs as the
 * page shows them. Empty text when the page holds no article.
 */
export function extractArticle(html: string, url: string): ExtractedArticle {
  const { document } = parseDom(html);
  // Readability resolves relative links against the document's URL; linkedom has none of its own.
  Object.defineProperty(document, 'documentURI', { value: url, configurable: true });
  Object.defineProperty(document, 'baseURI', { value: url, configurable: true });
  const article = new Readability(document, { charThreshold: 200 }).parse();
  if (!article?.content) {
    return { title: undefined, byline: undefined, siteName: undefined, published: undefined, text: '' };
  }
  const { document: content } = parseDom(`<!doctype html><html><body>${article.content}</body></html>`);
  const blocks: string[] = [];
  for (const element of content.querySelectorAll(BLOCKS)) {
    // A block inside another (a paragraph in a quote, a list in a list item) is read with its container.
    if (element.parentElement?.closest(BLOCKS)) continue;
    const text = blockText(element);
    if (!text) continue;
    blocks.push(/^H[1-6]$/.test(element.tagName.toUpperCase()) ? `## ${text}` : text);
  }
  // Text that sits in no block (a bare <div> of text) still belongs to the article.
  if (blocks.length === 0) {
    const text = blockText(content.body);
    if (text) blocks.push(text);
  }
  return {
    title: present(article.title),
    byline: present(article.byline),
    siteName: present(article.siteName),
    published: present(article.publishedTime),
    text: blocks.join('\n\n'),
  };
}
