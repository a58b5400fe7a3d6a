/**
 * How the bot answers an interaction: its one callback (reply, defer, update the component's
 * message, autocomplete choices…), then the interaction's webhook (edit or delete @original,
 * follow-ups). Each is checked as Discord checks it.
 */
import {
  ApplicationCommandType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  MessageType,
  RESTJSONErrorCodes,
} from 'discord-api-types/v10';
import { errorBody, HttpError, invalidFormBody, notFound, unknownMessage } from './http-errors.js';
import type { InteractionRegistry, TrackedInteraction } from './interactions.js';
import type { MessageStore } from './messages.js';
import type { RestServer, RouteResult } from './rest-server.js';
import type { JsonObject, MessageRecord, RecordedRequest, ResolvedOptions, UploadedFile } from './types.js';
import { validateAutocompleteChoices, validateMessageBody } from './validation.js';
import type { World } from './world.js';

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

/** Callbacks that change the message a component is on: only component interactions have one. */
const UPDATES: readonly number[] = [
  InteractionResponseType.DeferredMessageUpdate,
  InteractionResponseType.UpdateMessage,
];

const unknownInteraction = (): HttpError => notFound(RESTJSONErrorCodes.UnknownInteraction, 'Unknown interaction');
const unknownWebhook = (): HttpError => notFound(RESTJSONErrorCodes.UnknownWebhook, 'Unknown Webhook');

export class InteractionWebhooks {
  constructor(
    private readonly options: ResolvedOptions,
    private readonly world: World,
    private readonly interactions: InteractionRegistry,
    private readonly messages: MessageStore,
  ) {}

  installRoutes(rest: RestServer): void {
    rest.route('POST', '/interactions/:interaction/:token/callback', (request, parameters) =>
      this.callback(request, parameters.interaction!, parameters.token!),
    );
    rest.route('GET', '/webhooks/:application/:token/messages/:message', (_request, parameters) => {
      const tracked = this.byWebhook(parameters.application!, parameters.token!);
      return { status: 200, body: this.webhookMessage(tracked, parameters.message!).message };
    });
    rest.route('PATCH', '/webhooks/:application/:token/messages/:message', (request, parameters) => {
      const tracked = this.byWebhook(parameters.application!, parameters.token!);
      const message = this.webhookMessage(tracked, parameters.message!);
      this.validate(request.body, request.files, false);
      this.messages.applyEdit(message, request.body, request.files);
      if (message === tracked.state.original) tracked.state.edits.push(request.body ?? {});
      tracked.state.lastActivityAt = Date.now();
      return { status: 200, body: message.message };
    });
    rest.route('DELETE', '/webhooks/:application/:token/messages/:message', (_request, parameters) => {
      const tracked = this.byWebhook(parameters.application!, parameters.token!);
      const message = this.webhookMessage(tracked, parameters.message!);
      message.deleted = true;
      if (message === tracked.state.original) tracked.state.originalDeleted = true;
      tracked.state.lastActivityAt = Date.now();
      return { status: 204 };
    });
    rest.route('POST', '/webhooks/:application/:token', (request, parameters) => {
      const tracked = this.byWebhook(parameters.application!, parameters.token!);
      const state = tracked.state;
      // The webhook exists only once the interaction was acknowledged, and never for autocomplete.
      if (state.responseType === null || state.type === InteractionType.ApplicationCommandAutocomplete)
        throw unknownWebhook();
      this.validate(request.body, request.files, true);
      const metadata = this.metadata(tracked);
      if (state.original) metadata.original_response_message_id = state.original.id;
      const message = this.messages.buildBotMessage(state.channelId, request.body, request.files, {
        webhook_id: this.world.applicationId,
        application_id: this.world.applicationId,
        interaction_metadata: metadata,
      });
      const followup = this.messages.store(message, {
        source: 'interaction-followup',
        body: request.body,
        files: request.files,
        interactionId: state.id,
      });
      state.followups.push(followup);
      state.lastActivityAt = Date.now();
      return request.query['wait'] === 'true' ? { status: 200, body: message } : { status: 204 };
    });
  }

