/**
 * Interactions: dispatching them, the bot's callback (reply, defer, update…), and what it does
 * afterwards through the interaction's webhook (edit or delete @original, follow-ups).
 */
import { ApplicationCommandType, GatewayDispatchEvents, InteractionResponseType, InteractionType, MessageFlags, MessageType, RESTJSONErrorCodes } from 'discord-api-types/v10';
import type { ChangeNotifier } from './changes.js';
import type { CommandRegistry } from './commands.js';
import type { Gateway } from './gateway.js';
import { errorBody, HttpError, invalidFormBody, notFound, unknownMessage } from './http-errors.js';
import { chatInputPayload } from './interaction-payloads.js';
import type { MessageStore } from './messages.js';
import type { RestServer, RouteResult } from './rest-server.js';
import { snowflake } from './snowflake.js';
import type { InteractionHandle, InteractionState, JsonObject, MessageRecord, RecordedRequest, ResolvedOptions, SendInteractionInput, UploadedFile } from './types.js';
import { validateMessageBody } from './validation.js';
import type { World } from './world.js';

/** An interaction's state as stored; content and embeds are read from @original when asked. */
type InteractionRecord = Omit<InteractionState, 'content' | 'embeds'>;

/** Every callback type Discord knows; others are refused as an invalid enum value. */
const CALLBACK_TYPES: readonly number[] = [
  InteractionResponseType.Pong,
  InteractionResponseType.ChannelMessageWithSource,
  InteractionResponseType.DeferredChannelMessageWithSource,
  InteractionResponseType.DeferredMessageUpdate,
  InteractionResponseType.UpdateMessage,
  InteractionResponseType.ApplicationCommandAutocompleteResult,
  InteractionResponseType.Modal,
  InteractionResponseType.PremiumRequired,
  InteractionResponseType.LaunchActivity,
];

const unknownInteraction = (): HttpError => notFound(RESTJSONErrorCodes.UnknownInteraction, 'Unknown interaction');
const unknownWebhook = (): HttpError => notFound(RESTJSONErrorCodes.UnknownWebhook, 'Unknown Webhook');

export class InteractionRegistry {
  private readonly byToken = new Map<string, InteractionRecord>();
  private readonly byId = new Map<string, InteractionRecord>();

  constructor(
    private readonly options: ResolvedOptions,
    private readonly world: World,
    private readonly changes: ChangeNotifier,
    private readonly gateway: Gateway,
    private readonly messages: MessageStore,
    private readonly commands: CommandRegistry,
  ) {}

  /** Dispatch an APPLICATION_COMMAND (chat input) INTERACTION_CREATE. */
  sendInteraction(input: SendInteractionInput): InteractionHandle {
    const commandId = input.commandId ?? this.commands.find(input.name)?.id ?? snowflake(Date.now() - 60_000);
    const { invocation, payload } = chatInputPayload(this.world, input, commandId);
    const record: InteractionRecord = {
      id: invocation.id,
      token: invocation.token,
      applicationId: this.world.applicationId,
      commandName: input.name,
      channelId: invocation.channelId,
      guildId: input.dm ? null : (payload.guild_id as string),
      userId: invocation.user.id,
      dispatchedAt: invocation.dispatchedAt,
      payload,
      callbacks: [],
      responseType: null,
      deferred: false,
      ephemeral: false,
      original: null,
      originalDeleted: false,
      edits: [],
      followups: [],
      lastActivityAt: invocation.dispatchedAt,
    };
    this.byToken.set(record.token, record);
    this.byId.set(record.id, record);
    this.gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
    return this.handle(record);
  }

  /** Interaction state by id. */
  interaction(id: string): InteractionState | undefined {
    const record = this.byId.get(id);
    return record ? this.snapshot(record) : undefined;
  }

  private snapshot(record: InteractionRecord): InteractionState {
    const showsOriginal = record.original && !record.originalDeleted;
    return {
      ...record,
      callbacks: [...record.callbacks],
      edits: [...record.edits],
      followups: [...record.followups],
      content: showsOriginal ? record.original!.content : null,
      embeds: showsOriginal ? record.original!.embeds : [],
    };
  }

