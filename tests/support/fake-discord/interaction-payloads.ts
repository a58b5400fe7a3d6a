/**
 * INTERACTION_CREATE payloads as Discord builds them: who invoked the interaction, where (a guild
 * channel or a DM with the bot), and the data of each kind of interaction.
 */
import { randomBytes } from 'node:crypto';
import { ApplicationCommandOptionType, ApplicationCommandType, ChannelType, InteractionContextType, InteractionType } from 'discord-api-types/v10';
import { snowflake } from './snowflake.js';
import type { CommandOptionInput, JsonObject, SendInteractionInput } from './types.js';
import { BOT_ROLE_PERMISSIONS, EVERYONE_PERMISSIONS, type World } from './world.js';

/** Discord's default upload limit, which interactions announce as attachment_size_limit. */
export const ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

/** Who invokes an interaction, and where. */
export interface InvocationInput {
  userId?: string;
  username?: string;
  dm?: boolean;
  channelId?: string;
  guildId?: string;
  locale?: string;
  guildLocale?: string;
  memberPermissions?: string;
  appPermissions?: string;
}

export interface Invocation {
  id: string;
  token: string;
  user: JsonObject;
  channelId: string;
  guildId: string | null;
  dispatchedAt: number;
  /** Every field of the payload but `type` and `data`. */
  fields: JsonObject;
}

/** A fresh interaction id and token, and the fields that say who invoked it where. */
export function invocation(world: World, input: InvocationInput): Invocation {
  const now = Date.now();
  const id = snowflake(now);
  // Discord's interaction tokens are long opaque strings; this one names its interaction for debugging.
  const token = Buffer.from(`interaction:${id}:${randomBytes(48).toString('base64url')}`).toString('base64url');
  const user = world.user(input.userId, input.username);
  const common = {
    id,
    application_id: world.applicationId,
    token,
    version: 1,
    locale: input.locale ?? 'en-US',
    app_permissions: input.appPermissions ?? BOT_ROLE_PERMISSIONS,
    entitlements: [],
    entitlement_sku_ids: [],
    attachment_size_limit: ATTACHMENT_SIZE_LIMIT,
  };
  if (input.dm) {
    const channelId = input.channelId ?? world.dmChannelId(user.id);
    return {
      id,
      token,
      user,
      channelId,
      guildId: null,
      dispatchedAt: now,
      fields: {
        ...common,
        channel_id: channelId,
        channel: { id: channelId, type: ChannelType.DM, last_message_id: null, flags: 0, recipients: [user] },
        user,
        authorizing_integration_owners: { '1': user.id },
        context: InteractionContextType.BotDM,
      },
    };
  }
  const channelId = input.channelId ?? world.textChannelId;
  const guildId = input.guildId ?? world.guildId;
  return {
    id,
    token,
    user,
    channelId,
    guildId,
    dispatchedAt: now,
    fields: {
      ...common,
      guild_id: guildId,
      guild: { id: guildId, locale: input.guildLocale ?? 'en-US', features: [] },
      guild_locale: input.guildLocale ?? 'en-US',
      channel_id: channelId,
      channel: { ...world.textChannel, id: channelId, guild_id: guildId, permissions: BOT_ROLE_PERMISSIONS },
      member: { ...world.member(user.id), permissions: input.memberPermissions ?? EVERYONE_PERMISSIONS },
      authorizing_integration_owners: { '0': guildId },
      context: InteractionContextType.Guild,
    },
  };
}

/** Options from a {name: value} map (string → 3, integer → 4, other number → 10, boolean → 5), or raw. */
export function commandOptions(input: CommandOptionInput | undefined): JsonObject[] | undefined {
  if (input === undefined) return undefined;
  if (Array.isArray(input)) return input;
  return Object.entries(input).map(([name, value]) => ({ name, type: optionTypeOf(value), value }));
}

function optionTypeOf(value: string | number | boolean): ApplicationCommandOptionType {
  if (typeof value === 'string') return ApplicationCommandOptionType.String;
  if (typeof value === 'boolean') return ApplicationCommandOptionType.Boolean;
  return Number.isInteger(value) ? ApplicationCommandOptionType.Integer : ApplicationCommandOptionType.Number;
}

/** A slash command (chat input) interaction. */
export function chatInputPayload(world: World, input: SendInteractionInput, commandId: string): { invocation: Invocation; payload: JsonObject } {
  const invoked = invocation(world, input);
  const data: JsonObject = { id: commandId, name: input.name, type: ApplicationCommandType.ChatInput };
  const options = commandOptions(input.options);
  if (options) data.options = options;
  if (input.resolved) data.resolved = input.resolved;
  if (!input.dm) data.guild_id = input.guildId ?? world.guildId;
  let payload: JsonObject = { ...invoked.fields, type: InteractionType.ApplicationCommand, data };
  if (input.overrides) payload = { ...payload, ...input.overrides };
  return { invocation: invoked, payload };
}
