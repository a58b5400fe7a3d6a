/**
 * FakeDiscord: the loopback fake of Discord's REST API (v10) and gateway, composed of its parts
 * (world, REST server, gateway, messages, commands, interactions). This class is the API tests use;
 * each member delegates to the part that owns the concern.
 */
import { GatewayCloseCodes } from 'discord-api-types/v10';
import { FakeCdn } from './cdn.js';
import { ChangeNotifier } from './changes.js';
import { CommandRegistry } from './commands.js';
import { Gateway } from './gateway.js';
import { InteractionWebhooks } from './interaction-callbacks.js';
import { InteractionRegistry } from './interactions.js';
import { MessageStore } from './messages.js';
import { RestServer } from './rest-server.js';
import type {
  AttachmentInput,
  CdnRequest,
  FailRule,
  FakeDiscordOptions,
  GatewayCloseRecord,
  GatewayStats,
  InteractionHandle,
  InteractionState,
  InteractionUserInput,
  JsonObject,
  MessageRecord,
  RecordedRequest,
  ResolvedOptions,
  SendAutocompleteInput,
  SendInteractionInput,
  SendMessageCommandInput,
  SendMessageInput,
} from './types.js';
import { World } from './world.js';

/** Identify throttler that never waits; pass as `ws.buildIdentifyThrottler` so re-identifies
 *  within 5 s don't sleep up to 6.5 s (discord's SimpleIdentifyThrottler). */
export const noIdentifyThrottle = {
  async waitForIdentify(): Promise<void> {},
};

function resolveOptions(options: FakeDiscordOptions): ResolvedOptions {
  return {
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41250,
    token: options.token,
    botUsername: options.botUsername ?? 'FakeBot',
    guildName: options.guildName ?? 'Fake Guild',
    guildCount: options.guildCount ?? 1,
    channelName: options.channelName ?? 'general',
    validateMessages: options.validateMessages ?? true,
    enforceMessageContentIntent: options.enforceMessageContentIntent ?? true,
    callbackDeadlineMs: options.callbackDeadlineMs,
    interactionSettleMs: options.interactionSettleMs ?? 100,
    defaultTimeoutMs: options.defaultTimeoutMs ?? 5000,
    debug: options.debug ?? false,
  };
}

export class FakeDiscord {
  readonly options: ResolvedOptions;
  /** Token to log in with (the configured one, or a placeholder the fake accepts). */
  readonly token: string;

  private readonly changes: ChangeNotifier;
  private readonly world: World;
  private readonly rest: RestServer;
  private readonly cdn: FakeCdn;
  private readonly gateway: Gateway;
  private readonly messageStore: MessageStore;
  private readonly commands: CommandRegistry;
  private readonly interactions: InteractionRegistry;

  private constructor(options: FakeDiscordOptions) {
    this.options = resolveOptions(options);
    this.token = options.token ?? 'ZmFrZS1ib3Q.fake.token';
    const log = (...args: unknown[]): void => {
      if (this.options.debug) console.error('[fake-discord]', ...args);
    };
    this.changes = new ChangeNotifier(this.options.defaultTimeoutMs);
    this.world = new World(this.options);
    this.rest = new RestServer(this.options, this.changes, log);
    this.cdn = new FakeCdn(this.changes);
    this.gateway = new Gateway(this.options, this.world, this.changes, this.rest, log);
    this.messageStore = new MessageStore(this.options, this.world, this.changes, this.gateway, this.cdn);
    this.commands = new CommandRegistry(this.world);
    this.interactions = new InteractionRegistry(
      this.options,
      this.world,
      this.changes,
      this.gateway,
      this.messageStore,
      this.commands,
      this.cdn,
    );
    // Route order matters only where templates overlap (`/users/@me` before `/users/:userId`).
    this.rest.forbid((path) => this.world.forbiddenReason(path));
    this.gateway.installRoutes(this.rest);
    this.world.installRoutes(this.rest);
    this.commands.installRoutes(this.rest);
    new InteractionWebhooks(this.options, this.world, this.interactions, this.messageStore).installRoutes(this.rest);
    this.messageStore.installRoutes(this.rest);
  }

