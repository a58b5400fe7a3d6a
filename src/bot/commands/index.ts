import { about } from './about.js';
import { ask } from './ask.js';
import type { SlashCommand } from './command.js';
import { help } from './help.js';
import { reindex } from './reindex.js';

/** Every slash command of the bot, in the order Discord lists them. */
export const commands: readonly SlashCommand[] = [ask, about, help, reindex];

export type { CommandContext, CommandName, SlashCommand } from './command.js';
