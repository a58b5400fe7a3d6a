/**
 * Messages: what users send (dispatched as MESSAGE_CREATE), what the bot creates and edits (in
 * channels, DMs and as interaction responses), typing, reactions and opening DM channels.
 */
import { ChannelType, GatewayDispatchEvents, MessageFlags, MessageType, RESTJSONErrorCodes } from 'discord-api-types/v10';
import type { ChangeNotifier } from './changes.js';
import type { Gateway } from './gateway.js';
import { errorBody, HttpError, invalidFormBody, notFound, unknownMessage } from './http-errors.js';
import type { RestServer } from './rest-server.js';
import { isoTime, snowflake, snowflakeTime } from './snowflake.js';
import type { JsonObject, MessageRecord, MessageSource, ResolvedOptions, SendMessageInput, UploadedFile } from './types.js';
import { computePings, validateMessageBody } from './validation.js';
import type { World } from './world.js';

const NOBODY = { users: [], roles: [], everyone: false, repliedUser: false };

export interface StoredMessageMeta {
  source: MessageSource;
  /** The request body that created the message (for allowed_mentions); null for user messages. */
  body: JsonObject | null;
  files: UploadedFile[];
  interactionId: string | null;
}

const deepClone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

export class MessageStore {
  /** Every message the fake knows about (user messages dispatched and bot messages created). */
  readonly messages: MessageRecord[] = [];
  private readonly byId = new Map<string, MessageRecord>();

  constructor(
    private readonly options: ResolvedOptions,
    private readonly world: World,
    private readonly changes: ChangeNotifier,
    private readonly gateway: Gateway,
    private readonly rest: RestServer,
  ) {}

  get(messageId: string): MessageRecord | undefined {
    return this.byId.get(messageId);
  }

  /** Dispatch MESSAGE_CREATE from a user. Returns the stored record. */
  sendMessage(input: SendMessageInput): MessageRecord {
    const author = this.world.user(input.authorId, input.username);
    const dm = input.dm ?? false;
    const channelId = dm ? this.world.dmChannelId(author.id, input.channelId) : (input.channelId ?? this.world.textChannelId);
    const guildId = dm ? null : (input.guildId ?? this.world.guildId);
    const botId = this.world.botUser.id;
    let content = input.content;
    const mentionIds = [...(input.mentions ?? [])];
    if (input.mentionBot) {
      content = `<@${botId}> ${content}`;
      if (!mentionIds.includes(botId)) mentionIds.push(botId);
    }
    const id = snowflake();
    const referenced = input.replyTo ? this.byId.get(input.replyTo) : undefined;
    const message: JsonObject = {
      id,
      type: input.replyTo ? MessageType.Reply : MessageType.Default,
      channel_id: channelId,
      channel_type: dm ? ChannelType.DM : ChannelType.GuildText,
      author,
      content,
      timestamp: isoTime(snowflakeTime(id)),
      edited_timestamp: null,
      tts: false,
      mention_everyone: /@(everyone|here)/.test(content),
      mentions: mentionIds.map((userId) => {
        const user = this.world.existingUser(userId);
        return guildId ? { ...user, member: this.world.member(userId, false) } : user;
      }),
      mention_roles: input.mentionRoles ?? [],
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      flags: 0,
      nonce: id,
    };
    if (guildId) {
      message.guild_id = guildId;
      message.member = this.world.member(author.id, false);
    }
    if (input.replyTo) {
      message.message_reference = { type: 0, message_id: input.replyTo, channel_id: channelId, ...(guildId ? { guild_id: guildId } : {}) };
      message.referenced_message = referenced ? referenced.message : null;
    }
    Object.assign(message, input.overrides ?? {});
    const record = this.store(message, { source: 'user', body: null, files: [], interactionId: null });
    this.gateway.dispatch(GatewayDispatchEvents.MessageCreate, deepClone(message));
    return record;
  }

  /** Records an API message object as a message of the fake. */
  store(message: JsonObject, meta: StoredMessageMeta): MessageRecord {
    const replyTo: string | null = message.message_reference?.message_id ?? null;
    const replyAuthor = replyTo ? (this.byId.get(replyTo)?.authorId ?? null) : null;
    const record: MessageRecord = {
      id: message.id,
      channelId: message.channel_id,
      guildId: message.guild_id ?? null,
      authorId: message.author.id,
      content: message.content ?? '',
      embeds: message.embeds ?? [],
      components: message.components ?? [],
      flags: message.flags ?? 0,
      replyTo,
      allowedMentions: meta.body?.allowed_mentions,
      pings: meta.source === 'user' ? { ...NOBODY } : computePings(message.content ?? '', meta.body ? meta.body.allowed_mentions : undefined, replyAuthor),
      files: meta.files,
      source: meta.source,
      interactionId: meta.interactionId,
      createdAt: Date.now(),
      editedAt: null,
      deleted: false,
      edits: [],
      message,
    };
    this.messages.push(record);
    this.byId.set(record.id, record);
    return record;
  }

