/**
 * The one guild the fake serves, its text channel, roles, members and users, and the DM channels
 * opened with users: the objects Discord would send for them.
 */
import { randomBytes } from 'node:crypto';
import { ChannelType, PermissionFlagsBits, RESTJSONErrorCodes } from 'discord-api-types/v10';
import { HttpError, errorBody, notFound } from './http-errors.js';
import type { RestServer } from './rest-server.js';
import { isoTime, snowflake } from './snowflake.js';
import type { JsonObject, ResolvedOptions } from './types.js';
export type { UserInstallPlace } from './types.js';

/** What @everyone may do in the fake guild: read, write, embed, attach and use commands. */
export const EVERYONE_PERMISSIONS = (
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.SendMessagesInThreads
).toString();

/** The bot's managed role adds Mention Everyone, so only allowed_mentions keeps it from pinging. */
export const BOT_ROLE_PERMISSIONS = (BigInt(EVERYONE_PERMISSIONS) | PermissionFlagsBits.MentionEveryone).toString();

/**
 * What Discord lets a user-installed app do where its bot is not a member (a server that did not
 * invite it, a group DM): reply through the interaction, with embeds, files and external emojis.
 */
export const USER_INSTALL_APP_PERMISSIONS = (
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.MentionEveryone |
  PermissionFlagsBits.UseExternalEmojis
).toString();

/** A channel the bot cannot see: a server's channel where it is not a member, or a group DM. */
export interface UnseenChannel {
  id: string;
  guildId: string | null;
  type: ChannelType;
}

const DAY_MS = 86_400_000;

/** The gateway shard that carries a guild's events, as Discord routes them: (guild_id >> 22) % shard count. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** A guild the fake serves beyond the first: its id and its text channel. */
interface OtherGuild {
  id: string;
  textChannelId: string;
}

export class World {
  readonly botUser: JsonObject;
  readonly applicationId: string;
  readonly guildId: string;
  readonly everyoneRoleId: string;
  readonly botRoleId: string;
  readonly textChannelId: string;
  /** A server that never invited the bot: its members reach the app only through their own installation. */
  readonly foreignGuildId: string;
  readonly guildCreatedAt = Date.now();
  private readonly unseenChannels = new Map<string, UnseenChannel>();
  private readonly users = new Map<string, JsonObject>();
  private readonly dmChannelByUser = new Map<string, string>();
  private readonly dmRecipientByChannel = new Map<string, string>();
  /** The guilds after the first (FakeDiscordOptions.guildCount), each with one text channel. */
  private readonly otherGuilds: OtherGuild[] = [];

  constructor(private readonly options: ResolvedOptions) {
    this.applicationId = snowflake(Date.now() - DAY_MS * 30);
    // A bot user's id is its application's id.
    this.botUser = {
      id: this.applicationId,
      username: options.botUsername,
      discriminator: '0',
      global_name: null,
      avatar: null,
      bot: true,
      system: false,
      flags: 0,
      public_flags: 0,
      mfa_enabled: false,
      verified: true,
      email: null,
    };
    this.users.set(this.botUser.id, this.botUser);
    this.guildId = snowflake(Date.now() - DAY_MS * 20);
    this.everyoneRoleId = this.guildId; // @everyone's id is the guild's
    this.botRoleId = snowflake();
    this.textChannelId = snowflake();
    this.foreignGuildId = snowflake(Date.now() - DAY_MS * 10);
    // Each next guild lands on the next shard of `guildCount` shards, so a test can give every shard a guild.
    for (let index = 1; index < options.guildCount; index++) {
      let created = Date.now() - DAY_MS * (20 - index);
      let id = snowflake(created);
      while (
        shardOf(id, options.guildCount) !==
        (shardOf(this.guildId, options.guildCount) + index) % options.guildCount
      )
        id = snowflake(++created);
      this.otherGuilds.push({ id, textChannelId: snowflake() });
    }
  }

  /** A fresh channel the bot cannot see: in {@link foreignGuildId}, or a group DM. */
  unseenChannel(where: 'guild' | 'private-channel'): UnseenChannel {
    const channel: UnseenChannel =
      where === 'guild'
        ? { id: snowflake(), guildId: this.foreignGuildId, type: ChannelType.GuildText }
        : { id: snowflake(), guildId: null, type: ChannelType.GroupDM };
    this.unseenChannels.set(channel.id, channel);
    return channel;
  }

  /** The channel, if it is one the bot cannot see. */
  unseen(channelId: string): UnseenChannel | undefined {
    return this.unseenChannels.get(channelId);
  }

  /** The server a channel is in; null for DMs and group DMs. */
  guildIdOf(channelId: string): string | null {
    const unseen = this.unseenChannels.get(channelId);
    if (unseen) return unseen.guildId;
    return this.isDmChannel(channelId) ? null : (this.guildOfChannel(channelId) ?? this.guildId);
  }

