import { MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import { checkDocumentName, CorpusEditor } from '../../core/corpus-editor.js';
import { CorpusEditError } from '../../core/corpus/corpus-edit-error.js';
import { MAX_DOCUMENT_BYTES } from '../../core/corpus/document-decoding.js';
import { checkedUrl } from '../../core/corpus/web/page-fetch.js';
import type { KnowledgeBase } from '../../core/knowledge-base.js';
import { isBotAdmin } from '../admins.js';
import { downloadAttachment } from '../attachment-download.js';
import { DISCORD_LIMITS, enforceLimits } from '../discord-limits.js';
import { EMBED_COLORS } from '../embed-colors.js';
import { UserFacingError } from '../errors.js';
import { localizations, t, type COMMAND_NAMES, type MessageKey } from '../i18n.js';
import { escapeQuoted, fitEscaped } from '../markdown.js';
import { describeRebuild, failureReason, withRebuildProgress } from '../rebuild-progress.js';
import { NO_MENTIONS } from '../replies.js';
import { adminCommandBuilder, type CommandContext, type SlashCommand } from './command.js';

/** One editor per knowledge base: it runs the bot's corpus changes one at a time. */
const editors = new WeakMap<KnowledgeBase, CorpusEditor>();

function editorFor(knowledgeBase: KnowledgeBase, corpusPath: string): CorpusEditor {
  let editor = editors.get(knowledgeBase);
  if (!editor) editors.set(knowledgeBase, (editor = new CorpusEditor(knowledgeBase, corpusPath)));
  return editor;
}

/** What subcommand and option builders share: a name and a description, each with localizations. */
interface Describable<Builder> {
  setName(name: string): Builder;
  setNameLocalizations(localized: ReturnType<typeof localizations>): Builder;
  setDescription(description: string): Builder;
  setDescriptionLocalizations(localized: ReturnType<typeof localizations>): Builder;
}

/** A subcommand's or option's English name and description, with their Chinese localizations. */
function named<Builder extends Describable<Builder>>(
  option: Builder,
  name: keyof typeof COMMAND_NAMES,
  description: MessageKey,
): Builder {
  return option
    .setName(name)
    .setNameLocalizations(localizations({ name }))
    .setDescription(t('en', description))
    .setDescriptionLocalizations(localizations({ key: description }));
}

/** A rebuild after a change that failed: the change was undone, and the admin is told why. */
function rebuildFailed(error: unknown, context: CommandContext): never {
  if (error instanceof CorpusEditError || error instanceof UserFacingError) throw error;
  context.logger.warn({ err: error }, 'a corpus change was undone: its rebuild failed');
  throw new UserFacingError('corpusRebuildFailed', { reason: failureReason(error) }, { cause: error });
}

/** A document to add: an uploaded file, or a page fetched from a link. */
interface Addition {
  name: string;
  bytes: Uint8Array;
  /** Where it was fetched from, for a page. */
  url?: string;
}

async function fromFile(
  interaction: ChatInputCommandInteraction,
  editor: () => Promise<CorpusEditor>,
): Promise<() => Promise<Addition>> {
  const file = interaction.options.getAttachment('file', true);
  // What can be told before downloading is told at once.
  checkDocumentName(file.name);
  if (file.size > MAX_DOCUMENT_BYTES)
    throw new CorpusEditError({ kind: 'tooLarge', bytes: file.size, limit: MAX_DOCUMENT_BYTES });
  return async () => {
    await (await editor()).checkEditable();
    return { name: file.name, bytes: await downloadAttachment(file, MAX_DOCUMENT_BYTES) };
  };
}

function fromLink(link: string, context: CommandContext): () => Promise<Addition> {
  // A link that is not http(s) is told at once.
  checkedUrl(link);
  return async () => {
    // Reading a page takes a DOM (linkedom, ~23 MiB): loaded by the first link, not by every bot at start.
    const { webDocument } = await import('../../core/corpus/web/web-document.js');
    const document = await webDocument(link, { allowPrivate: context.config.allowPrivateUrls });
    return { name: document.name, bytes: document.bytes, url: document.metadata.sourceUrl };
  };
}

async function add(interaction: ChatInputCommandInteraction, context: CommandContext): Promise<void> {
  const { language } = context;
  const link = interaction.options.getString('url');
  const hasFile = interaction.options.getAttachment('file') !== null;
  if (hasFile === (link !== null)) throw new UserFacingError('corpusFileOrUrl');
  const replace = interaction.options.getBoolean('replace') ?? false;
  const editor = async () => editorFor(await context.knowledge.whenReady(), context.config.corpusPath);
  const fetchAddition = link === null ? await fromFile(interaction, editor) : fromLink(link, context);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const addition = await fetchAddition();
  const corpusEditor = await editor();
  await corpusEditor.checkEditable();

  const name = escapeQuoted(addition.name);
  const heading = t(language, replace ? 'corpusReplacing' : 'corpusAdding', { name });
  context.logger.info(
    { user: interaction.user.id, document: addition.name, url: addition.url, bytes: addition.bytes.length },
    'adding a document',
  );
  let added;
  try {
    added = await withRebuildProgress(interaction, context, heading, (onProgress) =>
      corpusEditor.add(addition.name, addition.bytes, { replace }, onProgress),
    );
  } catch (error) {
    rebuildFailed(error, context);
  }
  const done = addition.url
    ? t(language, added.replaced ? 'corpusReplacedFrom' : 'corpusAddedFrom', {
        name,
        url: `<${addition.url}>`,
        passages: added.passages,
      })
    : t(language, added.replaced ? 'corpusReplaced' : 'corpusAdded', {
        name,
        encoding: added.encoding,
        passages: added.passages,
      });
  await interaction.editReply({
    content: `${done}\n${describeRebuild(added.report, language)}`.slice(0, DISCORD_LIMITS.content),
    allowedMentions: NO_MENTIONS,
  });
}

async function remove(interaction: ChatInputCommandInteraction, context: CommandContext): Promise<void> {
  const { language } = context;
  const document = interaction.options.getString('document', true);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const knowledgeBase = await context.knowledge.whenReady();
  const editor = editorFor(knowledgeBase, context.config.corpusPath);
  const name = escapeQuoted(document);
  context.logger.info({ user: interaction.user.id, document }, 'removing a document');
  let report;
  try {
    report = await withRebuildProgress(interaction, context, t(language, 'corpusRemoving', { name }), (onProgress) =>
      editor.remove(document, onProgress),
    );
  } catch (error) {
    rebuildFailed(error, context);
  }
  await interaction.editReply({
    content: `${t(language, 'corpusRemoved', { name })}\n${describeRebuild(report, language)}`,
    allowedMentions: NO_MENTIONS,
  });
}

async function list(interaction: ChatInputCommandInteraction, context: CommandContext): Promise<void> {
  const { language } = context;
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const knowledgeBase = await context.knowledge.whenReady();
  const { manifest } = knowledgeBase;
  const lines = manifest.corpus.documents.map((document) => {
    const passages = manifest.passages.filter((passage) => passage.document === document.name).length;
    return fitEscaped(
      document.title,
      120,
      (title) => `• ${t(language, 'corpusListEntry', { title, name: escapeQuoted(document.name), passages })}`,
    );
  });
  const description = [...lines, ...(knowledgeBase.isRebuilding ? ['', t(language, 'corpusListRebuilding')] : [])]
    .join('\n')
    .slice(0, DISCORD_LIMITS.embedDescription);
  await interaction.editReply({
    ...enforceLimits({
      content: '',
      embeds: [{ title: t(language, 'corpusListTitle'), description, color: EMBED_COLORS.answer }],
    }),
    allowedMentions: NO_MENTIONS,
  });
}

/**
 * `/corpus add file:<attachment> [replace:True]` (or `url:<link>`: an article from the web), `/corpus list` and
 * `/corpus remove document:<name>`: the documents the bot answers from,
 * managed from Discord by its admins. Every change rebuilds the index
 * (embedding only new paragraphs), with progress as /reindex shows it, and
 * is undone if the rebuild fails; bad input changes nothing and gets a clear,
 * ephemeral reply.
 */
export const corpus: SlashCommand = {
  name: 'corpus',
  data: () =>
    adminCommandBuilder('corpus', 'corpusDescription')
      .addSubcommand((subcommand) =>
        named(subcommand, 'add', 'corpusAddDescription')
          .addAttachmentOption((option) => named(option, 'file', 'corpusFileDescription').setRequired(false))
          .addStringOption((option) =>
            named(option, 'url', 'corpusUrlDescription').setRequired(false).setMaxLength(2000),
          )
          .addBooleanOption((option) => named(option, 'replace', 'corpusReplaceDescription').setRequired(false)),
      )
      .addSubcommand((subcommand) => named(subcommand, 'list', 'corpusListDescription'))
      .addSubcommand((subcommand) =>
        named(subcommand, 'remove', 'corpusRemoveDescription').addStringOption((option) =>
          named(option, 'document', 'corpusDocumentDescription').setRequired(true).setAutocomplete(true),
        ),
      )
      .toJSON(),

  async execute(interaction, context) {
    if (!isBotAdmin(interaction, context.config)) throw new UserFacingError('adminOnly');
    switch (interaction.options.getSubcommand()) {
      case 'add':
        return add(interaction, context);
      case 'remove':
        return remove(interaction, context);
      default:
        return list(interaction, context);
    }
  },

  /** The documents on disk whose names contain what was typed; nothing for anyone but admins. */
  async autocomplete(interaction, context) {
    if (!isBotAdmin(interaction, context.config)) return [];
    const knowledgeBase = context.knowledge.current;
    if (!knowledgeBase) return [];
    const typed = interaction.options.getFocused().toLowerCase();
    const names = await editorFor(knowledgeBase, context.config.corpusPath).documentNames();
    return names
      .filter((name) => name.toLowerCase().includes(typed) && name.length <= 100)
      .map((name) => ({ name, value: name }));
  },
};
