import { answerActions } from '../components/answer-actions.js';
import { about } from './about.js';
import { corpus } from './corpus.js';
import { ask } from './ask.js';
import { askTheArticle } from './ask-the-article.js';
import type { ComponentHandler, MessageCommand, SlashCommand } from './command.js';
import { help } from './help.js';
import { read, readPages } from './read.js';
import { reindex } from './reindex.js';
import { stats } from './stats.js';

/** Every slash command of the bot, in the order Discord lists them. */
export const commands: readonly SlashCommand[] = [ask, read, about, help, reindex, stats, corpus];

/** Every message context-menu command. */
export const messageCommands: readonly MessageCommand[] = [askTheArticle];

/** Every handler of buttons and select menus, by the prefix of their custom_id. */
export const componentHandlers: readonly ComponentHandler[] = [answerActions, readPages];

export type { CommandContext, CommandName, ComponentHandler, MessageCommand, SlashCommand } from './command.js';
