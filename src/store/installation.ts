/**
 * Where a question was asked, and through whose installation of the app: a server that installed
 * it, a server where only the asker installed it (the bot is not a member there), the asker's DM
 * with the bot, or a group DM or a DM between users (through the asker's installation).
 */
export type Installation = 'server' | 'user-in-server' | 'bot-dm' | 'private-channel';

/** Every installation context, in the order reports list them. */
export const INSTALLATIONS: readonly Installation[] = ['server', 'user-in-server', 'bot-dm', 'private-channel'];
