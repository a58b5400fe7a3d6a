/**
 * The colours of the bot's embeds: Discord's blurple for answers and its own words, amber for the
 * passages of a partial answer (the article lacks part of the question), grey for "not covered".
 */
export const EMBED_COLORS = {
  answer: 0x5865f2,
  partial: 0xfaa61a,
  notCovered: 0x99aab5,
} as const;