  /**
   * Why the bot may not make a REST request, if it may not: it names a channel the bot cannot see
   * or a server it is not in. Discord answers such a request 403 Missing Access; where the app is
   * installed only by a user, the interaction's own webhook is all the bot may use.
   */
  forbiddenReason(path: string): string | undefined {
    const channel = /^\/channels\/(\d+)/.exec(path)?.[1];
    if (channel && this.unseenChannels.has(channel)) return `channel ${channel} is one the bot cannot see`;
    const guild = /^\/guilds\/(\d+)/.exec(path)?.[1] ?? /^\/applications\/\d+\/guilds\/(\d+)/.exec(path)?.[1];
    if (guild === this.foreignGuildId) return `the bot is not a member of server ${guild}`;
    return undefined;
  }

  /** Every guild the bot is in, the first one first. */
  get guildIds(): string[] {
    return [this.guildId, ...this.otherGuilds.map((guild) => guild.id)];
  }

  /** A guild's text channel (the first guild's when `guildId` is not another guild's). */
  textChannelIdOf(guildId: string): string {
    return this.otherGuilds.find((guild) => guild.id === guildId)?.textChannelId ?? this.textChannelId;
  }

  /** The guild a text channel belongs to; null for DM channels and unknown ones. */
  guildOfChannel(channelId: string): string | null {
    if (channelId === this.textChannelId) return this.guildId;
    return this.otherGuilds.find((guild) => guild.textChannelId === channelId)?.id ?? null;
  }

  /** Get or create a (non-bot) user. */
  user(id?: string, username?: string): JsonObject {
    const userId = id ?? snowflake();
    let user = this.users.get(userId);
    if (!user) {
      user = {
        id: userId,
        username: username ?? `user${userId.slice(-5)}`,
        discriminator: '0',
        global_name: username ?? null,
        avatar: null,
        bot: false,
        public_flags: 0,
        flags: 0,
        banner: null,
        accent_color: null,
        avatar_decoration_data: null,
        collectibles: null,
        primary_guild: null,
      };
      this.users.set(userId, user);
    } else if (username && user.username !== username) {
      user.username = username;
    }
    return user;
  }

  knowsUser(userId: string): boolean {
    return this.users.has(userId);
  }

  /** A known user, or a fresh one with that id. */
  existingUser(userId: string): JsonObject {
    return this.users.get(userId) ?? this.user(userId);
  }

  get textChannel(): JsonObject {
    return this.textChannelObject(this.textChannelId);
  }

  /** A guild text channel's object. */
  textChannelObject(channelId: string): JsonObject {
    return {
      id: channelId,
      type: ChannelType.GuildText,
      guild_id: this.guildOfChannel(channelId) ?? this.guildId,
      name: this.options.channelName,
      position: 0,
      permission_overwrites: [],
      nsfw: false,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      parent_id: null,
      flags: 0,
    };
  }

  get roles(): JsonObject[] {
    const role = (id: string, name: string, permissions: string, extra: JsonObject = {}): JsonObject => ({
      id,
      name,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: extra.position ?? 0,
      permissions,
      managed: false,
      mentionable: false,
      flags: 0,
      ...extra,
    });
    return [
      role(this.everyoneRoleId, '@everyone', EVERYONE_PERMISSIONS),
      role(this.botRoleId, this.options.botUsername, BOT_ROLE_PERMISSIONS, {
        position: 1,
        managed: true,
        tags: { bot_id: this.botUser.id },
      }),
    ];
  }

  /** A guild member object; without `user` where Discord leaves it out (mentions, message authors). */
  member(userId: string, withUser = true): JsonObject {
    const isBot = userId === this.botUser.id;
    const member: JsonObject = {
      roles: isBot ? [this.botRoleId] : [],
      nick: null,
      avatar: null,
      banner: null,
      joined_at: isoTime(this.guildCreatedAt),
      premium_since: null,
      deaf: false,
      mute: false,
      pending: false,
      flags: 0,
      communication_disabled_until: null,
    };
    if (withUser) member.user = this.existingUser(userId);
    return member;
  }

  /** The first guild as GUILD_CREATE carries it (members, channels and the rest included). */
  get guild(): JsonObject {
    return this.guildObject(this.guildId);
  }