  /** Answered: replied, or deferred and then edited, followed up or deleted. */
  private isAnswered(record: InteractionRecord): boolean {
    if (record.responseType === null) return false;
    const deferral = record.responseType === InteractionResponseType.DeferredChannelMessageWithSource || record.responseType === InteractionResponseType.DeferredMessageUpdate;
    if (!deferral) return true;
    return record.edits.length > 0 || record.followups.length > 0 || record.originalDeleted;
  }

  private describe(record: InteractionRecord): string {
    return JSON.stringify({
      callbacks: record.callbacks.map((callback) => callback.type),
      original: record.original?.content ?? null,
      edits: record.edits.length,
      followups: record.followups.length,
      deleted: record.originalDeleted,
    });
  }

  private handle(record: InteractionRecord): InteractionHandle {
    const registry = this;
    let done: Promise<InteractionState> | null = null;
    const settled = (timeoutMs?: number, settleMs?: number): Promise<InteractionState> => {
      const quietMs = settleMs ?? registry.options.interactionSettleMs;
      const waiting = registry.changes
        .waitFor(
          () => registry.isAnswered(record) && Date.now() - record.lastActivityAt >= quietMs,
          timeoutMs,
          () => `interaction /${record.commandName} to be answered; state: ${registry.describe(record)}`,
          quietMs,
        )
        .then(() => registry.snapshot(record));
      waiting.catch(() => {});
      return waiting;
    };
    return {
      id: record.id,
      token: record.token,
      get state() {
        return registry.snapshot(record);
      },
      get done() {
        done ??= settled();
        return done;
      },
      settled,
      waitFor(predicate, timeoutMs) {
        const waiting = registry.changes
          .waitFor(
            () => predicate(registry.snapshot(record)),
            timeoutMs,
            () => `interaction /${record.commandName} predicate; state: ${registry.describe(record)}`,
          )
          .then(() => registry.snapshot(record));
        waiting.catch(() => {});
        return waiting;
      },
    };
  }

  private validate(body: JsonObject | null, files: UploadedFile[], requireNonEmpty: boolean, prefix?: string[]): void {
    if (!this.options.validateMessages) return;
    const error = validateMessageBody(body, files, { requireNonEmpty, prefix });
    if (error) throw error;
  }

  /** What the interaction's messages say about it (interaction_metadata). */
  private metadata(record: InteractionRecord): JsonObject {
    return {
      id: record.id,
      type: InteractionType.ApplicationCommand,
      name: record.commandName,
      command_type: ApplicationCommandType.ChatInput,
      user: this.world.existingUser(record.userId),
      authorizing_integration_owners: record.payload.authorizing_integration_owners,
    };
  }

  private byWebhook(applicationId: string, token: string): InteractionRecord {
    const record = applicationId === this.world.applicationId ? this.byToken.get(token) : undefined;
    if (!record) throw unknownWebhook();
    return record;
  }

  /** `@original` or one of the interaction's follow-ups. */
  private webhookMessage(record: InteractionRecord, messageId: string): MessageRecord {
    const message =
      messageId === '@original'
        ? record.original
        : (record.followups.find((followup) => followup.id === messageId) ?? (record.original?.id === messageId ? record.original : null));
    if (!message || message.deleted) throw unknownMessage();
    return message;
  }

