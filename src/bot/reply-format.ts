import path from 'node:path';
import { escapeMarkdown, type APIEmbed } from 'discord.js';
import type { Answer } from '../core/knowledge-base.js';
import type { Manifest } from '../core/index-store.js';
import type { Highlight } from '../core/retrieval.js';
import { t, type Language } from './i18n.js';

/** Discord's documented message limits. Lengths here are UTF-16 code units, never fewer than Discord's count. */
export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFooter: 2048,
  embedAuthor: 256,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  embedTotal: 6000,
} as const;

/** What the bot sends: the same shape for interaction replies, edits and message replies. */
export interface ReplyPayload {
  content: string;
  embeds: APIEmbed[];
}

const ANSWER_COLOR = 0x5865f2;
const NOT_COVERED_COLOR = 0x99aab5;
const ELLIPSIS = '…';
/** Room kept free under the 6000 total so rounding in the budget can never tip a message over. */
const TOTAL_SAFETY_MARGIN = 64;
/** A long question is echoed only this far: the answer, not the question, is what the reader came for. */
const ECHOED_QUESTION_LENGTH = 300;

// ---------------------------------------------------------------------------------------------
// Escaping and trimming
// ---------------------------------------------------------------------------------------------

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

/** Moves an index off the middle of a surrogate pair, so a cut never splits an emoji or a rare character. */
function codePointBoundary(text: string, index: number): number {
  if (index <= 0 || index >= text.length) return Math.max(0, Math.min(index, text.length));
  const before = text.charCodeAt(index - 1);
  const after = text.charCodeAt(index);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff ? index - 1 : index;
}

/** Cuts plain text (not markdown) to at most `max` units, marking the cut with an ellipsis. */
export function truncatePlain(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= ELLIPSIS.length) return ELLIPSIS.slice(0, Math.max(0, max));
  return `${text.slice(0, codePointBoundary(text, max - ELLIPSIS.length)).trimEnd()}${ELLIPSIS}`;
}

/**
 * Fits outside text, escaped and placed by `build`, within `max`: the raw
 * text is shortened (never the escaped form, which could leave half an
 * escape sequence) until the built result fits.
 */
function fitEscaped(raw: string, max: number, build: (escaped: string) => string): string {
  let candidate = raw;
  for (let attempt = 0; attempt < 32; attempt++) {
    const built = build(escapeQuoted(candidate));
    if (built.length <= max) return built;
    const shorter = Math.min(candidate.length - 1, Math.floor((candidate.length * max) / built.length) - 2);
    if (shorter <= 0) break;
    candidate = truncatePlain(candidate, shorter);
  }
  return truncatePlain(build(''), max);
}

// ---------------------------------------------------------------------------------------------
// Excerpts
// ---------------------------------------------------------------------------------------------

interface Range {
  start: number;
  end: number;
}