  /** Start a fake on 127.0.0.1 with an ephemeral port. */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await Promise.all([fake.rest.listen(), fake.cdn.listen()]);
    return fake;
  }

  // ----- URLs & client options ----------------------------------------------------------------

  /** Pass as `rest.api`; discord.js appends `/v10/...`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.rest.port}/api`;
  }

  /** What GET /gateway/bot returns as `url`. */
  get gatewayUrl(): string {
    return this.gateway.url;
  }

  /** READY's resume_gateway_url (distinct path so tests can see resumes use it). */
  get resumeGatewayUrl(): string {
    return this.gateway.resumeUrl;
  }

  /**
   * Options to spread into `new Client({...})`: the REST base URL, no REST offset, and an
   * identify throttler that doesn't sleep (discord.js otherwise waits up to 6.5 s before a
   * re-identify within 5 s of the previous one).
   */
  clientOptions(): {
    rest: { api: string; offset: number };
    ws: { buildIdentifyThrottler: () => typeof noIdentifyThrottle };
  } {
    return {
      rest: { api: this.apiUrl, offset: 0 },
      ws: { buildIdentifyThrottler: () => noIdentifyThrottle },
    };
  }

  // ----- fixture objects ----------------------------------------------------------------------

  get botUser(): JsonObject {
    return this.world.botUser;
  }

  get applicationId(): string {
    return this.world.applicationId;
  }

  get guildId(): string {
    return this.world.guildId;
  }

  /** Every guild the bot is in, the first (`guildId`) first. */
  get guildIds(): string[] {
    return this.world.guildIds;
  }

  /** A guild's text channel. */
  textChannelIdOf(guildId: string): string {
    return this.world.textChannelIdOf(guildId);
  }

  get textChannelId(): string {
    return this.world.textChannelId;
  }

  get everyoneRoleId(): string {
    return this.world.everyoneRoleId;
  }

  get botRoleId(): string {
    return this.world.botRoleId;
  }

  /** Get or create a (non-bot) user. */
  user(id?: string, username?: string): JsonObject {
    return this.world.user(id, username);
  }

  get textChannel(): JsonObject {
    return this.world.textChannel;
  }

  get roles(): JsonObject[] {
    return this.world.roles;
  }

  get guild(): JsonObject {
    return this.world.guild;
  }

  /** The DM channel id for a user (created on first use, never dispatched to the bot). */
  dmChannelId(userId: string, preferredId?: string): string {
    return this.world.dmChannelId(userId, preferredId);
  }

  // ----- REST records ---------------------------------------------------------------------------

  /** Every REST request, in arrival order (including injected failures and unknown routes). */
  get requests(): RecordedRequest[] {
    return this.rest.requests;
  }

  /**
   * REST requests the bot may not make: to a channel it cannot see or a server it is not in (where
   * only a user installed the app). Discord answers them 403; a test of such a place expects none.
   */
  get forbiddenRequests(): Array<{ method: string; path: string; reason: string }> {
    return this.rest.forbiddenRequests;
  }

  /** A server that never invited the bot, where users bring the app through their own installation. */
  get foreignGuildId(): string {
    return this.world.foreignGuildId;
  }

  /** `METHOD /path` of requests that matched no route. */
  get unknownRoutes(): string[] {
    return this.rest.unknownRoutes;
  }

  /** Make the next `count` requests matching the rule fail (or be delayed). */
  failNext(rule: FailRule): void {
    this.rest.failNext(rule);
  }

  /** Requests matching method and a path pattern (string = exact path after /api/v10). */
  requestsTo(method: string, path: RegExp | string): RecordedRequest[] {
    return this.rest.requestsTo(method, path);
  }

  /** Resolves with the first recorded request matching. */
  waitForRequest(method: string, path: RegExp | string, timeoutMs?: number): Promise<RecordedRequest> {
    return this.rest.waitForRequest(method, path, timeoutMs);
  }

  // ----- commands -----------------------------------------------------------------------------

  /** Global commands as last PUT/POSTed by the bot. */
  get globalCommands(): JsonObject[] {
    return this.commands.globalCommands;
  }

  set globalCommands(commands: JsonObject[]) {
    this.commands.globalCommands = commands;
  }

  /** Guild commands by guild id. */
  get guildCommands(): Map<string, JsonObject[]> {
    return this.commands.guildCommands;
  }

  // ----- gateway ------------------------------------------------------------------------------

  get identifyPayloads(): JsonObject[] {
    return this.gateway.identifyPayloads;
  }

  get resumePayloads(): JsonObject[] {
    return this.gateway.resumePayloads;
  }

  /** Gateway ops received from the client other than heartbeat/identify/resume (e.g. presence). */
  get otherGatewayPayloads(): JsonObject[] {
    return this.gateway.otherGatewayPayloads;
  }

  get gatewayCloses(): GatewayCloseRecord[] {
    return this.gateway.gatewayCloses;
  }

  /** Dispatches not delivered because the session's intents excluded them. */
  get droppedDispatches(): Array<{ t: string; d: JsonObject; reason: string }> {
    return this.gateway.droppedDispatches;
  }

  /** Query strings the gateway was connected with. */
  get gatewayConnectQueries(): Array<{ path: string; query: Record<string, string> }> {
    return this.gateway.gatewayConnectQueries;
  }

  get heartbeatCount(): number {
    return this.gateway.heartbeatCount;
  }

  /** When each heartbeat arrived (Date.now()), in order, over every connection. */
  get heartbeatTimes(): number[] {
    return this.gateway.heartbeatTimes;
  }

  get identifyCount(): number {
    return this.gateway.identifyCount;
  }

  get resumeCount(): number {
    return this.gateway.resumeCount;
  }

  get connectionCount(): number {
    return this.gateway.connectionCount;
  }

  /** When false, heartbeats are not ACKed (to provoke discord.js zombie-connection handling). */
  get ackHeartbeats(): boolean {
    return this.gateway.ackHeartbeats;
  }

  set ackHeartbeats(acknowledge: boolean) {
    this.gateway.ackHeartbeats = acknowledge;
  }

  get gatewayStats(): GatewayStats {
    return this.gateway.stats;
  }

  /** Dispatch any gateway event. Queued until a connection is ready (READY/RESUMED). */
  dispatch(event: string, data: JsonObject): void {
    this.gateway.dispatch(event, data);
  }

  /** Send op 7 RECONNECT on every open connection (discord.js closes with 4200 and resumes). */
  requestReconnect(): void {
    this.gateway.requestReconnect();
  }

  /** Abruptly terminate every gateway socket (TCP-level, no close frame → client sees 1006). */
  dropConnections(): void {
    this.gateway.dropConnections();
  }

  /** Close every gateway socket with a close code (e.g. 4000 unknown error → resume;
   *  4004 auth failed → discord.js gives up). */
  closeConnections(code: number = GatewayCloseCodes.UnknownError, reason = 'Unknown error'): void {
    this.gateway.closeConnections(code, reason);
  }

  /** Send op 9 INVALID_SESSION. resumable=false also invalidates the session server-side, so the
   *  client must re-IDENTIFY. */
  invalidateSession(resumable: boolean): void {
    this.gateway.invalidateSession(resumable);
  }

  /** Send op 1 (server-requested heartbeat). */
  requestHeartbeat(): void {
    this.gateway.requestHeartbeat();
  }

  /** Resolves once some connection has finished READY(+GUILD_CREATE) or RESUMED. */
  waitForGatewayReady(timeoutMs?: number): Promise<void> {
    return this.waitFor(() => this.gateway.isReady, timeoutMs, 'a ready gateway connection');
  }

  // ----- messages -----------------------------------------------------------------------------

  /** Every message the fake knows about (user messages dispatched and bot messages created). */
  get messages(): MessageRecord[] {
    return this.messageStore.messages;
  }

  /** Dispatch MESSAGE_CREATE from a user. Returns the stored record. */
  sendMessage(input: SendMessageInput): MessageRecord {
    return this.messageStore.sendMessage(input);
  }

  /** Bot-authored messages (channel messages and interaction responses), optionally by channel. */
  botMessages(channelId?: string): MessageRecord[] {
    return this.messageStore.botMessages(channelId);
  }

  /**
   * Resolves with the first bot-authored message in the channel matching the predicate
   * (messages already received count too). Edits are taken into account.
   */
  waitForMessage(
    channelId: string,
    predicate?: (message: MessageRecord) => boolean,
    timeoutMs?: number,
  ): Promise<MessageRecord> {
    return this.messageStore.waitForMessage(channelId, predicate, timeoutMs);
  }

  // ----- interactions -------------------------------------------------------------------------

  /** Dispatch an APPLICATION_COMMAND (chat input) INTERACTION_CREATE. */
  sendInteraction(input: SendInteractionInput): InteractionHandle {
    return this.interactions.sendInteraction(input);
  }

  /** Interaction state by id. */
  interaction(id: string): InteractionState | undefined {
    return this.interactions.interaction(id);
  }

  /**
   * Click a button (by custom_id) on a message the bot sent, as a user, where the message is (a
   * guild channel or a DM). The default user is the one the message answered (or the DM's user).
   * Throws if Discord would not let that happen: no such button, a disabled or link button, a
   * deleted message, someone else's ephemeral message or DM.
   */
  clickButton(message: MessageRecord | string, customId: string, input?: InteractionUserInput): InteractionHandle {
    return this.interactions.clickButton(message, customId, input);
  }

  /** Choose values of a string select (by custom_id) on a message the bot sent; checked against its options and min/max_values. */
  selectOptions(
    message: MessageRecord | string,
    customId: string,
    values: string[],
    input?: InteractionUserInput,
  ): InteractionHandle {
    return this.interactions.selectOptions(message, customId, values, input);
  }

  /** The buttons and selects now on a message (through every action row), to find what to click. */
  componentsOf(message: MessageRecord | string): JsonObject[] {
    return this.interactions.componentsOf(message);
  }

  /**
   * Autocomplete (interaction type 4) while the user types `value` into option `focused` of a
   * slash command. The bot's choices (callback 8) land in `state.choices`, the time it took in
   * `state.respondedAfterMs`. When the command is registered, the option must exist and have
   * autocomplete enabled (Discord asks for nothing else).
   */
  sendAutocomplete(input: SendAutocompleteInput): InteractionHandle {
    return this.interactions.sendAutocomplete(input);
  }

  /**
   * A message command (application command type 3, "Apps → name" on a message) used on a message
   * the fake knows, or on one made for the test (text, possibly empty, and attachments served from
   * the CDN). The interaction carries `target_id` and `data.resolved.messages` like Discord's.
   */
  sendMessageCommand(input: SendMessageCommandInput): InteractionHandle {
    return this.interactions.sendMessageCommand(input);
  }

  /** A message that was already in a channel (history the bot never received as an event). */
  placeMessage(input: SendMessageInput): MessageRecord {
    return this.messageStore.placeMessage(input);
  }

  // ----- CDN ----------------------------------------------------------------------------------

  /** Base URL of the loopback CDN that serves attachments (its own port, as Discord's CDN is its own host). */
  get cdnUrl(): string {
    return this.cdn.baseUrl;
  }

  /** Every request to the CDN (downloads of attachments), in arrival order. */
  get cdnRequests(): CdnRequest[] {
    return this.cdn.requests;
  }

  /** Puts a file on the CDN and returns its attachment object (signed `url` and `proxy_url`). */
  uploadAttachment(file: AttachmentInput, channelId: string = this.world.textChannelId): JsonObject {
    return this.cdn.storeInput(file, channelId);
  }

  // ----- waiting & teardown -------------------------------------------------------------------

  /**
   * Resolves when `check()` returns true (re-checked on every fake-side event, and every
   * `pollMs` if given); rejects after timeoutMs with the description.
   */
  waitFor(
    check: () => boolean,
    timeoutMs?: number,
    description: string | (() => string) = 'condition',
    pollMs?: number,
  ): Promise<void> {
    return this.changes.waitFor(check, timeoutMs, description, pollMs);
  }

  /** Close all sockets and the server; rejects pending waits. Idempotent. */
  async close(): Promise<void> {
    if (this.changes.isClosed) return;
    this.changes.close();
    await this.gateway.close();
    await Promise.all([this.rest.close(), this.cdn.close()]);
  }
}

/** Shorthand for FakeDiscord.start(). */
export function startFakeDiscord(options?: FakeDiscordOptions): Promise<FakeDiscord> {
  return FakeDiscord.start(options);
}
