import type { ApplicationCommandOptionChoiceData } from 'discord.js';
import type { Manifest } from '../core/index/index-store.js';
import { articleTopics, matchTyped, openingOf } from '../core/suggestions.js';
import { exampleQuestion } from './components/answer-components.js';
import { t, type Language } from './i18n.js';

/** Discord's limits on autocomplete: 25 choices, names and string values of 1–100 characters. */
export const CHOICE_LIMIT = 25;
export const CHOICE_TEXT_LIMIT = 100;

/** Suggested questions offered before anything is typed. */
const SUGGESTED_QUESTIONS = 10;

/**
 * Cuts text to at most `max` characters as a reader counts them, never
 * inside a surrogate pair, preferring to end after punctuation or a space
 * near the cut; marks the cut with an ellipsis when asked to.
 */
export function cutCleanly(text: string, max: number, ellipsis = true): string {
  const characters = [...text.replace(/\s+/g, ' ').trim()];
  if (characters.length <= max) return characters.join('');
  const room = ellipsis ? max - 1 : max;
  let end = room;
  for (let position = room; position > room * 0.6; position--) {
    if (/[\s,，、;；:：。!！?？)）」』]/u.test(characters[position - 1]!)) {
      end = position;
      break;
    }
  }
  return `${characters.slice(0, end).join('').trimEnd()}${ellipsis ? '…' : ''}`;
}

function choice(name: string, value: string, valueLimit: number): ApplicationCommandOptionChoiceData<string> {
  return { name: cutCleanly(name, CHOICE_TEXT_LIMIT), value: cutCleanly(value, valueLimit, false) };
}

/**
 * What /ask suggests as the question is typed, from memory: with nothing
 * typed, questions the article is sure to answer; otherwise the typed text
 * itself first (free text always works), then the sections and paragraphs
 * whose text contains it, each leading to a question its paragraph answers.
 */
export function askChoices(
  manifest: Manifest,
  typed: string,
  language: Language,
  maxQuestionLength: number,
): ApplicationCommandOptionChoiceData<string>[] {
  const valueLimit = Math.min(CHOICE_TEXT_LIMIT, maxQuestionLength);
  const text = typed.trim();
  if (!text) {
    return articleTopics(manifest, SUGGESTED_QUESTIONS).map((topic) => {
      const question = exampleQuestion(topic, language);
      return choice(question, question, valueLimit);
    });
  }
  const choices = [choice(text, text, valueLimit)];
  for (const match of matchTyped(manifest, text, CHOICE_LIMIT - 1)) {
    const opening = openingOf(manifest.passages[match.passage]!.text);
    const paragraph = manifest.passages[match.passage]!.paragraph;
    const name =
      match.kind === 'section'
        ? `§ ${match.text}: ${opening}`
        : `${t(language, 'paragraphLabel', { paragraph })}: ${opening}`;
    choices.push(choice(name, opening, valueLimit));
  }
  // Two matches can lead to the same opening; Discord wants distinct choices.
  const seen = new Set<string>();
  return choices.filter((entry) => !seen.has(entry.value) && seen.add(entry.value)).slice(0, CHOICE_LIMIT);
}
