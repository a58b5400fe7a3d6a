/**
 * INTERACTION_CREATE payloads as Discord builds them: who invoked the interaction, where (a guild
 * channel or a DM with the bot), and the data of each kind of interaction.
 */
import { randomBytes } from 'node:crypto';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  InteractionContextType,
  InteractionType,
} from 'discord-api-types/v10';
import { snowflake } from './snowflake.js';
import type {
  AttachmentInput,
  CommandOptionInput,
  InteractionUserInput,
  JsonObject,
  MessageRecord,
  SendAutocompleteInput,
  SendInteractionInput,
  SendMessageCommandInput,
  UserInstallPlace,
} from './types.js';
import { ATTACHMENT_SIZE_LIMIT } from './validation.js';
import { BOT_ROLE_PERMISSIONS, EVERYONE_PERMISSIONS, USER_INSTALL_APP_PERMISSIONS, type World } from './world.js';

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
  /**
   * The app is installed by the invoking user only, and used in a server that did not invite the
   * bot, in the user's DM with the bot, or in a group DM: see {@link userInstalledInvocation}.
   */
  userInstall?: UserInstallPlace;
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
  if (input.userInstall && input.userInstall !== 'bot-dm')
    return userInstalledInvocation(world, input, { id, token, user, now, common });
  if (input.dm || input.userInstall === 'bot-dm') {
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
  const guildId = input.guildId ?? world.guildId;
  const channelId = input.channelId ?? world.textChannelIdOf(guildId);
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

/**
 * An interaction as Discord sends it for an app the user installed to their account, used where
 * the bot is not a member: authorized by the user alone (`authorizing_integration_owners` holds
 * only USER_INSTALL), in a channel the bot cannot see, with the few permissions such an app has.
 * In a server (context 0) the invoker is a member of it; in a group DM or a DM between users
 * (context 2) there is no member and no server.
 */
function userInstalledInvocation(
  world: World,
  input: InvocationInput,
  made: { id: string; token: string; user: JsonObject; now: number; common: JsonObject },
): Invocation {
  const { id, token, user, now } = made;
  const inGuild = input.userInstall === 'guild';
  const channel = input.channelId
    ? (world.unseen(input.channelId) ?? { id: input.channelId, guildId: null, type: ChannelType.GroupDM })
    : world.unseenChannel(inGuild ? 'guild' : 'private-channel');
  const common = {
    ...made.common,
    app_permissions: input.appPermissions ?? USER_INSTALL_APP_PERMISSIONS,
    authorizing_integration_owners: { '1': user.id },
    channel_id: channel.id,
    user,
  };
  if (inGuild) {
    const guildId = channel.guildId!;
    const { user: _user, ...member } = world.member(user.id);
    return {
      id,
      token,
      user,
      channelId: channel.id,
      guildId,
      dispatchedAt: now,
      fields: {
        ...common,
        guild_id: guildId,
        guild: { id: guildId, locale: input.guildLocale ?? 'en-US', features: [] },
        guild_locale: input.guildLocale ?? 'en-US',
        channel: {
          id: channel.id,
          type: ChannelType.GuildText,
          guild_id: guildId,
          name: 'general',
          flags: 0,
          last_message_id: null,
          permissions: input.memberPermissions ?? EVERYONE_PERMISSIONS,
        },
        member: { ...member, user, permissions: input.memberPermissions ?? EVERYONE_PERMISSIONS },
        context: InteractionContextType.Guild,
      },
    };
  }
  // A DM between users has them both as recipients; a group DM, its members. Either way, not the bot.
  const friend = world.user(undefined, 'friend');
  return {
    id,
    token,
    user,
    channelId: channel.id,
    guildId: null,
    dispatchedAt: now,
    fields: {
      ...common,
      channel: {
        id: channel.id,
        type: ChannelType.GroupDM,
        name: null,
        icon: null,
        owner_id: user.id,
        last_message_id: null,
        flags: 0,
        recipients: [user, friend],
      },
      context: InteractionContextType.PrivateChannel,
    },
  };
}

/** Stores a test's file on the CDN and returns its attachment object. */
export type StoreAttachment = (file: AttachmentInput, channelId: string) => JsonObject;

export function isAttachmentInput(value: unknown): value is AttachmentInput {
  return typeof value === 'object' && value !== null && 'filename' in value && 'data' in value;
}

/**
 * Options from a {name: value} map (string → 3, integer → 4, other number → 10, boolean → 5,
 * file → 11 with its attachment in `resolved`), or raw options as given.
 */
export function commandOptions(
  input: CommandOptionInput | undefined,
  channelId: string,
  storeAttachment: StoreAttachment,
): { options: JsonObject[] | undefined; attachments: Record<string, JsonObject> } {
  const attachments: Record<string, JsonObject> = {};
  if (input === undefined) return { options: undefined, attachments };
  if (Array.isArray(input)) return { options: input, attachments };
  const options = Object.entries(input).map(([name, value]) => {
    if (isAttachmentInput(value)) {
      // Files given to a command are ephemeral attachments: they belong to no message.
      const attachment = storeAttachment(value, channelId);
      attachments[attachment.id] = { ...attachment, ephemeral: true };
      return { name, type: ApplicationCommandOptionType.Attachment, value: attachment.id };
    }
    return { name, type: optionTypeOf(value), value };
  });
  return { options, attachments };
}

function optionTypeOf(value: string | number | boolean): ApplicationCommandOptionType {
  if (typeof value === 'string') return ApplicationCommandOptionType.String;
  if (typeof value === 'boolean') return ApplicationCommandOptionType.Boolean;
  return Number.isInteger(value) ? ApplicationCommandOptionType.Integer : ApplicationCommandOptionType.Number;
}

/** Options inside their subcommand (type 1), and that inside its group (type 2), as Discord nests them. */
export function withinSubcommand(
  options: JsonObject[] | undefined,
  subcommand?: string,
  group?: string,
): JsonObject[] | undefined {
  if (!subcommand) {
    if (group) throw new Error('FakeDiscord: a subcommand group needs a subcommand');
    return options;
  }
  const inner = { type: ApplicationCommandOptionType.Subcommand, name: subcommand, options: options ?? [] };
  return group ? [{ type: ApplicationCommandOptionType.SubcommandGroup, name: group, options: [inner] }] : [inner];
}

export interface BuiltInteraction {
  invocation: Invocation;
  payload: JsonObject;
}

function finish(
  invoked: Invocation,
  type: InteractionType,
  data: JsonObject,
  overrides: JsonObject | undefined,
  extra: JsonObject = {},
): BuiltInteraction {
  let payload: JsonObject = { ...invoked.fields, ...extra, type, data };
  if (overrides) payload = { ...payload, ...overrides };
  return { invocation: invoked, payload };
}

/** A slash command (chat input) interaction, with subcommands and files if given. */
export function chatInputPayload(
  world: World,
  input: SendInteractionInput,
  commandId: string,
  storeAttachment: StoreAttachment,
): BuiltInteraction {
  const invoked = invocation(world, input);
  const data: JsonObject = { id: commandId, name: input.name, type: ApplicationCommandType.ChatInput };
  const { options, attachments } = commandOptions(input.options, invoked.channelId, storeAttachment);
  const nested = withinSubcommand(options, input.subcommand, input.subcommandGroup);
  if (nested) data.options = nested;
  const resolved = Object.keys(attachments).length > 0 ? { attachments } : undefined;
  if (resolved || input.resolved) data.resolved = { ...resolved, ...input.resolved };
  if (!input.dm && !input.userInstall) data.guild_id = input.guildId ?? world.guildId;
  return finish(invoked, InteractionType.ApplicationCommand, data, input.overrides);
}

/** Where a message is: its channel, whether that is a DM, and whether the bot can see it. */
function placeOf(
  world: World,
  message: MessageRecord,
): { dm: boolean; channelId: string; userInstall?: UserInstallPlace } {
  const unseen = world.unseen(message.channelId);
  if (unseen)
    return { dm: false, channelId: message.channelId, userInstall: unseen.guildId ? 'guild' : 'private-channel' };
  return { dm: message.guildId === null, channelId: message.channelId };
}

/** A click on a button, or a choice in a select, of a message (type 3). */
export function componentPayload(
  world: World,
  input: InteractionUserInput & { userId: string },
  message: MessageRecord,
  component: JsonObject,
  values: string[] | undefined,
): BuiltInteraction {
  const invoked = invocation(world, { ...input, ...placeOf(world, message) });
  const data: JsonObject = { custom_id: component.custom_id, component_type: component.type, id: component.id };
  if (values) data.values = values;
  return finish(invoked, InteractionType.MessageComponent, data, input.overrides, {
    message: JSON.parse(JSON.stringify(message.message)),
  });
}

/** An autocomplete request while an option is being typed in (type 4). */
export function autocompletePayload(
  world: World,
  input: SendAutocompleteInput,
  commandId: string,
  focusedType: ApplicationCommandOptionType,
): BuiltInteraction {
  const invoked = invocation(world, input);
  const filled = Object.entries(input.options ?? {}).map(([name, value]) => ({
    name,
    type: optionTypeOf(value),
    value,
  }));
  const focused = { name: input.focused, type: focusedType, value: input.value, focused: true };
  const data: JsonObject = {
    id: commandId,
    name: input.name,
    type: ApplicationCommandType.ChatInput,
    options: withinSubcommand([...filled, focused], input.subcommand, input.subcommandGroup),
  };
  if (!input.dm && !input.userInstall) data.guild_id = world.guildId;
  return finish(invoked, InteractionType.ApplicationCommandAutocomplete, data, input.overrides);
}

/** A message command ("Apps → …" on a message): the target travels in `data.resolved.messages`. */
export function messageCommandPayload(
  world: World,
  input: SendMessageCommandInput,
  commandId: string,
  target: MessageRecord,
): BuiltInteraction {
  const place = placeOf(world, target);
  const invoked = invocation(world, { ...input, ...place });
  // The target's content arrives even without the MessageContent intent (one of Discord's exceptions).
  const data: JsonObject = {
    id: commandId,
    name: input.name,
    type: ApplicationCommandType.Message,
    target_id: target.id,
    resolved: { messages: { [target.id]: JSON.parse(JSON.stringify(target.message)) } },
  };
  if (!place.dm && !place.userInstall) data.guild_id = world.guildId;
  return finish(invoked, InteractionType.ApplicationCommand, data, input.overrides);
}