  /** POST /interactions/:id/:token/callback: the bot's one response to the interaction. */
  private callback(request: RecordedRequest, interactionId: string, token: string): RouteResult {
    const record = this.byToken.get(token);
    if (!record || record.id !== interactionId) throw unknownInteraction();
    const now = Date.now();
    if (this.options.callbackDeadlineMs !== undefined && now - record.dispatchedAt > this.options.callbackDeadlineMs) {
      throw unknownInteraction();
    }
    if (record.responseType !== null) {
      throw new HttpError(400, errorBody(RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged, 'Interaction has already been acknowledged.'));
    }
    const body: JsonObject = request.body ?? {};
    const type = Number(body.type);
    const data: JsonObject | null = body.data ?? null;
    if (!CALLBACK_TYPES.includes(type)) {
      throw invalidFormBody([{ path: ['type'], code: 'ENUM_TYPE_COERCE', message: `Value "${body.type}" is not a valid enum value.` }]);
    }
    if (type === InteractionResponseType.ChannelMessageWithSource) this.validate(data, request.files, true, ['data']);
    const withResponse = request.query['with_response'] === 'true';
    record.callbacks.push({ type, data, withResponse, files: request.files, at: now });
    record.responseType = type;
    record.lastActivityAt = now;
    const flags = Number(data?.flags ?? 0);
    let message: JsonObject | null = null;
    if (type === InteractionResponseType.ChannelMessageWithSource || type === InteractionResponseType.DeferredChannelMessageWithSource) {
      const deferred = type === InteractionResponseType.DeferredChannelMessageWithSource;
      record.deferred = deferred;
      record.ephemeral = Boolean(flags & MessageFlags.Ephemeral);
      const loadingFlags = (flags | MessageFlags.Loading) >>> 0;
      message = this.messages.buildBotMessage(record.channelId, deferred ? { flags: loadingFlags } : data, request.files, {
        webhook_id: this.world.applicationId,
        application_id: this.world.applicationId,
        type: MessageType.ChatInputCommand,
        interaction_metadata: this.metadata(record),
      });
      // A deferred response is a loading message until it is edited.
      if (deferred) message.flags = loadingFlags;
      record.original = this.messages.store(message, { source: 'interaction-original', body: data, files: request.files, interactionId: record.id });
    } else if (type === InteractionResponseType.DeferredMessageUpdate) {
      record.deferred = true;
    } else if (type === InteractionResponseType.UpdateMessage) {
      const target = record.original;
      if (target) this.messages.applyEdit(target, data, request.files);
      message = target?.message ?? null;
    }
    if (!withResponse) return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id: record.id,
          type: InteractionType.ApplicationCommand,
          activity_instance_id: null,
          response_message_id: message?.id ?? null,
          response_message_loading: type === InteractionResponseType.DeferredChannelMessageWithSource,
          response_message_ephemeral: record.ephemeral,
        },
        resource: { type, ...(message ? { message } : {}) },
      },
    };
  }

  installRoutes(rest: RestServer): void {
    rest.route('POST', '/interactions/:interaction/:token/callback', (request, params) => this.callback(request, params.interaction!, params.token!));
    rest.route('GET', '/webhooks/:application/:token/messages/:message', (_request, params) => {
      const record = this.byWebhook(params.application!, params.token!);
      return { status: 200, body: this.webhookMessage(record, params.message!).message };
    });
    rest.route('PATCH', '/webhooks/:application/:token/messages/:message', (request, params) => {
      const record = this.byWebhook(params.application!, params.token!);
      const message = this.webhookMessage(record, params.message!);
      this.validate(request.body, request.files, false);
      this.messages.applyEdit(message, request.body, request.files);
      if (message === record.original) record.edits.push(request.body ?? {});
      record.lastActivityAt = Date.now();
      return { status: 200, body: message.message };
    });
    rest.route('DELETE', '/webhooks/:application/:token/messages/:message', (_request, params) => {
      const record = this.byWebhook(params.application!, params.token!);
      const message = this.webhookMessage(record, params.message!);
      message.deleted = true;
      if (message === record.original) record.originalDeleted = true;
      record.lastActivityAt = Date.now();
      return { status: 204 };
    });
    rest.route('POST', '/webhooks/:application/:token', (request, params) => {
      const record = this.byWebhook(params.application!, params.token!);
      // The webhook exists only once the interaction was acknowledged.
      if (record.responseType === null) throw unknownWebhook();
      this.validate(request.body, request.files, true);
      const message = this.messages.buildBotMessage(record.channelId, request.body, request.files, {
        webhook_id: this.world.applicationId,
        application_id: this.world.applicationId,
        interaction_metadata: this.metadata(record),
      });
      const followup = this.messages.store(message, { source: 'interaction-followup', body: request.body, files: request.files, interactionId: record.id });
      record.followups.push(followup);
      record.lastActivityAt = Date.now();
      return request.query['wait'] === 'true' ? { status: 200, body: message } : { status: 204 };
    });
  }
}
