import { MessageFlags, type MessageComponentInteraction } from 'discord.js';
import type { Manifest } from '../../core/index/index-store.js';
import { normalizeText } from '../../core/corpus/normalize.js';
import { passageRef, resolvePassageRef } from '../../core/index/passage-refs.js';
import { decodeCustomId, READ_PREFIX, type ReadAction } from '../components/custom-ids.js';
import { UserFacingError } from '../errors.js';
import { localizations, t } from '../i18n.js';
import { pageFrom, renderPage, sectionStarts } from '../reading-pages.js';
import { NO_MENTIONS, respond } from '../replies.js';
import { CHOICE_LIMIT, cutCleanly } from '../suggestion-choices.js';
import { commandBuilder, type ComponentHandler, type SlashCommand } from './command.js';

/** Where /read starts: a section (its first passage's reference, or its title as typed), a paragraph number, or the beginning. */
function startingPosition(manifest: Manifest, section: string | null, paragraph: number | null): number {
  const starts = sectionStarts(manifest);
  const sectionStart =
    section === null
      ? undefined
      : (resolvePassageRef(manifest, section) ??
        starts.find((start) => normalizeText(start.title) === normalizeText(section))?.position ??
        starts.find((start) => normalizeText(start.title).includes(normalizeText(section)))?.position);
  if (paragraph === null) return sectionStart ?? 0;
  const document = manifest.passages[sectionStart ?? 0]!.document;
  const inDocument = manifest.passages.filter((passage) => passage.document === document);
  const position = manifest.passages.findIndex(
    (passage) => passage.document === document && passage.paragraph === paragraph,
  );
  if (position === -1) throw new UserFacingError('readNoSuchParagraph', { paragraph, paragraphs: inDocument.length });
  return position;
}

/** `/read [section] [paragraph]`: the article in Discord, a page at a time, privately. */
export const read: SlashCommand = {
  name: 'read',
  data: () =>
    commandBuilder('read', 'readDescription')
      .addStringOption((option) =>
        option
          .setName('section')
          .setNameLocalizations(localizations({ name: 'section' }))
          .setDescription(t('en', 'readSectionDescription'))
          .setDescriptionLocalizations(localizations({ key: 'readSectionDescription' }))
          .setRequired(false)
          .setAutocomplete(true),
      )
      .addIntegerOption((option) =>
        option
          .setName('paragraph')
          .setNameLocalizations(localizations({ name: 'paragraph' }))
          .setDescription(t('en', 'readParagraphDescription'))
          .setDescriptionLocalizations(localizations({ key: 'readParagraphDescription' }))
          .setRequired(false)
          .setMinValue(1),
      )
      .toJSON(),

  async execute(interaction, context) {
    const section = interaction.options.getString('section');
    const paragraph = interaction.options.getInteger('paragraph');
    await respond(
      interaction,
      async () => {
        const { manifest } = await context.knowledge.whenReady();
        const position = startingPosition(manifest, section, paragraph);
        return renderPage(manifest, pageFrom(manifest, position), interaction.user.id, context.language);
      },
      { ephemeral: true, deferNow: context.knowledge.current === undefined },
    );
  },

  /** The sections whose titles contain what is typed, from memory. */
  async autocomplete(interaction, context) {
    const knowledgeBase = context.knowledge.current;
    if (!knowledgeBase) return [];
    const { manifest } = knowledgeBase;
    const typed = normalizeText(interaction.options.getFocused());
    return (
      sectionStarts(manifest)
        .filter((start) => normalizeText(start.title).includes(typed))
        .slice(0, CHOICE_LIMIT)
        // The value is the section's first passage's reference, not its title: titles may repeat across
        // documents and run past 100 characters.
        .map((start) => ({ name: cutCleanly(start.title, 100), value: passageRef(manifest.passages[start.position]!) }))
    );
  },
};

/**
 * Previous, next and the section picker. The reader's clicks turn their own
 * page; anyone else gets the page privately, with buttons of their own.
 */
export const readPages: ComponentHandler = {
  prefix: READ_PREFIX,

  async handle(interaction: MessageComponentInteraction, context) {
    const state = decodeCustomId<ReadAction>(READ_PREFIX, interaction.customId);
    if (!state) throw new UserFacingError('unknownComponent');
    const turnsOwnPage = interaction.user.id === state.owner;
    // Every click is acknowledged within Discord's 3 s: while the index still loads (after a restart), at once.
    if (!context.knowledge.current) {
      if (turnsOwnPage) await interaction.deferUpdate();
      else await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    }
    const { manifest } = await context.knowledge.whenReady();
    const ref =
      state.action === 'section' && interaction.isStringSelectMenu() ? (interaction.values[0] ?? '') : state.data;
    const position = resolvePassageRef(manifest, ref);
    const notice = position === undefined ? t(context.language, 'readPageGone') : undefined;
    const page =
      position === undefined ? pageFrom(manifest, 0) : pageFrom(manifest, position, state.action === 'back' ? -1 : 1);
    const reader = turnsOwnPage ? state.owner : interaction.user.id;
    const payload = { ...renderPage(manifest, page, reader, context.language, notice), allowedMentions: NO_MENTIONS };
    if (interaction.deferred) await interaction.editReply(payload);
    else if (turnsOwnPage) await interaction.update(payload);
    else await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
  },
};