/** Highlights as clean, sorted, non-overlapping ranges without surrounding whitespace (bold around a space does not render). */
function cleanHighlights(text: string, highlights: readonly Highlight[]): Range[] {
  const ranges = highlights
    .map(({ start, end }) => {
      let from = codePointBoundary(text, Math.max(0, Math.min(start, text.length)));
      let to = codePointBoundary(text, Math.max(from, Math.min(end, text.length)));
      while (from < to && /\s/.test(text[from]!)) from++;
      while (to > from && /\s/.test(text[to - 1]!)) to--;
      return { start: from, end: to };
    })
    .filter((range) => range.end > range.start)
    .sort((left, right) => left.start - right.start);
  // Neighbouring sentences become one bold run rather than two separated by a space.
  const merged: Range[] = [];
  for (const range of ranges) {
    const last = merged.at(-1);
    if (last && (range.start <= last.end || /^\s*$/.test(text.slice(last.end, range.start)))) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

function mergeTouching(pieces: Range[]): Range[] {
  const merged: Range[] = [];
  for (const piece of pieces) {
    const last = merged.at(-1);
    if (last && piece.start <= last.end) last.end = Math.max(last.end, piece.end);
    else merged.push({ ...piece });
  }
  return merged;
}

const covered = (pieces: readonly Range[]) => pieces.reduce((sum, piece) => sum + piece.end - piece.start, 0);

/**
 * Which parts of the text to show within `limit` characters: all of it when
 * it fits; otherwise the highlighted sentences, grown evenly into their
 * context; or, without highlights, the beginning.
 */
function chooseWindows(text: string, marks: readonly Range[], limit: number): Range[] {
  const length = text.length;
  if (length <= limit) return [{ start: 0, end: length }];
  if (marks.length === 0) return [{ start: 0, end: codePointBoundary(text, limit) }];

  if (covered(marks) >= limit) {
    // Even the highlights alone are too long: keep the start of each, in order, while room lasts.
    const pieces: Range[] = [];
    let room = limit;
    for (const mark of marks) {
      if (room <= 0) break;
      const end = codePointBoundary(text, Math.min(mark.end, mark.start + room));
      if (end > mark.start) pieces.push({ start: mark.start, end });
      room -= end - mark.start + 3;
    }
    return pieces.length > 0 ? pieces : [{ start: marks[0]!.start, end: codePointBoundary(text, marks[0]!.start + limit) }];
  }

  let pieces = marks.map((mark) => ({ ...mark }));
  for (let round = 0; round < 1000; round++) {
    const spare = limit - covered(pieces);
    if (spare <= 0) break;
    const rooms = pieces.map((piece, index) => ({
      left: piece.start - (pieces[index - 1]?.end ?? 0),
      right: (pieces[index + 1]?.start ?? length) - piece.end,
    }));
    const sides = rooms.reduce((count, room) => count + (room.left > 0 ? 1 : 0) + (room.right > 0 ? 1 : 0), 0);
    if (sides === 0) break;
    const step = Math.max(1, Math.floor(spare / sides));
    pieces = mergeTouching(
      pieces.map((piece, index) => ({
        start: codePointBoundary(text, piece.start - Math.min(step, rooms[index]!.left)),
        end: codePointBoundary(text, piece.end + Math.min(step, rooms[index]!.right)),
      })),
    );
    if (step === 1 && spare < sides) break;
  }
  return pieces.map((piece) => snapToWords(text, piece, marks));
}

const WORD_CHARACTER = /[\p{L}\p{N}]/u;
const HAN = /\p{Script=Han}/u;

/** True when a cut at `index` would split a word of a space-separated script (Han text has no such words). */
function splitsWord(text: string, index: number): boolean {
  const before = text[index - 1];
  const after = text[index];
  return before !== undefined && after !== undefined && WORD_CHARACTER.test(before) && WORD_CHARACTER.test(after) && !HAN.test(before) && !HAN.test(after);
}

/** Moves cuts that split a word to the nearest space inside the piece, when one is close and no highlight is lost. */
function snapToWords(text: string, piece: Range, marks: readonly Range[]): Range {
  const reach = 20;
  let { start, end } = piece;
  const firstMark = marks.find((mark) => mark.end > start && mark.start < end);
  const lastMark = [...marks].reverse().find((mark) => mark.end > start && mark.start < end);
  if (start > 0 && splitsWord(text, start)) {
    const space = text.slice(start, start + reach).search(/\s/);
    if (space >= 0 && (!firstMark || start + space <= firstMark.start)) start += space + 1;
  }
  if (end < text.length && splitsWord(text, end)) {
    const window = text.slice(Math.max(start, end - reach), end);
    const space = window.search(/\s\S*$/);
    const cut = Math.max(start, end - reach) + space;
    if (space >= 0 && (!lastMark || cut >= lastMark.end) && cut > start) end = cut;
  }
  return { start, end };
}

/** The piece of text with its highlighted parts in bold, everything else escaped. */
function renderPiece(text: string, marks: readonly Range[], piece: Range): string {
  let rendered = '';
  let position = piece.start;
  for (const mark of marks) {
    const from = Math.max(mark.start, piece.start);
    const to = Math.min(mark.end, piece.end);
    if (to <= from) continue;
    rendered += escapeQuoted(text.slice(position, from));
    const bold = text.slice(from, to).trim();
    rendered += bold ? `**${escapeQuoted(bold)}**` : '';
    position = to;
  }
  rendered += escapeQuoted(text.slice(position, piece.end));
  return rendered;
}

function renderWindows(text: string, marks: readonly Range[], pieces: readonly Range[]): string {
  const parts = pieces.map((piece) => renderPiece(text, marks, piece).trim());
  const first = pieces[0];
  const last = pieces.at(-1);
  const lead = first && first.start > 0 ? ELLIPSIS : '';
  const tail = last && last.end < text.length ? ELLIPSIS : '';
  return `${lead}${parts.join(` ${ELLIPSIS} `)}${tail}`;
}

/**
 * A passage as markdown of at most `limit` characters: whole when it fits,
 * otherwise cut around the highlighted sentences with an ellipsis at every
 * cut. Highlights are bold, everything else is escaped. Never throws and
 * never exceeds the limit, whatever the text.
 */
export function excerpt(text: string, highlights: readonly Highlight[], limit: number): string {
  if (limit <= 0) return '';
  const marks = cleanHighlights(text, highlights);
  let rawLimit = limit;
  for (let attempt = 0; attempt < 40 && rawLimit > 0; attempt++) {
    const rendered = renderWindows(text, marks, chooseWindows(text, marks, rawLimit));
    if (rendered.length <= limit) return rendered;
    // Escaping and ellipses made it longer than the raw text: shrink the raw window in proportion.
    rawLimit = Math.min(rawLimit - 1, Math.floor((rawLimit * limit) / rendered.length) - 4);
  }
  return ELLIPSIS.slice(0, limit);
}

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------

export interface AnswerFormatOptions {
  language: Language;
  /** The article's sections, listed when the question is not covered. */
  sections: readonly string[];
  /** Repeat the question above the answer (slash commands, where the question is otherwise hidden). */
  echoQuestion: boolean;
}

function formatScore(score: number): string {
  return score.toFixed(2);
}

function questionLine(question: string, language: Language): string {
  const oneLine = question.replace(/\s+/g, ' ').trim();
  return fitEscaped(truncatePlain(oneLine, ECHOED_QUESTION_LENGTH), DISCORD_LIMITS.content, (escaped) =>
    t(language, 'questionEcho', { question: escaped }),
  );
}

function bulletList(items: readonly string[], max: number): string {
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

function notCoveredEmbed(language: Language, sections: readonly string[]): APIEmbed {
  const intro = t(language, 'notCoveredBody');
  const heading = t(language, 'sectionsHeading');
  const list = bulletList(sections, DISCORD_LIMITS.embedDescription - intro.length - heading.length - 4);
  return {
    title: t(language, 'notCoveredTitle'),
    description: list ? `${intro}\n\n${heading}\n${list}` : intro,
    color: NOT_COVERED_COLOR,
  };
}

/**
 * Turns an answer into a reply that always fits Discord's limits: one embed
 * per quoted passage (section and paragraph in the title, relevance in the
 * footer, best sentences in bold), the passages sharing the message's
 * character budget; or, when nothing is relevant, a plain statement that the
 * article does not seem to cover the question, with its sections.
 */
export function formatAnswer(answer: Answer, options: AnswerFormatOptions): ReplyPayload {
  const { language } = options;
  const content = options.echoQuestion ? questionLine(answer.question, language) : '';
  if (!answer.answered || answer.results.length === 0) {
    return enforceLimits({ content, embeds: [notCoveredEmbed(language, options.sections)] });
  }

  const results = answer.results.slice(0, DISCORD_LIMITS.embeds);
  const frames = results.map((result) => {
    const { passage } = result;
    const title = fitEscaped(passage.section ?? t(language, 'openingSection'), DISCORD_LIMITS.embedTitle, (section) =>
      t(language, 'passageTitle', { rank: result.rank, section, paragraph: passage.paragraph }),
    );
    const coverage = Math.round(result.coverage * 100);
    const footer = truncatePlain(
      coverage > 0
        ? t(language, 'passageFooterWithWords', { score: formatScore(result.score), coverage })
        : t(language, 'passageFooter', { score: formatScore(result.score) }),
      DISCORD_LIMITS.embedFooter,
    );
    return { result, title, footer };
  });
  const fixedCost = frames.reduce((sum, frame) => sum + frame.title.length + frame.footer.length, 0);
  const descriptionBudget = Math.max(
    0,
    Math.min(DISCORD_LIMITS.embedDescription, Math.floor((DISCORD_LIMITS.embedTotal - TOTAL_SAFETY_MARGIN - fixedCost) / frames.length)),
  );
  const embeds: APIEmbed[] = frames.map(({ result, title, footer }) => ({
    title,
    description: excerpt(result.passage.text, result.highlights, descriptionBudget) || ELLIPSIS,
    footer: { text: footer },
    color: ANSWER_COLOR,
  }));
  return enforceLimits({ content, embeds });
}

export interface AboutFormatOptions {
  language: Language;
  isRebuilding: boolean;
}

/** A model directory is shown by its name: the server's file paths are nobody's business. */
export function displayModelName(modelId: string): string {
  return path.isAbsolute(modelId) ? path.basename(modelId) : modelId;
}

/** Discord renders `<t:…>` in each reader's own time zone and language. */
function discordTimestamp(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return Number.isFinite(seconds) ? `<t:${seconds}:f> (<t:${seconds}:R>)` : iso;
}

/** /about: the article's title, how many passages, the model and when the index was built. */
export function formatAbout(manifest: Manifest, options: AboutFormatOptions): ReplyPayload {
  const { language } = options;
  const titles = manifest.corpus.documents.map((document) => document.title);
  const sections = manifest.corpus.documents.flatMap((document) => document.sections);
  const intro = t(language, 'aboutIntro');
  const embed: APIEmbed = {
    title: fitEscaped(titles.join(' · '), DISCORD_LIMITS.embedTitle, (escaped) => escaped),
    description: options.isRebuilding ? `${intro}\n\n${t(language, 'aboutRebuilding')}` : intro,
    color: ANSWER_COLOR,
    fields: [
      { name: t(language, 'aboutPassages'), value: String(manifest.passages.length), inline: true },
      {
        name: t(language, 'aboutModel'),
        value: fitEscaped(displayModelName(manifest.model.id), DISCORD_LIMITS.fieldValue, (escaped) => escaped),
        inline: true,
      },
      { name: t(language, 'aboutBuilt'), value: discordTimestamp(manifest.builtAt), inline: true },
    ],
  };
  const sectionList = bulletList(sections, DISCORD_LIMITS.fieldValue);
  if (sectionList) embed.fields!.push({ name: t(language, 'aboutSections'), value: sectionList, inline: false });
  return enforceLimits({ content: '', embeds: [embed] });
}

export interface HelpFormatOptions {
  language: Language;
  botName: string;
  maxQuestionLength: number;
}

/** /help (and `help` in a DM): the ways to ask, and example questions. */
export function formatHelp(options: HelpFormatOptions): ReplyPayload {
  const { language } = options;
  const botName = fitEscaped(options.botName, 64, (escaped) => escaped);
  const examples = (['helpExample1', 'helpExample2', 'helpExample3'] as const).map((key) => `• ${t(language, key)}`);
  return enforceLimits({
    content: '',
    embeds: [
      {
        title: t(language, 'helpTitle'),
        description: t(language, 'helpBody', { botName, maxLength: options.maxQuestionLength }),
        color: ANSWER_COLOR,
        fields: [{ name: t(language, 'helpExamplesHeading'), value: examples.join('\n'), inline: false }],
      },
    ],
  });
}

/** A short message of the bot's own (a refusal, an apology, progress). */
export function formatNotice(text: string): ReplyPayload {
  return { content: truncatePlain(text, DISCORD_LIMITS.content), embeds: [] };
}

// ---------------------------------------------------------------------------------------------
// The last line of defence
// ---------------------------------------------------------------------------------------------

function embedSize(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0)
  );
}

/**
 * Guarantees every Discord limit whatever the formatters above did: cuts
 * each part to its own limit and drops trailing embeds past the total. The
 * formatters budget so that this changes nothing; it exists so that a reply
 * can never be rejected for its size.
 */
export function enforceLimits(payload: ReplyPayload): ReplyPayload {
  const embeds = payload.embeds.slice(0, DISCORD_LIMITS.embeds).map((embed) => {
    const fitted: APIEmbed = { ...embed };
    if (fitted.title !== undefined) fitted.title = truncatePlain(fitted.title, DISCORD_LIMITS.embedTitle);
    if (fitted.description !== undefined) fitted.description = truncatePlain(fitted.description, DISCORD_LIMITS.embedDescription);
    if (fitted.footer) fitted.footer = { ...fitted.footer, text: truncatePlain(fitted.footer.text, DISCORD_LIMITS.embedFooter) };
    if (fitted.author) fitted.author = { ...fitted.author, name: truncatePlain(fitted.author.name, DISCORD_LIMITS.embedAuthor) };
    if (fitted.fields) {
      fitted.fields = fitted.fields.slice(0, DISCORD_LIMITS.embedFields).map((field) => ({
        ...field,
        name: truncatePlain(field.name, DISCORD_LIMITS.fieldName) || ELLIPSIS,
        value: truncatePlain(field.value, DISCORD_LIMITS.fieldValue) || ELLIPSIS,
      }));
    }
    return fitted;
  });
  const kept: APIEmbed[] = [];
  let total = 0;
  for (const embed of embeds) {
    const size = embedSize(embed);
    if (total + size <= DISCORD_LIMITS.embedTotal) {
      kept.push(embed);
      total += size;
      continue;
    }
    const shrunk = shrinkEmbed(embed, DISCORD_LIMITS.embedTotal - total);
    if (shrunk) kept.push(shrunk);
    break;
  }
  return { content: truncatePlain(payload.content, DISCORD_LIMITS.content), embeds: kept };
}

/** An embed cut down to `room` characters: fields go first, then the description, footer, author and title are shortened. */
function shrinkEmbed(embed: APIEmbed, room: number): APIEmbed | undefined {
  const fitted: APIEmbed = { ...embed, fields: [...(embed.fields ?? [])] };
  const over = () => embedSize(fitted) - room;
  while (over() > 0 && fitted.fields!.length > 0) fitted.fields!.pop();
  if (fitted.fields!.length === 0) delete fitted.fields;
  if (over() > 0 && fitted.description) fitted.description = truncatePlain(fitted.description, Math.max(0, fitted.description.length - over())) || undefined;
  if (over() > 0 && fitted.footer) fitted.footer = undefined;
  if (over() > 0 && fitted.author) fitted.author = undefined;
  if (over() > 0 && fitted.title) fitted.title = truncatePlain(fitted.title, Math.max(0, fitted.title.length - over())) || undefined;
  return over() <= 0 && (fitted.title || fitted.description) ? fitted : undefined;
}