  /** A guild as GUILD_CREATE carries it. The guilds differ in their ids and channels only. */
  guildObject(guildId: string): JsonObject {
    return {
      id: guildId,
      name: this.options.guildName,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: snowflake(this.guildCreatedAt),
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      nsfw: false,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      preferred_locale: 'en-US',
      features: [],
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      max_members: 500000,
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      roles: this.roles,
      emojis: [],
      stickers: [],
      incidents_data: null,
      // GUILD_CREATE extras
      joined_at: isoTime(this.guildCreatedAt),
      large: false,
      unavailable: false,
      member_count: 2,
      lazy: true,
      voice_states: [],
      members: [this.member(this.botUser.id)],
      channels: [this.textChannelObject(this.textChannelIdOf(guildId))],
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  /** The DM channel id for a user (created on first use, never dispatched to the bot). */
  dmChannelId(userId: string, preferredId?: string): string {
    let channelId = this.dmChannelByUser.get(userId);
    if (!channelId) {
      channelId = preferredId ?? snowflake();
      this.dmChannelByUser.set(userId, channelId);
      this.dmRecipientByChannel.set(channelId, userId);
    }
    return channelId;
  }

  isDmChannel(channelId: string): boolean {
    return this.dmRecipientByChannel.has(channelId);
  }

  /** The user on the other side of a DM channel. */
  dmRecipient(channelId: string): string | undefined {
    return this.dmRecipientByChannel.get(channelId);
  }

  channelExists(channelId: string): boolean {
    return this.guildOfChannel(channelId) !== null || this.isDmChannel(channelId);
  }

  dmChannelObject(channelId: string, lastMessageId: string | null): JsonObject {
    const userId = this.dmRecipientByChannel.get(channelId)!;
    return {
      id: channelId,
      type: ChannelType.DM,
      last_message_id: lastMessageId,
      flags: 0,
      recipients: [this.existingUser(userId)],
    };
  }

  /** The user, application and guild routes: what the bot reads about itself and its guild. */
  installRoutes(rest: RestServer): void {
    rest.route('GET', '/users/@me', (request) => {
      rest.requireBotAuth(request);
      return { status: 200, body: this.botUser };
    });
    rest.route('GET', '/users/:userId', (request, parameters) => {
      rest.requireBotAuth(request);
      const user = this.users.get(parameters.userId!);
      if (!user) throw notFound(RESTJSONErrorCodes.UnknownUser, 'Unknown User');
      return { status: 200, body: user };
    });
    rest.route('GET', '/applications/@me', (request) => {
      rest.requireBotAuth(request);
      return { status: 200, body: this.application() };
    });
    rest.route('GET', '/guilds/:guild', (request, parameters) => {
      rest.requireBotAuth(request);
      this.requireGuild(parameters.guild!);
      // GET /guilds/:id leaves out what only GUILD_CREATE carries.
      const {
        members: _members,
        channels: _channels,
        threads: _threads,
        presences: _presences,
        voice_states: _voiceStates,
        ...guild
      } = this.guildObject(parameters.guild!);
      return { status: 200, body: guild };
    });
    rest.route('GET', '/guilds/:guild/channels', (request, parameters) => {
      rest.requireBotAuth(request);
      this.requireGuild(parameters.guild!);
      return { status: 200, body: [this.textChannelObject(this.textChannelIdOf(parameters.guild!))] };
    });
    rest.route('GET', '/guilds/:guild/roles', (request, parameters) => {
      rest.requireBotAuth(request);
      this.requireGuild(parameters.guild!);
      return { status: 200, body: this.roles };
    });
    rest.route('GET', '/guilds/:guild/members/:user', (request, parameters) => {
      rest.requireBotAuth(request);
      this.requireGuild(parameters.guild!);
      if (!this.users.has(parameters.user!)) throw notFound(RESTJSONErrorCodes.UnknownMember, 'Unknown Member');
      return { status: 200, body: this.member(parameters.user!) };
    });
  }

  requireGuild(guildId: string): void {
    if (!this.guildIds.includes(guildId)) throw notFound(RESTJSONErrorCodes.UnknownGuild, 'Unknown Guild');
  }

  /** Registering guild commands anywhere but the fake's guild: the bot is not in that guild. */
  requireGuildAccess(guildId: string): void {
    if (!this.guildIds.includes(guildId))
      throw new HttpError(403, errorBody(RESTJSONErrorCodes.MissingAccess, 'Missing Access'));
  }

  private application(): JsonObject {
    return {
      id: this.applicationId,
      name: this.options.botUsername,
      icon: null,
      description: '',
      summary: '',
      type: null,
      bot: this.botUser,
      bot_public: true,
      bot_require_code_grant: false,
      verify_key: randomBytes(32).toString('hex'),
      flags: 0,
      owner: this.user(snowflake(this.guildCreatedAt), 'owner'),
      team: null,
      approximate_guild_count: 1,
      approximate_user_install_count: 0,
      integration_types_config: { '0': {}, '1': {} },
      tags: [],
      redirect_uris: [],
      interactions_endpoint_url: null,
      role_connections_verification_url: null,
      event_webhooks_url: null,
      event_webhooks_status: 1,
      is_monetized: false,
    };
  }
}
