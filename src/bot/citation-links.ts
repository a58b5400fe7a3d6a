import type { Manifest } from '../core/index/index-store.js';

/** Discord refuses an embed whose `url` is longer than this. */
export const MAX_LINK_LENGTH = 2048;
/** A quoted sentence up to this many characters is named whole in the link; a longer one by its ends. */
const WHOLE_SENTENCE = 100;
/** How much of each end names a long sentence, at most (cut at a clause break where there is one). */
const END_LENGTH = 40;
const CLAUSE_BREAK = /[，,、；;：:。．.！!？?]/u;

/** Each document with a source URL, by document name: quotes from it link there. */
export function sourceUrlsOf(manifest: Manifest): ReadonlyMap<string, string> {
  return new Map(
    manifest.corpus.documents.flatMap((document) =>
      document.metadata?.sourceUrl ? [[document.name, document.metadata.sourceUrl] as const] : [],
    ),
  );
}

/**
 * Text directives must escape what delimits them (`-` before or after a term, `,` between
 * start and end, `&` between directives) beside what a URL must: encodeURIComponent leaves `-`.
 */
function encodeTerm(text: string): string {
  return encodeURIComponent(text).replace(/-/g, '%2D');
}

/** The start of a long sentence up to a clause break (a word boundary in any script), or its first characters. */
function startOf(characters: string[]): string {
  const head = characters.slice(0, END_LENGTH);
  const cut = head.findIndex((character, index) => index >= 8 && CLAUSE_BREAK.test(character));
  return head.slice(0, cut === -1 ? END_LENGTH : cut + 1).join('');
}

/** The end of a long sentence from after a clause break, or its last characters. */
function endOf(characters: string[]): string {
  const tail = characters.slice(-END_LENGTH);
  // The last break before the sentence's own final punctuation.
  let cut = -1;
  for (let index = tail.length - 2; index >= 0 && cut === -1; index--) if (CLAUSE_BREAK.test(tail[index]!)) cut = index;
  return tail.slice(cut === -1 || cut > tail.length - 8 ? 0 : cut + 1).join('');
}

/**
 * A link to the quoted sentence in its source page: the page's URL with a text fragment
 * (`#:~:text=…`), so a browser that supports them scrolls to the sentence and highlights it
 * (others open the page). A short sentence is named whole, a long one by its start and end.
 * Percent-encoded, and within Discord's length for an embed's link: if the fragment would not
 * fit, the page alone; if the page's URL does not fit either, nothing.
 */
export function citationLink(sourceUrl: string, quoted: string): string | undefined {
  const page = sourceUrl.replace(/#.*$/, '');
  if (page.length > MAX_LINK_LENGTH) return undefined;
  const sentence = quoted.replace(/\s+/g, ' ').trim();
  if (!sentence) return page;
  const characters = [...sentence];
  const directive =
    characters.length <= WHOLE_SENTENCE
      ? encodeTerm(sentence)
      : `${encodeTerm(startOf(characters))},${encodeTerm(endOf(characters))}`;
  const link = `${page}#:~:text=${directive}`;
  return link.length <= MAX_LINK_LENGTH ? link : page;
}
