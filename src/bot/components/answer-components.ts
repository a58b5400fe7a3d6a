import { ActionRowBuilder, ButtonBuilder, ButtonStyle, StringSelectMenuBuilder } from 'discord.js';
import type { Answer } from '../../core/knowledge-base.js';
import { passageRef } from '../../core/index/passage-refs.js';
import { DISCORD_LIMITS, truncatePlain, type ActionRow } from '../discord-limits.js';
import { t, type Language } from '../i18n.js';
import { ANSWER_PREFIX, encodeCustomId, joinRefs, type AnswerAction } from './custom-ids.js';

/** Quoted passages up to this many get a Context button each; more get one select menu. */
const CONTEXT_BUTTONS = 3;
/** Topics a custom_id can carry whole, with room for the rest of it. */
const TOPIC_LIMIT = 40;

export interface AnswerComponentOptions {
  language: Language;
  /** The answer's id in the question log, for the vote buttons. */
  answerId: string;
  /** Who asked: their clicks page the answer for everyone to see; anyone else's go to them alone. */
  askerId: string;
  /** The answer is visible to the asker alone: it gets a Share button. */
  ephemeral: boolean;
  /** The article's topics, for example questions under a declined answer. */
  topics: readonly string[];
}

function idFor(action: AnswerAction, askerId: string, data = ''): string {
  return encodeCustomId(ANSWER_PREFIX, { action, owner: askerId, data });
}

function row(...components: Array<ButtonBuilder | StringSelectMenuBuilder>): ActionRow {
  return new ActionRowBuilder<ButtonBuilder | StringSelectMenuBuilder>().addComponents(components).toJSON();
}

function button(label: string, customId: string, style = ButtonStyle.Secondary): ButtonBuilder {
  return new ButtonBuilder()
    .setCustomId(customId)
    .setLabel(truncatePlain(label, DISCORD_LIMITS.buttonLabel))
    .setStyle(style);
}

/** The example question about a topic, in the asker's language. */
export function exampleQuestion(topic: string, language: Language): string {
  return t(language, 'exampleQuestion', { topic });
}

/**
 * The buttons under an answer, within Discord's limits (5 rows of 5):
 * More (the next passages of the same ranking) and Context (a quoted
 * paragraph with its neighbours); 👍 / 👎; Share on a private answer. A
 * declined answer offers its closest passage anyway, clearly labelled, and
 * example questions the article does answer.
 */
export function answerComponents(answer: Answer, options: AnswerComponentOptions): ActionRow[] {
  const { language, askerId } = options;
  if (answer.outcome === 'declined') return declineComponents(answer, options);

  const navigation: Array<ButtonBuilder | StringSelectMenuBuilder> = [];
  if (answer.next.length > 0) {
    const refs = answer.next.map((entry) => passageRef(entry.passage));
    navigation.push(button(t(language, 'moreButton'), idFor('more', askerId, joinRefs(refs)), ButtonStyle.Primary));
  }
  const rows: ActionRow[] = [];
  const quoted = answer.results.map((result) => result.passage);
  if (quoted.length <= CONTEXT_BUTTONS) {
    for (const passage of quoted) {
      navigation.push(
        button(
          t(language, 'contextButton', { paragraph: passage.paragraph }),
          idFor('context', askerId, passageRef(passage)),
        ),
      );
    }
    if (navigation.length > 0) rows.push(row(...navigation));
  } else {
    if (navigation.length > 0) rows.push(row(...navigation));
    const select = new StringSelectMenuBuilder()
      .setCustomId(idFor('context', askerId))
      .setPlaceholder(truncatePlain(t(language, 'contextPlaceholder'), DISCORD_LIMITS.selectOptionText))
      .addOptions(
        quoted.slice(0, DISCORD_LIMITS.selectOptions).map((passage) => ({
          label: truncatePlain(
            t(language, 'contextOption', {
              paragraph: passage.paragraph,
              section: passage.section ?? t(language, 'openingSection'),
            }),
            DISCORD_LIMITS.selectOptionText,
          ),
          value: passageRef(passage),
        })),
      );
    rows.push(row(select));
  }

  const feedback = [
    button('👍', idFor('up', askerId, options.answerId)),
    button('👎', idFor('down', askerId, options.answerId)),
  ];
  if (options.ephemeral)
    feedback.push(button(t(language, 'shareButton'), idFor('share', askerId), ButtonStyle.Success));
  rows.push(row(...feedback));
  return rows;
}

function declineComponents(answer: Answer, options: AnswerComponentOptions): ActionRow[] {
  const { language, askerId } = options;
  const rows: ActionRow[] = [];
  const closest = answer.next[0];
  if (closest) {
    rows.push(row(button(t(language, 'closestButton'), idFor('closest', askerId, passageRef(closest.passage)))));
  }
  const examples = options.topics
    .filter((topic) => [...topic].length <= TOPIC_LIMIT && !topic.includes(':'))
    .slice(0, 3)
    .map((topic) => button(exampleQuestion(topic, language), idFor('example', askerId, topic), ButtonStyle.Primary));
  if (examples.length > 0) rows.push(row(...examples));
  return rows;
}