  /** POST /interactions/:id/:token/callback: the bot's one response to the interaction. */
  private callback(request: RecordedRequest, interactionId: string, token: string): RouteResult {
    const tracked = this.interactions.withToken(token);
    if (!tracked || tracked.state.id !== interactionId) throw unknownInteraction();
    const state = tracked.state;
    const now = Date.now();
    if (this.options.callbackDeadlineMs !== undefined && now - state.dispatchedAt > this.options.callbackDeadlineMs)
      throw unknownInteraction();
    if (state.responseType !== null) {
      throw new HttpError(
        400,
        errorBody(
          RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged,
          'Interaction has already been acknowledged.',
        ),
      );
    }
    const body: JsonObject = request.body ?? {};
    const type = Number(body.type);
    const data: JsonObject | null = body.data ?? null;
    if (!CALLBACK_TYPES.includes(type)) {
      throw invalidFormBody([
        { path: ['type'], code: 'ENUM_TYPE_COERCE', message: `Value "${body.type}" is not a valid enum value.` },
      ]);
    }
    this.checkFits(tracked, type);
    if (type === InteractionResponseType.ChannelMessageWithSource) this.validate(data, request.files, true, ['data']);
    if (type === InteractionResponseType.UpdateMessage) this.validate(data, request.files, false, ['data']);
    if (type === InteractionResponseType.ApplicationCommandAutocompleteResult) {
      const error = validateAutocompleteChoices(data);
      if (error) throw error;
    }

    const withResponse = request.query['with_response'] === 'true';
    state.callbacks.push({ type, data, withResponse, files: request.files, at: now });
    state.responseType = type;
    state.respondedAfterMs = now - state.dispatchedAt;
    state.lastActivityAt = now;
    let message: JsonObject | null = null;
    switch (type) {
      case InteractionResponseType.ChannelMessageWithSource:
      case InteractionResponseType.DeferredChannelMessageWithSource:
        message = this.createResponse(tracked, type, data, request.files);
        break;
      case InteractionResponseType.DeferredMessageUpdate:
      case InteractionResponseType.UpdateMessage: {
        // @original of a component interaction answered this way is the component's message.
        const target = tracked.componentMessage!;
        if (type === InteractionResponseType.UpdateMessage) this.messages.applyEdit(target, data, request.files);
        state.original = target;
        state.deferred = type === InteractionResponseType.DeferredMessageUpdate;
        state.ephemeral = Boolean(target.flags & MessageFlags.Ephemeral);
        if (type === InteractionResponseType.UpdateMessage) message = target.message;
        break;
      }
      case InteractionResponseType.ApplicationCommandAutocompleteResult:
        state.choices = data!.choices;
        break;
    }
    if (!withResponse) return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id: state.id,
          type: state.type,
          activity_instance_id: null,
          response_message_id: message?.id ?? null,
          response_message_loading: type === InteractionResponseType.DeferredChannelMessageWithSource,
          response_message_ephemeral: state.ephemeral,
        },
        resource: { type, ...(message ? { message } : {}) },
      },
    };
  }

  /** Refuses a callback type the interaction cannot take. */
  private checkFits(tracked: TrackedInteraction, type: number): void {
    const interactionType = tracked.state.type;
    if (UPDATES.includes(type)) {
      // Without a component there is no message to update: Discord answers Unknown Message
      // (https://github.com/discord/discord-api-docs/issues/7774).
      const target = tracked.componentMessage;
      if (interactionType !== InteractionType.MessageComponent || !target || target.deleted) throw unknownMessage();
      return;
    }
    const isAutocomplete = interactionType === InteractionType.ApplicationCommandAutocomplete;
    if ((type === InteractionResponseType.ApplicationCommandAutocompleteResult) !== isAutocomplete) {
      const allowed = isAutocomplete
        ? [InteractionResponseType.ApplicationCommandAutocompleteResult]
        : CALLBACK_TYPES.filter(
            (candidate) => candidate !== InteractionResponseType.ApplicationCommandAutocompleteResult,
          );
      // Discord does not document the code for this case; the shape is its usual enum refusal.
      throw invalidFormBody([
        { path: ['type'], code: 'BASE_TYPE_CHOICES', message: `Value must be one of (${allowed.join(', ')}).` },
      ]);
    }
  }

  /** A new message answering the interaction: replied at once (4), or loading until edited (5). */
  private createResponse(
    tracked: TrackedInteraction,
    type: number,
    data: JsonObject | null,
    files: UploadedFile[],
  ): JsonObject {
    const state = tracked.state;
    const deferred = type === InteractionResponseType.DeferredChannelMessageWithSource;
    const flags = Number(data?.flags ?? 0);
    state.deferred = deferred;
    state.ephemeral = Boolean(flags & MessageFlags.Ephemeral);
    const loadingFlags = (flags | MessageFlags.Loading) >>> 0;
    const message = this.messages.buildBotMessage(state.channelId, deferred ? { flags: loadingFlags } : data, files, {
      webhook_id: this.world.applicationId,
      application_id: this.world.applicationId,
      type: this.responseMessageType(tracked),
      interaction_metadata: this.metadata(tracked),
    });
    // A deferred response is a loading message until it is edited.
    if (deferred) message.flags = loadingFlags;
    const component = tracked.componentMessage;
    if (component) {
      // Components are on an existing message: the answer to using one replies to it.
      message.message_reference = {
        type: 0,
        message_id: component.id,
        channel_id: component.channelId,
        ...(component.guildId ? { guild_id: component.guildId } : {}),
      };
    }
    state.original = this.messages.store(message, {
      source: 'interaction-original',
      body: data,
      files,
      interactionId: state.id,
    });
    return message;
  }

  private responseMessageType(tracked: TrackedInteraction): MessageType {
    if (tracked.componentMessage) return MessageType.Reply;
    return tracked.commandType === ApplicationCommandType.Message
      ? MessageType.ContextMenuCommand
      : MessageType.ChatInputCommand;
  }

  /** What the interaction's messages say about it (interaction_metadata). */
  private metadata(tracked: TrackedInteraction): JsonObject {
    const state = tracked.state;
    const common = {
      id: state.id,
      type: state.type,
      user: this.world.existingUser(state.userId),
      authorizing_integration_owners: state.payload.authorizing_integration_owners,
    };
    if (state.type === InteractionType.MessageComponent)
      return { ...common, interacted_message_id: state.targetMessageId };
    const metadata: JsonObject = {
      ...common,
      name: state.commandName,
      command_type: tracked.commandType ?? ApplicationCommandType.ChatInput,
    };
    if (tracked.commandType === ApplicationCommandType.Message) metadata.target_message_id = state.targetMessageId;
    return metadata;
  }

  private validate(body: JsonObject | null, files: UploadedFile[], requireNonEmpty: boolean, prefix?: string[]): void {
    if (!this.options.validateMessages) return;
    const error = validateMessageBody(body, files, { requireNonEmpty, prefix });
    if (error) throw error;
  }

  private byWebhook(applicationId: string, token: string): TrackedInteraction {
    const tracked = applicationId === this.world.applicationId ? this.interactions.withToken(token) : undefined;
    if (!tracked) throw unknownWebhook();
    return tracked;
  }

  /** `@original` or one of the interaction's follow-ups. */
  private webhookMessage(tracked: TrackedInteraction, messageId: string): MessageRecord {
    const { original, followups } = tracked.state;
    const message =
      messageId === '@original'
        ? original
        : (followups.find((followup) => followup.id === messageId) ?? (original?.id === messageId ? original : null));
    if (!message || message.deleted) throw unknownMessage();
    return message;
  }
}
