import { MessageFlags, type MessageComponentInteraction } from 'discord.js';
import type { Passage } from '../../core/corpus/corpus.js';
import type { KnowledgeBase } from '../../core/knowledge-base.js';
import { resolvePassageRef } from '../../core/index/passage-refs.js';
import type { ComponentHandler, CommandContext } from '../commands/command.js';
import type { ActionRow, ReplyPayload } from '../discord-limits.js';
import { UserFacingError } from '../errors.js';
import { t } from '../i18n.js';
import { answerInteraction } from '../interaction-answers.js';
import { tooManyQuestions } from '../questions.js';
import { NO_MENTIONS, respond } from '../replies.js';
import { exampleQuestion } from './answer-components.js';
import { ANSWER_PREFIX, decodeCustomId, splitRefs, type AnswerAction, type ComponentState } from './custom-ids.js';
import { closestView, contextView, moreView } from './passage-views.js';
import { sourceUrlsOf } from '../citation-links.js';

/** The passages that references name in the served index; a reference that names none means it was rebuilt since. */
function passagesOf(knowledgeBase: KnowledgeBase, refs: readonly string[]): Passage[] {
  const { manifest } = knowledgeBase;
  const passages = refs
    .map((ref) => resolvePassageRef(manifest, ref))
    .map((index) => (index === undefined ? undefined : manifest.passages[index]));
  if (passages.length === 0 || passages.some((passage) => passage === undefined))
    throw new UserFacingError('passageGone');
  return passages as Passage[];
}

/**
 * Pages and context opened by the asker follow the answer's own visibility;
 * anyone else's go to them alone, so nobody's clicks change what everyone sees.
 */
function privately(interaction: MessageComponentInteraction, state: ComponentState<AnswerAction>): boolean {
  return interaction.user.id !== state.owner || interaction.message.flags.has(MessageFlags.Ephemeral);
}

async function show(
  interaction: MessageComponentInteraction,
  state: ComponentState<AnswerAction>,
  view: (knowledgeBase: KnowledgeBase) => ReplyPayload,
  context: CommandContext,
): Promise<void> {
  await respond(interaction, async () => view(await context.knowledge.whenReady()), {
    ephemeral: privately(interaction, state),
    deferNow: context.knowledge.current === undefined,
  });
}

async function vote(
  interaction: MessageComponentInteraction,
  answerId: string,
  value: 1 | -1,
  context: CommandContext,
) {
  const { language } = context;
  // The question log never throws for a storage failure: it logs it and says so.
  const outcome = await context.questionLog.recordVote({ answerId, userId: interaction.user.id, value });
  const text =
    outcome === 'failed'
      ? t(language, 'voteUnavailable')
      : outcome === 'recorded'
        ? t(language, value === 1 ? 'voteRecordedUp' : 'voteRecordedDown')
        : t(language, outcome === 'changed' ? 'voteChanged' : 'voteUnchanged');
  // Acknowledged to the voter alone: the shared message does not change.
  await interaction.reply({ content: text, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}

/** Posts a private answer for everyone, as it is, saying who shared it (without pinging them). */
async function share(interaction: MessageComponentInteraction, context: CommandContext): Promise<void> {
  const { message } = interaction;
  const components = message.components
    .map((row) => row.toJSON() as ActionRow)
    .map((row) => ({
      ...row,
      components: row.components.filter(
        (component) => !('custom_id' in component && component.custom_id.startsWith(`${ANSWER_PREFIX}:s:`)),
      ),
    }))
    .filter((row) => row.components.length > 0);
  const sharedBy = t(context.language, 'sharedBy', { user: `<@${interaction.user.id}>` });
  await interaction.reply({
    content: [sharedBy, message.content].filter(Boolean).join('\n').slice(0, 2000),
    embeds: message.embeds.map((embed) => embed.toJSON()),
    components,
    allowedMentions: NO_MENTIONS,
  });
}

/** Asks an example question for whoever clicked it, privately, with the usual buttons. */
async function askExample(interaction: MessageComponentInteraction, topic: string, context: CommandContext) {
  const admission = await context.questionLimiter.take(interaction.user.id);
  if (!admission.allowed) throw tooManyQuestions(admission, context.questionLimiter);
  const question = exampleQuestion(topic, context.language);
  // An example question is asked as a slash command would ask it.
  await answerInteraction(interaction, { question, source: 'slash', ephemeral: true, receivedAt: Date.now() }, context);
}

/** The buttons and select menu under answers (see answer-components.ts for what each one is). */
export const answerActions: ComponentHandler = {
  prefix: ANSWER_PREFIX,

  async handle(interaction, context) {
    const state = decodeCustomId<AnswerAction>(ANSWER_PREFIX, interaction.customId);
    if (!state) throw new UserFacingError('unknownComponent');
    const { language } = context;
    switch (state.action) {
      case 'more':
        return show(
          interaction,
          state,
          (knowledgeBase) =>
            moreView(passagesOf(knowledgeBase, splitRefs(state.data)), language, sourceUrlsOf(knowledgeBase.manifest)),
          context,
        );
      case 'context': {
        const ref = state.data || (interaction.isStringSelectMenu() ? (interaction.values[0] ?? '') : '');
        return show(
          interaction,
          state,
          (knowledgeBase) => {
            passagesOf(knowledgeBase, [ref]);
            return contextView(knowledgeBase.manifest, resolvePassageRef(knowledgeBase.manifest, ref)!, language);
          },
          context,
        );
      }
      case 'closest':
        return show(
          interaction,
          state,
          (knowledgeBase) =>
            closestView(passagesOf(knowledgeBase, [state.data])[0]!, language, sourceUrlsOf(knowledgeBase.manifest)),
          context,
        );
      case 'up':
      case 'down':
        return vote(interaction, state.data, state.action === 'up' ? 1 : -1, context);
      case 'share':
        return share(interaction, context);
      case 'example':
        return askExample(interaction, state.data, context);
    }
  },
};
