/** The colours of the bot's embeds: Discord's blurple for answers and its own words, grey for "not covered". */
export const EMBED_COLORS = {
  answer: 0x5865f2,
  notCovered: 0x99aab5,
} as const;
