import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed } from 'discord.js';

/**
 * Discord's message limits, and the cuts that keep every reply within them
 * whatever the formatters did.
 */

/** Discord's documented message limits. Lengths here are UTF-16 code units, never fewer than Discord's count. */
export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFooter: 2048,
  embedAuthor: 256,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  embedTotal: 6000,
  actionRows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  selectOptions: 25,
  selectOptionText: 100,
} as const;

/** A row of buttons, or one select menu. */
export type ActionRow = APIActionRowComponent<APIComponentInMessageActionRow>;

/** What the bot sends: the same shape for interaction replies, edits and message replies. */
export interface ReplyPayload {
  content: string;
  embeds: APIEmbed[];
  /** Buttons and select menus under the message, when it has any. */
  components?: ActionRow[];
}

const ELLIPSIS = '…';

/** Moves an index off the middle of a surrogate pair, so a cut never splits an emoji or a rare character. */
export function codePointBoundary(text: string, index: number): number {
  if (index <= 0 || index >= text.length) return Math.max(0, Math.min(index, text.length));
  const before = text.charCodeAt(index - 1);
  const after = text.charCodeAt(index);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff ? index - 1 : index;
}

/** Cuts plain text (not markdown) to at most `max` units, marking the cut with an ellipsis. */
export function truncatePlain(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= ELLIPSIS.length) return ELLIPSIS.slice(0, Math.max(0, max));
  return `${text.slice(0, codePointBoundary(text, max - ELLIPSIS.length)).trimEnd()}${ELLIPSIS}`;
}

/** Characters an embed counts towards the message's total. */
function embedSize(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0)
  );
}

/**
 * Guarantees every Discord limit whatever the formatters above did: cuts
 * each part to its own limit and drops trailing embeds past the total. The
 * formatters budget so that this changes nothing; it exists so that a reply
 * can never be rejected for its size.
 */
export function enforceLimits(payload: ReplyPayload): ReplyPayload {
  const embeds = payload.embeds.slice(0, DISCORD_LIMITS.embeds).map((embed) => {
    const fitted: APIEmbed = { ...embed };
    if (fitted.title !== undefined) fitted.title = truncatePlain(fitted.title, DISCORD_LIMITS.embedTitle);
    if (fitted.description !== undefined)
      fitted.description = truncatePlain(fitted.description, DISCORD_LIMITS.embedDescription);
    if (fitted.footer)
      fitted.footer = { ...fitted.footer, text: truncatePlain(fitted.footer.text, DISCORD_LIMITS.embedFooter) };
    if (fitted.author)
      fitted.author = { ...fitted.author, name: truncatePlain(fitted.author.name, DISCORD_LIMITS.embedAuthor) };
    if (fitted.fields) {
      fitted.fields = fitted.fields.slice(0, DISCORD_LIMITS.embedFields).map((field) => ({
        ...field,
        name: truncatePlain(field.name, DISCORD_LIMITS.fieldName) || ELLIPSIS,
        value: truncatePlain(field.value, DISCORD_LIMITS.fieldValue) || ELLIPSIS,
      }));
    }
    return fitted;
  });
  const kept: APIEmbed[] = [];
  let total = 0;
  for (const embed of embeds) {
    const size = embedSize(embed);
    if (total + size <= DISCORD_LIMITS.embedTotal) {
      kept.push(embed);
      total += size;
      continue;
    }
    const shrunk = shrinkEmbed(embed, DISCORD_LIMITS.embedTotal - total);
    if (shrunk) kept.push(shrunk);
    break;
  }
  const fitted: ReplyPayload = { content: truncatePlain(payload.content, DISCORD_LIMITS.content), embeds: kept };
  if (payload.components) fitted.components = payload.components.slice(0, DISCORD_LIMITS.actionRows);
  return fitted;
}

/** An embed cut down to `room` characters: fields go first, then the description, footer, author and title are shortened. */
function shrinkEmbed(embed: APIEmbed, room: number): APIEmbed | undefined {
  const fitted: APIEmbed = { ...embed, fields: [...(embed.fields ?? [])] };
  const over = () => embedSize(fitted) - room;
  while (over() > 0 && fitted.fields!.length > 0) fitted.fields!.pop();
  if (fitted.fields!.length === 0) delete fitted.fields;
  if (over() > 0 && fitted.description)
    fitted.description =
      truncatePlain(fitted.description, Math.max(0, fitted.description.length - over())) || undefined;
  if (over() > 0 && fitted.footer) fitted.footer = undefined;
  if (over() > 0 && fitted.author) fitted.author = undefined;
  if (over() > 0 && fitted.title)
    fitted.title = truncatePlain(fitted.title, Math.max(0, fitted.title.length - over())) || undefined;
  return over() <= 0 && (fitted.title || fitted.description) ? fitted : undefined;
}