  /** Build a bot-authored API message object from a create body. */
  buildBotMessage(channelId: string, body: JsonObject | null, files: UploadedFile[], extra: JsonObject = {}): JsonObject {
    const request = body ?? {};
    const id = snowflake();
    const guildId = this.world.isDmChannel(channelId) ? null : this.world.guildId;
    const content: string = typeof request.content === 'string' ? request.content : '';
    const replyTo: string | undefined = request.message_reference?.message_id;
    const referenced = replyTo ? this.byId.get(replyTo) : undefined;
    const pings = computePings(content, request.allowed_mentions, referenced ? referenced.authorId : null);
    const message: JsonObject = {
      id,
      type: replyTo ? MessageType.Reply : MessageType.Default,
      channel_id: channelId,
      author: this.world.botUser,
      content,
      timestamp: isoTime(snowflakeTime(id)),
      edited_timestamp: null,
      tts: Boolean(request.tts),
      mention_everyone: pings.everyone,
      mentions: [
        ...pings.users.map((userId) => this.world.existingUser(userId)),
        ...(pings.repliedUser && referenced && !pings.users.includes(referenced.authorId) ? [this.world.existingUser(referenced.authorId)] : []),
      ],
      mention_roles: pings.roles,
      attachments: this.attachmentsFor(request, files),
      embeds: Array.isArray(request.embeds) ? request.embeds.map((embed: JsonObject) => ({ type: 'rich', ...embed })) : [],
      components: Array.isArray(request.components) ? request.components : [],
      pinned: false,
      // Only Discord sets Loading (on deferred responses).
      flags: (Number(request.flags ?? 0) & ~MessageFlags.Loading) >>> 0,
      ...(guildId ? { guild_id: guildId } : {}),
      ...extra,
    };
    if (replyTo) {
      message.message_reference = {
        type: 0,
        message_id: replyTo,
        channel_id: request.message_reference?.channel_id ?? channelId,
        ...(guildId ? { guild_id: guildId } : {}),
      };
      message.referenced_message = referenced ? referenced.message : null;
    }
    return message;
  }

  private attachmentsFor(body: JsonObject, files: UploadedFile[]): JsonObject[] {
    return files.map((file, index) => {
      const id = snowflake();
      const requested = Array.isArray(body.attachments) ? body.attachments[index] : undefined;
      const url = `http://127.0.0.1:${this.rest.port}/attachments/${id}/${file.filename}`;
      return {
        id,
        filename: requested?.filename ?? file.filename,
        description: requested?.description,
        size: file.size,
        content_type: file.contentType,
        url,
        proxy_url: url,
      };
    });
  }

  /** Applies a PATCH body (or an UPDATE_MESSAGE callback) to a message. */
  applyEdit(record: MessageRecord, body: JsonObject | null, files: UploadedFile[]): void {
    const edit = body ?? {};
    const message = record.message;
    if ('content' in edit) message.content = edit.content ?? '';
    if ('embeds' in edit) message.embeds = Array.isArray(edit.embeds) ? edit.embeds.map((embed: JsonObject) => ({ type: 'rich', ...embed })) : [];
    if ('components' in edit) message.components = Array.isArray(edit.components) ? edit.components : [];
    if (files.length || 'attachments' in edit) {
      // Attachments not listed in `attachments` are removed; new files are appended.
      const kept = Array.isArray(edit.attachments)
        ? (message.attachments as JsonObject[]).filter((attachment) => edit.attachments.some((listed: JsonObject) => listed.id === attachment.id))
        : message.attachments;
      message.attachments = [...kept, ...this.attachmentsFor({}, files)];
      record.files = [...record.files, ...files];
    }
    // Editing a deferred (loading) response clears the loading flag.
    const requestedFlags = edit.flags !== undefined ? Number(edit.flags) & ~MessageFlags.Loading : 0;
    message.flags = ((Number(message.flags ?? 0) & ~MessageFlags.Loading) | requestedFlags) >>> 0;
    const now = Date.now();
    // The first edit of a deferred response is its content arriving, not an edit the user sees.
    if (record.source !== 'interaction-original' || record.edits.length > 0 || !(record.flags & MessageFlags.Loading)) {
      message.edited_timestamp = isoTime(now);
    }
    record.content = message.content ?? '';
    record.embeds = message.embeds ?? [];
    record.components = message.components ?? [];
    record.flags = message.flags;
    if ('allowed_mentions' in edit) record.allowedMentions = edit.allowed_mentions;
    const replyAuthor = record.replyTo ? (this.byId.get(record.replyTo)?.authorId ?? null) : null;
    record.pings = computePings(record.content, record.allowedMentions, replyAuthor);
    record.edits.push(edit);
    record.editedAt = now;
  }

  /** Bot-authored messages (channel messages and interaction responses), optionally by channel. */
  botMessages(channelId?: string): MessageRecord[] {
    return this.messages.filter((message) => message.source !== 'user' && (channelId === undefined || message.channelId === channelId));
  }

