/**
 * Messages: what users send (dispatched as MESSAGE_CREATE), what the bot creates and edits (in
 * channels, DMs and as interaction responses), typing, reactions and opening DM channels.
 */
import {
  ChannelType,
  GatewayDispatchEvents,
  MessageFlags,
  MessageType,
  RESTJSONErrorCodes,
} from 'discord-api-types/v10';
import { contentTypeOf, knownContentType, type FakeCdn } from './cdn.js';
import type { ChangeNotifier } from './changes.js';
import type { Gateway } from './gateway.js';
import { errorBody, HttpError, invalidFormBody, notFound, unknownMessage } from './http-errors.js';
import type { RestServer } from './rest-server.js';
import { isoTime, snowflake, snowflakeTime } from './snowflake.js';
import type {
  AttachmentInput,
  JsonObject,
  MessageRecord,
  MessageSource,
  ResolvedOptions,
  SendMessageInput,
  UploadedFile,
} from './types.js';
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

/** A file a test attached, as the fake records uploads. */
function uploadedFileOf(attachment: AttachmentInput, index: number): UploadedFile {
  const data = Buffer.isBuffer(attachment.data) ? attachment.data : Buffer.from(attachment.data);
  const contentType = attachment.contentType ?? contentTypeOf(attachment.filename);
  return { field: `files[${index}]`, filename: attachment.filename, contentType, size: data.length, data };
}

/**
 * Components as Discord stores them: every component gets a numeric `id`, given ones kept and the
 * others numbered in order with numbers not already used. A copy: the recorded request stays as sent.
 */
export function numberedComponents(components: unknown): JsonObject[] {
  if (!Array.isArray(components)) return [];
  const copy = deepClone(components) as JsonObject[];
  const all: JsonObject[] = [];
  const collect = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const component of list as JsonObject[]) {
      all.push(component);
      collect(component.components);
      if (component.accessory) collect([component.accessory]);
    }
  };
  collect(copy);
  const used = new Set(all.map((component) => component.id).filter((id) => typeof id === 'number' && id > 0));
  let next = 1;
  for (const component of all) {
    if (typeof component.id === 'number' && component.id > 0) continue;
    while (used.has(next)) next++;
    component.id = next;
    used.add(next);
  }
  return copy;
}

export class MessageStore {
  /** Every message the fake knows about (user messages dispatched and bot messages created). */
  readonly messages: MessageRecord[] = [];
  private readonly byId = new Map<string, MessageRecord>();

  constructor(
    private readonly options: ResolvedOptions,
    private readonly world: World,
    private readonly changes: ChangeNotifier,
    private readonly gateway: Gateway,
    private readonly cdn: FakeCdn,
  ) {}

  get(messageId: string): MessageRecord | undefined {
    return this.byId.get(messageId);
  }

  /** Dispatch MESSAGE_CREATE from a user. Returns the stored record. */
  sendMessage(input: SendMessageInput): MessageRecord {
    const { message, files } = this.userMessage(input);
    const record = this.store(message, { source: 'user', body: null, files, interactionId: null });
    this.gateway.dispatch(GatewayDispatchEvents.MessageCreate, deepClone(message));
    return record;
  }

  /** A user's message that was already in the channel: stored, never dispatched to the bot. */
  placeMessage(input: SendMessageInput): MessageRecord {
    const { message, files } = this.userMessage(input);
    return this.store(message, { source: 'user', body: null, files, interactionId: null });
  }

  private userMessage(input: SendMessageInput): { message: JsonObject; files: UploadedFile[] } {
    const author = this.world.user(input.authorId, input.username);
    const dm = input.dm ?? false;
    const channelId = dm
      ? this.world.dmChannelId(author.id, input.channelId)
      : (input.channelId ?? this.world.textChannelIdOf(input.guildId ?? this.world.guildId));
    const guildId = dm ? null : (input.guildId ?? this.world.guildIdOf(channelId));
    const botId = this.world.botUser.id;
    let content = input.content;
    const mentionIds = [...(input.mentions ?? [])];
    if (input.mentionBot) {
      content = `<@${botId}> ${content}`;
      if (!mentionIds.includes(botId)) mentionIds.push(botId);
    }
    const id = snowflake();
    const referenced = input.replyTo ? this.byId.get(input.replyTo) : undefined;
    const attachments = (input.attachments ?? []).map((attachment) => this.cdn.storeInput(attachment, channelId));
    const message: JsonObject = {
      id,
      type: input.replyTo ? MessageType.Reply : MessageType.Default,
      channel_id: channelId,
      channel_type: dm ? ChannelType.DM : (this.world.unseen(channelId)?.type ?? ChannelType.GuildText),
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
      attachments,
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
      message.message_reference = {
        type: 0,
        message_id: input.replyTo,
        channel_id: channelId,
        ...(guildId ? { guild_id: guildId } : {}),
      };
      message.referenced_message = referenced ? referenced.message : null;
    }
    Object.assign(message, input.overrides ?? {});
    return { message, files: (input.attachments ?? []).map(uploadedFileOf) };
  }

