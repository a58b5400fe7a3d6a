/**
 * Interactions a test sends as a user (slash commands, clicks and selects on the bot's messages,
 * autocomplete while typing, message commands) and the state of each as the bot answers it.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ButtonStyle,
  ComponentType,
  GatewayDispatchEvents,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
} from 'discord-api-types/v10';
import type { FakeCdn } from './cdn.js';
import type { ChangeNotifier } from './changes.js';
import type { CommandRegistry } from './commands.js';
import type { Gateway } from './gateway.js';
import {
  autocompletePayload,
  chatInputPayload,
  componentPayload,
  messageCommandPayload,
  type BuiltInteraction,
  type StoreAttachment,
} from './interaction-payloads.js';
import type { MessageStore } from './messages.js';
import { snowflake } from './snowflake.js';
import type {
  InteractionHandle,
  InteractionState,
  InteractionUserInput,
  JsonObject,
  MessageRecord,
  ResolvedOptions,
  SendAutocompleteInput,
  SendInteractionInput,
  SendMessageCommandInput,
} from './types.js';
import type { World } from './world.js';

export interface TrackedInteraction {
  /** The state as stored; content and embeds are read from @original when asked. */
  state: Omit<InteractionState, 'content' | 'embeds'>;
  /** Component interactions: the message the component is on (what 6 and 7 update). */
  componentMessage: MessageRecord | null;
  /** Application commands: chat input (1) or message (3); null for other interactions. */
  commandType: ApplicationCommandType | null;
}

/** Buttons and selects anywhere in a message's components (action rows, and V2 layouts). */
export function interactiveComponents(components: JsonObject[]): JsonObject[] {
  const found: JsonObject[] = [];
  const visit = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const component of list as JsonObject[]) {
      if (
        component?.type !== ComponentType.ActionRow &&
        (component?.custom_id !== undefined || component?.url !== undefined)
      )
        found.push(component);
      visit(component?.components);
      if (component?.accessory) visit([component.accessory]);
    }
  };
  visit(components);
  return found;
}

const fakeError = (message: string): Error => new Error(`FakeDiscord: ${message}`);

/** What the fake tracks about an interaction beyond its payload. */
interface DispatchedAbout {
  name: string;
  commandType: ApplicationCommandType | null;
  guildId: string | null;
  customId?: string;
  targetMessageId?: string;
  componentMessage?: MessageRecord;
}