  /**
   * Resolves with the first bot-authored message in the channel matching the predicate
   * (messages already received count too). Edits are taken into account.
   */
  waitForMessage(channelId: string, predicate: (message: MessageRecord) => boolean = () => true, timeoutMs?: number): Promise<MessageRecord> {
    return this.changes.waitForValue(
      () => this.botMessages(channelId).find((message) => !message.deleted && predicate(message)),
      timeoutMs,
      () =>
        `a bot message in channel ${channelId}; bot messages there: ${JSON.stringify(
          this.botMessages(channelId).map((message) => message.content.slice(0, 200)),
        )}`,
    );
  }

  private lastMessageId(channelId: string): string | null {
    return [...this.messages].reverse().find((message) => message.channelId === channelId)?.id ?? null;
  }

  private channelObject(channelId: string): JsonObject {
    if (channelId === this.world.textChannelId) return { ...this.world.textChannel, last_message_id: this.lastMessageId(channelId) };
    if (this.world.isDmChannel(channelId)) return this.world.dmChannelObject(channelId, this.lastMessageId(channelId));
    throw notFound(RESTJSONErrorCodes.UnknownChannel, 'Unknown Channel');
  }

  private requireChannel(channelId: string): void {
    if (!this.world.channelExists(channelId)) throw notFound(RESTJSONErrorCodes.UnknownChannel, 'Unknown Channel');
  }

  private messageIn(channelId: string, messageId: string): MessageRecord {
    const record = this.byId.get(messageId);
    if (!record || record.deleted || record.channelId !== channelId) throw unknownMessage();
    return record;
  }

  private validate(body: JsonObject | null, files: UploadedFile[], requireNonEmpty: boolean): void {
    if (!this.options.validateMessages) return;
    const error = validateMessageBody(body, files, { requireNonEmpty });
    if (error) throw error;
  }

  installRoutes(rest: RestServer): void {
    rest.route('GET', '/channels/:channel', (request, params) => {
      rest.requireBotAuth(request);
      return { status: 200, body: this.channelObject(params.channel!) };
    });
    rest.route('POST', '/channels/:channel/typing', (request, params) => {
      rest.requireBotAuth(request);
      this.requireChannel(params.channel!);
      return { status: 204 };
    });
    rest.route('POST', '/channels/:channel/messages', (request, params) => {
      rest.requireBotAuth(request);
      const channelId = params.channel!;
      this.requireChannel(channelId);
      const body: JsonObject = request.body ?? {};
      this.validate(body, request.files, true);
      const reference = body.message_reference;
      if (reference?.message_id) {
        const target = this.byId.get(String(reference.message_id));
        if ((!target || target.channelId !== (reference.channel_id ?? channelId)) && reference.fail_if_not_exists !== false) {
          throw invalidFormBody([{ path: ['message_reference'], code: 'REPLIES_UNKNOWN_MESSAGE', message: 'Unknown message' }]);
        }
        // fail_if_not_exists: false sends the reply as a plain message.
        if (!target) delete body.message_reference;
      }
      const message = this.buildBotMessage(channelId, body, request.files);
      this.store(message, { source: 'bot', body, files: request.files, interactionId: null });
      return { status: 200, body: message };
    });
    rest.route('GET', '/channels/:channel/messages/:message', (request, params) => {
      rest.requireBotAuth(request);
      return { status: 200, body: this.messageIn(params.channel!, params.message!).message };
    });
    rest.route('PATCH', '/channels/:channel/messages/:message', (request, params) => {
      rest.requireBotAuth(request);
      const record = this.messageIn(params.channel!, params.message!);
      if (record.authorId !== this.world.botUser.id) {
        throw new HttpError(403, errorBody(RESTJSONErrorCodes.CannotEditMessageAuthoredByAnotherUser, 'Cannot edit a message authored by another user'));
      }
      this.validate(request.body, request.files, false);
      this.applyEdit(record, request.body, request.files);
      return { status: 200, body: record.message };
    });
    rest.route('DELETE', '/channels/:channel/messages/:message', (request, params) => {
      rest.requireBotAuth(request);
      this.messageIn(params.channel!, params.message!).deleted = true;
      return { status: 204 };
    });
    for (const method of ['PUT', 'DELETE']) {
      rest.route(method, '/channels/:channel/messages/:message/reactions/:emoji/@me', (request, params) => {
        rest.requireBotAuth(request);
        if (!this.byId.has(params.message!)) throw unknownMessage();
        return { status: 204 };
      });
    }
    rest.route('POST', '/users/@me/channels', (request) => {
      rest.requireBotAuth(request);
      const recipient = String(request.body?.recipient_id ?? '');
      if (!this.world.knowsUser(recipient) || recipient === this.world.botUser.id) {
        throw new HttpError(400, errorBody(RESTJSONErrorCodes.CannotSendMessagesToThisUser, 'Cannot send messages to this user'));
      }
      const channelId = this.world.dmChannelId(recipient);
      return { status: 200, body: this.world.dmChannelObject(channelId, this.lastMessageId(channelId)) };
    });
  }
}
