import type { Highlight } from '../core/search/retrieval.js';
import { codePointBoundary } from './discord-limits.js';
import { escapeQuoted } from './markdown.js';

const ELLIPSIS = '…';

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
    if (last && (range.start <= last.end || /^\s*$/.test(text.slice(last.end, range.start))))
      last.end = Math.max(last.end, range.end);
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
    return pieces.length > 0
      ? pieces
      : [{ start: marks[0]!.start, end: codePointBoundary(text, marks[0]!.start + limit) }];
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
  return (
    before !== undefined &&
    after !== undefined &&
    WORD_CHARACTER.test(before) &&
    WORD_CHARACTER.test(after) &&
    !HAN.test(before) &&
    !HAN.test(after)
  );
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
