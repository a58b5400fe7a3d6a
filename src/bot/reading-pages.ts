import { ButtonBuilder, ButtonStyle, ActionRowBuilder, StringSelectMenuBuilder } from 'discord.js';
import type { Manifest } from '../core/index/index-store.js';
import { passageRef } from '../core/index/passage-refs.js';
import { encodeCustomId, READ_PREFIX } from './components/custom-ids.js';
import { sourceUrlsOf } from './citation-links.js';
import { passageEmbeds } from './components/passage-views.js';
import { DISCORD_LIMITS, enforceLimits, truncatePlain, type ActionRow, type ReplyPayload } from './discord-limits.js';
import { t, type Language } from './i18n.js';
import { fitEscaped } from './markdown.js';

/**
 * The article a page at a time for /read: consecutive paragraphs of one
 * document, at most three and about 4,500 characters to a page, so that a
 * page fits a message whole. A page starts where the reader asked (a
 * section, a paragraph) and the next one where it ended.
 */
const PARAGRAPHS_PER_PAGE = 3;
const CHARACTERS_PER_PAGE = 4500;

export interface ReadingPage {
  /** Positions in the passage table, inclusive. */
  first: number;
  last: number;
}

/** The page that starts at a passage (`direction` 1) or ends at it (-1). */
export function pageFrom(manifest: Manifest, position: number, direction: 1 | -1 = 1): ReadingPage {
  const { passages } = manifest;
  const document = passages[position]!.document;
  let first = position;
  let last = position;
  let length = passages[position]!.text.length;
  for (;;) {
    const candidate = direction === 1 ? last + 1 : first - 1;
    const passage = passages[candidate];
    if (!passage || passage.document !== document || last - first + 1 >= PARAGRAPHS_PER_PAGE) break;
    if (length + passage.text.length > CHARACTERS_PER_PAGE) break;
    length += passage.text.length;
    if (direction === 1) last = candidate;
    else first = candidate;
  }
  return { first, last };
}

/** Each section's first passage, in the article's order. */
export function sectionStarts(manifest: Manifest): Array<{ title: string; position: number }> {
  const starts: Array<{ title: string; position: number }> = [];
  manifest.passages.forEach((passage, position) => {
    const previous = manifest.passages[position - 1];
    if (passage.section && (passage.section !== previous?.section || passage.document !== previous.document)) {
      starts.push({ title: passage.section, position });
    }
  });
  return starts;
}

function navigationRow(manifest: Manifest, page: ReadingPage, readerId: string, language: Language): ActionRow {
  const { passages } = manifest;
  const previous = passages[page.first - 1];
  const next = passages[page.last + 1];
  // Disabled buttons still need distinct custom_ids.
  const back = encodeCustomId(READ_PREFIX, {
    action: 'back',
    owner: readerId,
    data: previous ? passageRef(previous) : 'start',
  });
  const forward = encodeCustomId(READ_PREFIX, {
    action: 'page',
    owner: readerId,
    data: next ? passageRef(next) : 'end',
  });
  return new ActionRowBuilder<ButtonBuilder>()
    .addComponents(
      new ButtonBuilder()
        .setCustomId(back)
        .setLabel(t(language, 'readPrevious'))
        .setStyle(ButtonStyle.Secondary)
        .setDisabled(!previous),
      new ButtonBuilder()
        .setCustomId(forward)
        .setLabel(t(language, 'readNext'))
        .setStyle(ButtonStyle.Primary)
        .setDisabled(!next),
    )
    .toJSON();
}

/** A section picker, when there are several: the 25 sections around the current one if there are more. */
function sectionRow(
  manifest: Manifest,
  page: ReadingPage,
  readerId: string,
  language: Language,
): ActionRow | undefined {
  const starts = sectionStarts(manifest);
  if (starts.length < 2) return undefined;
  const current = starts.filter((start) => start.position <= page.last).length - 1;
  const from = Math.max(0, Math.min(current - 12, starts.length - DISCORD_LIMITS.selectOptions));
  const shown = starts.slice(from, from + DISCORD_LIMITS.selectOptions);
  const select = new StringSelectMenuBuilder()
    .setCustomId(encodeCustomId(READ_PREFIX, { action: 'section', owner: readerId, data: '' }))
    .setPlaceholder(truncatePlain(t(language, 'readSectionPlaceholder'), DISCORD_LIMITS.selectOptionText))
    .addOptions(
      shown.map((start, index) => ({
        label: truncatePlain(start.title, DISCORD_LIMITS.selectOptionText),
        value: passageRef(manifest.passages[start.position]!),
        default: from + index === current,
      })),
    );
  return new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(select).toJSON();
}

/** One page of the article, with previous and next buttons and a section picker. */
export function renderPage(
  manifest: Manifest,
  page: ReadingPage,
  readerId: string,
  language: Language,
  notice?: string,
): ReplyPayload {
  const passages = manifest.passages.slice(page.first, page.last + 1);
  const entries = passages.map((passage) => ({
    passage,
    title: fitEscaped(passage.section ?? t(language, 'openingSection'), DISCORD_LIMITS.embedTitle, (section) =>
      t(language, 'readEntry', { paragraph: passage.paragraph, section }),
    ),
    highlighted: true,
  }));
  const inDocument = manifest.passages.filter((passage) => passage.document === passages[0]!.document).length;
  const footer = truncatePlain(
    t(language, 'readFooter', {
      from: passages[0]!.paragraph,
      to: passages.at(-1)!.paragraph,
      total: inDocument,
      title: passages[0]!.title,
    }),
    DISCORD_LIMITS.embedFooter,
  );
  const components = [navigationRow(manifest, page, readerId, language)];
  const sections = sectionRow(manifest, page, readerId, language);
  if (sections) components.push(sections);
  return enforceLimits({
    content: notice ?? '',
    embeds: passageEmbeds(entries, footer, sourceUrlsOf(manifest)),
    components,
  });
}
