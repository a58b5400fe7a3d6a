import { escapeMarkdown } from 'discord.js';
import { truncatePlain } from './discord-limits.js';

/**
 * Makes text from outside (a question, the article) display literally:
 * every markdown construct is escaped, so `**`, `||`, backticks, headings,
 * lists, masked links, block quotes and `-#` cannot change the formatting
 * around them. Mentions are left to `allowedMentions`, which is what stops pings.
 */
export function escapeQuoted(text: string): string {
  // Every `[` is escaped by hand: escapeMarkdown's masked-link rule escapes only the first of several links.
  return escapeMarkdown(text, { heading: true, bulletedList: true, numberedList: true })
    .replace(/\[/g, '\\[')
    .replace(/>/g, '\\>')
    .replace(/-#/g, '\\-#');
}

/** A web link as Discord recognises one in a message (it ends at whitespace or an angle bracket). */
const WEB_LINK = /https?:\/\/[^\s<>]+/g;

/**
 * {@link escapeQuoted}, with each web link put in angle brackets: Discord
 * then shows it as a link without a preview, so a question echoed in a reply
 * never reposts a user's link with its preview card. A flag on the message
 * (SuppressEmbeds) would hide the answer's own embed as well. Nothing inside
 * the brackets is read as markdown, so the link is left as written.
 */
export function escapeQuotedWithoutPreviews(text: string): string {
  let escaped = '';
  let last = 0;
  for (const match of text.matchAll(WEB_LINK)) {
    // Punctuation that ends a sentence, or the bracket that closes a masked link, is not part of the link.
    const link = match[0].replace(/[.,!?;:'")\]]+$/, '');
    escaped += `${escapeQuoted(text.slice(last, match.index))}<${link}>`;
    last = match.index + link.length;
  }
  return escaped + escapeQuoted(text.slice(last));
}

/**
 * Fits outside text, escaped and placed by `build`, within `max`: the raw
 * text is shortened (never the escaped form, which could leave half an
 * escape sequence) until the built result fits.
 */
export function fitEscaped(
  raw: string,
  max: number,
  build: (escaped: string) => string,
  escape: (text: string) => string = escapeQuoted,
): string {
  let candidate = raw;
  for (let attempt = 0; attempt < 32; attempt++) {
    const built = build(escape(candidate));
    if (built.length <= max) return built;
    const shorter = Math.min(candidate.length - 1, Math.floor((candidate.length * max) / built.length) - 2);
    if (shorter <= 0) break;
    candidate = truncatePlain(candidate, shorter);
  }
  return truncatePlain(build(''), max);
}

/** Items as a bullet list of at most `max` characters, each item escaped and cut to a line. */
export function bulletList(items: readonly string[], max: number): string {
  const lines: string[] = [];
  let length = 0;
  for (const item of items) {
    const line = fitEscaped(item, Math.min(200, max), (escaped) => `• ${escaped}`);
    if (length + line.length + 1 > max) break;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}