export class InteractionRegistry {
  private readonly byToken = new Map<string, TrackedInteraction>();
  private readonly byId = new Map<string, TrackedInteraction>();
  private readonly storeAttachment: StoreAttachment;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly world: World,
    private readonly changes: ChangeNotifier,
    private readonly gateway: Gateway,
    private readonly messages: MessageStore,
    private readonly commands: CommandRegistry,
    cdn: FakeCdn,
  ) {
    this.storeAttachment = (file, channelId) => cdn.storeInput(file, channelId);
  }

  /** Dispatch an APPLICATION_COMMAND (chat input) INTERACTION_CREATE. */
  sendInteraction(input: SendInteractionInput): InteractionHandle {
    const commandId = input.commandId ?? this.commands.find(input.name)?.id ?? snowflake(Date.now() - 60_000);
    const built = chatInputPayload(this.world, input, commandId, this.storeAttachment);
    const guildId = built.invocation.guildId;
    return this.dispatch(built, { name: input.name, commandType: ApplicationCommandType.ChatInput, guildId });
  }

  /** Click a button (by custom_id) on a message the bot sent, as a user. */
  clickButton(message: MessageRecord | string, customId: string, input: InteractionUserInput = {}): InteractionHandle {
    const { record, component } = this.componentOn(message, customId);
    if (component.type !== ComponentType.Button)
      throw fakeError(`"${customId}" is not a button (component type ${component.type})`);
    if (component.style === ButtonStyle.Link || component.style === ButtonStyle.Premium) {
      const kind = component.style === ButtonStyle.Link ? 'link' : 'premium';
      throw fakeError(`"${customId}" is a ${kind} button: clicking it sends the bot no interaction`);
    }
    return this.useComponent(record, component, undefined, input);
  }

  /** Choose values in a string select (by custom_id) on a message the bot sent, as a user. */
  selectOptions(
    message: MessageRecord | string,
    customId: string,
    values: string[],
    input: InteractionUserInput = {},
  ): InteractionHandle {
    const { record, component } = this.componentOn(message, customId);
    if (component.type !== ComponentType.StringSelect)
      throw fakeError(`"${customId}" is not a string select (component type ${component.type})`);
    const offered = (component.options as JsonObject[] | undefined)?.map((option) => option.value) ?? [];
    const unknown = values.filter((value) => !offered.includes(value));
    if (unknown.length)
      throw fakeError(`select "${customId}" offers ${JSON.stringify(offered)}, not ${JSON.stringify(unknown)}`);
    if (new Set(values).size !== values.length)
      throw fakeError(`a select cannot choose the same value twice: ${JSON.stringify(values)}`);
    const [fewest, most] = [component.min_values ?? 1, component.max_values ?? 1];
    if (values.length < fewest || values.length > most)
      throw fakeError(`select "${customId}" takes ${fewest} to ${most} values, not ${values.length}`);
    return this.useComponent(record, component, values, input);
  }

  /** Autocomplete for a slash command's option: the user has typed `value` into `focused`. */
  sendAutocomplete(input: SendAutocompleteInput): InteractionHandle {
    const registered = this.commands.find(input.name, ApplicationCommandType.ChatInput);
    let focusedType: ApplicationCommandOptionType =
      typeof input.value === 'string'
        ? ApplicationCommandOptionType.String
        : Number.isInteger(input.value)
          ? ApplicationCommandOptionType.Integer
          : ApplicationCommandOptionType.Number;
    if (registered) {
      const definition = this.commands.optionDefinition(registered, [
        input.subcommandGroup,
        input.subcommand,
        input.focused,
      ]);
      if (!definition)
        throw fakeError(
          `/${input.name} has no option "${input.focused}" there, so Discord would not ask to autocomplete it`,
        );
      if (definition.autocomplete !== true)
        throw fakeError(`option "${input.focused}" of /${input.name} does not have autocomplete enabled`);
      focusedType = definition.type;
    }
    const commandId = input.commandId ?? registered?.id ?? snowflake(Date.now() - 60_000);
    const built = autocompletePayload(this.world, input, commandId, focusedType);
    return this.dispatch(built, { name: input.name, commandType: null, guildId: built.invocation.guildId });
  }

  /** A message command ("Apps → name" on a message), on a message the fake knows or one made for the test. */
  sendMessageCommand(input: SendMessageCommandInput): InteractionHandle {
    const user = this.world.user(input.userId, input.username);
    const target = this.messageCommandTarget(input, user.id);
    if (this.world.isDmChannel(target.channelId) && this.world.dmRecipient(target.channelId) !== user.id) {
      throw fakeError(`message ${target.id} is in another user's DM with the bot`);
    }
    const registered = this.commands.find(input.name, ApplicationCommandType.Message);
    const commandId = input.commandId ?? registered?.id ?? snowflake(Date.now() - 60_000);
    const built = messageCommandPayload(this.world, { ...input, userId: user.id }, commandId, target);
    return this.dispatch(built, {
      name: input.name,
      commandType: ApplicationCommandType.Message,
      guildId: target.guildId,
      targetMessageId: target.id,
    });
  }

  /** Interaction state by id. */
  interaction(id: string): InteractionState | undefined {
    const tracked = this.byId.get(id);
    return tracked ? this.snapshot(tracked) : undefined;
  }

  /** The interaction a callback or webhook token belongs to. */
  withToken(token: string): TrackedInteraction | undefined {
    return this.byToken.get(token);
  }

  /** The buttons and selects currently on a message. */
  componentsOf(message: MessageRecord | string): JsonObject[] {
    return interactiveComponents(this.currentMessage(message).components);
  }

  private currentMessage(message: MessageRecord | string): MessageRecord {
    const id = typeof message === 'string' ? message : message.id;
    const record = this.messages.get(id);
    if (!record) throw fakeError(`no message ${id}`);
    if (record.deleted) throw fakeError(`message ${id} was deleted`);
    return record;
  }

  private componentOn(
    message: MessageRecord | string,
    customId: string,
  ): { record: MessageRecord; component: JsonObject } {
    const record = this.currentMessage(message);
    const components = interactiveComponents(record.components);
    const component = components.find((candidate) => candidate.custom_id === customId);
    if (!component) {
      const present = components.map((candidate) => candidate.custom_id ?? candidate.url);
      throw fakeError(`message ${record.id} has no component "${customId}"; it has ${JSON.stringify(present)}`);
    }
    if (component.disabled === true) throw fakeError(`"${customId}" is disabled, so it cannot be used`);
    return { record, component };
  }

  private useComponent(
    record: MessageRecord,
    component: JsonObject,
    values: string[] | undefined,
    input: InteractionUserInput,
  ): InteractionHandle {
    // Who is answered by a message sees it first: the default user is the one the bot answered.
    const answered = record.interactionId ? this.byId.get(record.interactionId)?.state.userId : undefined;
    const dmUser = record.guildId === null ? this.world.dmRecipient(record.channelId) : undefined;
    const userId = input.userId ?? answered ?? dmUser ?? snowflake();
    if (record.flags & MessageFlags.Ephemeral && answered !== undefined && userId !== answered) {
      throw fakeError(`message ${record.id} is ephemeral: only user ${answered} sees it`);
    }
    if (dmUser !== undefined && userId !== dmUser)
      throw fakeError(`message ${record.id} is in user ${dmUser}'s DM with the bot`);
    const built = componentPayload(this.world, { ...input, userId }, record, component, values);
    return this.dispatch(built, {
      name: '',
      commandType: null,
      guildId: record.guildId,
      customId: component.custom_id,
      targetMessageId: record.id,
      componentMessage: record,
    });
  }

  private messageCommandTarget(input: SendMessageCommandInput, userId: string): MessageRecord {
    const target = input.target;
    if (typeof target === 'string' || 'message' in target) return this.currentMessage(target);
    // In a DM only the user and the bot write; the target made for the test is the user's.
    const authorId = input.dm ? userId : (target.authorId ?? userId);
    const unseen = input.userInstall ? this.world.unseenChannel(input.userInstall) : undefined;
    return this.messages.placeMessage({
      content: target.content ?? '',
      authorId,
      username: target.username,
      dm: input.dm,
      ...(unseen ? { channelId: unseen.id } : {}),
      attachments: target.attachments,
      overrides: target.embeds ? { embeds: target.embeds } : undefined,
    });
  }

  private dispatch(built: BuiltInteraction, about: DispatchedAbout): InteractionHandle {
    const { invocation, payload } = built;
    const tracked: TrackedInteraction = {
      state: {
        id: invocation.id,
        token: invocation.token,
        applicationId: this.world.applicationId,
        type: payload.type,
        commandName: about.name,
        customId: about.customId ?? null,
        targetMessageId: about.targetMessageId ?? null,
        channelId: invocation.channelId,
        guildId: about.guildId,
        userId: invocation.user.id,
        dispatchedAt: invocation.dispatchedAt,
        payload,
        callbacks: [],
        responseType: null,
        respondedAfterMs: null,
        choices: null,
        deferred: false,
        ephemeral: false,
        original: null,
        originalDeleted: false,
        edits: [],
        followups: [],
        lastActivityAt: invocation.dispatchedAt,
      },
      componentMessage: about.componentMessage ?? null,
      commandType: about.commandType,
    };
    this.byToken.set(invocation.token, tracked);
    this.byId.set(invocation.id, tracked);
    this.gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
    return this.handle(tracked);
  }

  private snapshot(tracked: TrackedInteraction): InteractionState {
    const state = tracked.state;
    const showsOriginal = state.original && !state.originalDeleted;
    return {
      ...state,
      callbacks: [...state.callbacks],
      edits: [...state.edits],
      followups: [...state.followups],
      content: showsOriginal ? state.original!.content : null,
      embeds: showsOriginal ? state.original!.embeds : [],
    };
  }

  /** Answered: replied, updated or autocompleted; or deferred and then edited, followed up or deleted. */
  private isAnswered(tracked: TrackedInteraction): boolean {
    const state = tracked.state;
    if (state.responseType === null) return false;
    const deferral =
      state.responseType === InteractionResponseType.DeferredChannelMessageWithSource ||
      state.responseType === InteractionResponseType.DeferredMessageUpdate;
    if (!deferral) return true;
    return state.edits.length > 0 || state.followups.length > 0 || state.originalDeleted;
  }

  /** For timeout messages, e.g. `interaction /ask to be answered; state: {...}`. */
  private describe(tracked: TrackedInteraction, awaited: string): string {
    const state = tracked.state;
    const what =
      state.type === InteractionType.MessageComponent ? `component "${state.customId}"` : `/${state.commandName}`;
    const progress = JSON.stringify({
      callbacks: state.callbacks.map((callback) => callback.type),
      original: state.original?.content ?? null,
      edits: state.edits.length,
      followups: state.followups.length,
      deleted: state.originalDeleted,
    });
    return `interaction ${what} ${awaited}; state: ${progress}`;
  }

  private handle(tracked: TrackedInteraction): InteractionHandle {
    // The handle's functions outlive this call and need the registry, not their own `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const registry = this;
    let done: Promise<InteractionState> | null = null;
    const settled = (timeoutMs?: number, settleMs?: number): Promise<InteractionState> => {
      const quietMs = settleMs ?? registry.options.interactionSettleMs;
      const waiting = registry.changes
        .waitFor(
          () => registry.isAnswered(tracked) && Date.now() - tracked.state.lastActivityAt >= quietMs,
          timeoutMs,
          () => registry.describe(tracked, 'to be answered'),
          quietMs,
        )
        .then(() => registry.snapshot(tracked));
      waiting.catch(() => {});
      return waiting;
    };
    return {
      id: tracked.state.id,
      token: tracked.state.token,
      get state() {
        return registry.snapshot(tracked);
      },
      get done() {
        done ??= settled();
        return done;
      },
      settled,
      waitFor(predicate, timeoutMs) {
        const waiting = registry.changes
          .waitFor(
            () => predicate(registry.snapshot(tracked)),
            timeoutMs,
            () => registry.describe(tracked, 'predicate'),
          )
          .then(() => registry.snapshot(tracked));
        waiting.catch(() => {});
        return waiting;
      },
    };
  }
}