  /** Records an API message object as a message of the fake. */
  store(message: JsonObject, meta: StoredMessageMeta): MessageRecord {
    const replyTo: string | null = message.message_reference?.message_id ?? null;
    const replyAuthor = this.replyAuthorOf(replyTo, message.author.id);
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
      // A user's own message pings nothing the bot is answerable for.
      pings:
        meta.source === 'user'
          ? { ...NOBODY }
          : computePings(message.content ?? '', meta.body?.allowed_mentions, replyAuthor),
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

  /** Whom a reply could ping: the replied-to message's author, unless that is the replier itself. */
  private replyAuthorOf(replyTo: string | null, authorId: string): string | null {
    const replyAuthor = replyTo ? (this.byId.get(replyTo)?.authorId ?? null) : null;
    return replyAuthor === authorId ? null : replyAuthor;
  }

  /** Build a bot-authored API message object from a create body. */
  buildBotMessage(
    channelId: string,
    body: JsonObject | null,
    files: UploadedFile[],
    extra: JsonObject = {},
  ): JsonObject {
    const request = body ?? {};
    const id = snowflake();
    const guildId = this.world.guildIdOf(channelId);
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
        ...(pings.repliedUser && referenced && !pings.users.includes(referenced.authorId)
          ? [this.world.existingUser(referenced.authorId)]
          : []),
      ],
      mention_roles: pings.roles,
      attachments: this.attachmentsFor(channelId, request, files),
      embeds: Array.isArray(request.embeds)
        ? request.embeds.map((embed: JsonObject) => ({ type: 'rich', ...embed }))
        : [],
      components: numberedComponents(request.components),
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

  /** Uploaded `files[n]` become attachments, described by the body's `attachments` entry with id n. */
  private attachmentsFor(channelId: string, body: JsonObject, files: UploadedFile[]): JsonObject[] {
    const described: JsonObject[] = Array.isArray(body.attachments) ? body.attachments : [];
    return files.map((file, index) => {
      const placeholder = /^files\[(\d+)\]$/.exec(file.field)?.[1];
      const description =
        described.find((attachment) => placeholder !== undefined && String(attachment.id) === placeholder) ??
        described[index];
      return this.cdn.store({
        channelId,
        filename: description?.filename ?? file.filename,
        description: description?.description,
        // Discord tells the type from the file, not from the part's header (discord.js sends octet-stream).
        contentType: knownContentType(file.filename) ?? file.contentType,
        data: file.data,
      });
    });
  }

  /** Applies a PATCH body (or an UPDATE_MESSAGE callback) to a message. */
  applyEdit(record: MessageRecord, body: JsonObject | null, files: UploadedFile[]): void {
    const edit = body ?? {};
    const message = record.message;
    if ('content' in edit) message.content = edit.content ?? '';
    if ('embeds' in edit)
      message.embeds = Array.isArray(edit.embeds)
        ? edit.embeds.map((embed: JsonObject) => ({ type: 'rich', ...embed }))
        : [];
    if ('components' in edit) message.components = numberedComponents(edit.components);
    if (files.length || 'attachments' in edit) {
      // Attachments not listed in `attachments` are removed; new files are appended.
      const kept = Array.isArray(edit.attachments)
        ? (message.attachments as JsonObject[]).filter((attachment) =>
            edit.attachments.some((listed: JsonObject) => listed.id === attachment.id),
          )
        : message.attachments;
      message.attachments = [...kept, ...this.attachmentsFor(record.channelId, edit, files)];
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
    record.pings = computePings(
      record.content,
      record.allowedMentions,
      this.replyAuthorOf(record.replyTo, record.authorId),
    );
    record.edits.push(edit);
    record.editedAt = now;
  }

  /** Bot-authored messages (channel messages and interaction responses), optionally by channel. */
  botMessages(channelId?: string): MessageRecord[] {
    return this.messages.filter(
      (message) => message.source !== 'user' && (channelId === undefined || message.channelId === channelId),
    );
  }

  /**
   * Resolves with the first bot-authored message in the channel matching the predicate
   * (messages already received count too). Edits are taken into account.
   */
  waitForMessage(
    channelId: string,
    predicate: (message: MessageRecord) => boolean = () => true,
    timeoutMs?: number,
  ): Promise<MessageRecord> {
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
    if (this.world.guildOfChannel(channelId) !== null)
      return { ...this.world.textChannelObject(channelId), last_message_id: this.lastMessageId(channelId) };
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
    rest.route('GET', '/channels/:channel', (request, parameters) => {
      rest.requireBotAuth(request);
      return { status: 200, body: this.channelObject(parameters.channel!) };
    });
    rest.route('POST', '/channels/:channel/typing', (request, parameters) => {
      rest.requireBotAuth(request);
      this.requireChannel(parameters.channel!);
      return { status: 204 };
    });
    rest.route('POST', '/channels/:channel/messages', (request, parameters) => {
      rest.requireBotAuth(request);
      const channelId = parameters.channel!;
      this.requireChannel(channelId);
      const body: JsonObject = request.body ?? {};
      this.validate(body, request.files, true);
      const reference = body.message_reference;
      if (reference?.message_id) {
        const target = this.byId.get(String(reference.message_id));
        if (
          (!target || target.channelId !== (reference.channel_id ?? channelId)) &&
          reference.fail_if_not_exists !== false
        ) {
          throw invalidFormBody([
            { path: ['message_reference'], code: 'REPLIES_UNKNOWN_MESSAGE', message: 'Unknown message' },
          ]);
        }
        // fail_if_not_exists: false sends the reply as a plain message.
        if (!target) delete body.message_reference;
      }
      const message = this.buildBotMessage(channelId, body, request.files);
      this.store(message, { source: 'bot', body, files: request.files, interactionId: null });
      return { status: 200, body: message };
    });
    rest.route('GET', '/channels/:channel/messages/:message', (request, parameters) => {
      rest.requireBotAuth(request);
      return { status: 200, body: this.messageIn(parameters.channel!, parameters.message!).message };
    });
    rest.route('PATCH', '/channels/:channel/messages/:message', (request, parameters) => {
      rest.requireBotAuth(request);
      const record = this.messageIn(parameters.channel!, parameters.message!);
      if (record.authorId !== this.world.botUser.id) {
        throw new HttpError(
          403,
          errorBody(
            RESTJSONErrorCodes.CannotEditMessageAuthoredByAnotherUser,
            'Cannot edit a message authored by another user',
          ),
        );
      }
      this.validate(request.body, request.files, false);
      this.applyEdit(record, request.body, request.files);
      return { status: 200, body: record.message };
    });
    rest.route('DELETE', '/channels/:channel/messages/:message', (request, parameters) => {
      rest.requireBotAuth(request);
      this.messageIn(parameters.channel!, parameters.message!).deleted = true;
      return { status: 204 };
    });
    for (const method of ['PUT', 'DELETE']) {
      rest.route(method, '/channels/:channel/messages/:message/reactions/:emoji/@me', (request, parameters) => {
        rest.requireBotAuth(request);
        if (!this.byId.has(parameters.message!)) throw unknownMessage();
        return { status: 204 };
      });
    }
    rest.route('POST', '/users/@me/channels', (request) => {
      rest.requireBotAuth(request);
      const recipient = String(request.body?.recipient_id ?? '');
      if (!this.world.knowsUser(recipient) || recipient === this.world.botUser.id) {
        throw new HttpError(
          400,
          errorBody(RESTJSONErrorCodes.CannotSendMessagesToThisUser, 'Cannot send messages to this user'),
        );
      }
      const channelId = this.world.dmChannelId(recipient);
      return { status: 200, body: this.world.dmChannelObject(channelId, this.lastMessageId(channelId)) };
    });
  }
}
