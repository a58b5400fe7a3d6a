/**
 * A loopback fake of Discord's REST API (v10) and gateway, for end-to-end tests of a bot
 * that runs the real discord.js Client.
 *
 *   const fake = await FakeDiscord.start({ heartbeatIntervalMs: 500 });
 *   const client = new Client({ intents, partials, ...fake.clientOptions() });
 *   await client.login(fake.token);
 *   const handle = fake.sendInteraction({ name: 'ask', options: { question: 'why?' } });
 *   const state = await handle.done;
 *   ...
 *   await client.destroy();
 *   await fake.close();
 *
 * Everything binds to 127.0.0.1 on an ephemeral port. Nothing here talks to the internet.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** Loose JSON object; payloads follow Discord's API shapes (snake_case). */
export type JsonObject = Record<string, any>;

export interface FakeDiscordOptions {
  /** HELLO heartbeat_interval in ms. Default 41250 (Discord's). Use e.g. 200–1000 in tests. */
  heartbeatIntervalMs?: number;
  /** Token the fake accepts. If set, IDENTIFY/RESUME with another token is closed with 4004 and
   *  bot-authenticated REST calls with another token get 401. Default: accept any token. */
  token?: string;
  botUsername?: string;
  guildName?: string;
  channelName?: string;
  /** Validate outgoing message bodies against Discord's limits (2000 chars, embed limits, empty
   *  message) and answer 400 (code 50035 / 50006) like Discord. Default true. */
  validateMessages?: boolean;
  /** Strip content/embeds/attachments/components from guild MESSAGE_CREATEs that neither mention
   *  the bot nor are authored by it when the bot did not IDENTIFY with the MessageContent intent
   *  (what Discord does). Default true. */
  enforceMessageContentIntent?: boolean;
  /** If set, an interaction callback arriving later than this after dispatch gets 404 Unknown
   *  interaction (10062), as Discord does after 3 s. Default: no deadline. */
  callbackDeadlineMs?: number;
  /** Quiet period after which an answered interaction counts as final (handle.done). Default 100. */
  interactionSettleMs?: number;
  /** Default timeout for handle.done / waitFor* helpers. Default 5000. */
  defaultTimeoutMs?: number;
  /** Log gateway/REST traffic to stderr. */
  debug?: boolean;
}

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
  data: Buffer;
}

export interface RecordedRequest {
  method: string;
  /** Path after the `/api/v10` prefix, e.g. `/channels/123/messages`. */
  path: string;
  /** Full request path as received (without query string). */
  rawPath: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** `Authorization` header, e.g. `Bot <token>`; undefined for auth:false routes (interaction
   *  callbacks and webhooks). */
  authorization: string | undefined;
  contentType: string | undefined;
  /** Parsed JSON body, or the parsed `payload_json` part of a multipart body; null if none. */
  body: any;
  files: UploadedFile[];
  time: number;
  /** Matched route template, e.g. `POST /channels/:id/messages`; null for unknown routes. */
  route: string | null;
  /** Status the fake answered with (set once answered). */
  status?: number;
  /** Response body the fake answered with (set once answered). */
  response?: any;
  /** True when the answer came from a failNext() rule. */
  injected: boolean;
}

export interface FailRule {
  method?: string;
  /** Tested against RecordedRequest.path (e.g. `/interactions/1/tok/callback`) and rawPath. */
  pathPattern: RegExp;
  /** Status to answer with. Omit to only delay (delayMs) and then answer normally. */
  status?: number;
  /** How many matching requests this rule applies to. Default 1. */
  count?: number;
  /** Seconds, for 429 (Retry-After header and retry_after body). Default 0.05. */
  retryAfter?: number;
  /** For 429: mark as global rate limit (X-RateLimit-Global). */
  global?: boolean;
  /** For 429: X-RateLimit-Scope. Default 'user' (or 'global' when global). */
  scope?: 'user' | 'global' | 'shared';
  /** Custom JSON body for the error answer. */
  body?: JsonObject;
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface Pings {
  users: string[];
  roles: string[];
  everyone: boolean;
  repliedUser: boolean;
}

export type MessageSource = 'user' | 'bot' | 'interaction-original' | 'interaction-followup';

export interface MessageRecord {
  id: string;
  channelId: string;
  guildId: string | null;
  authorId: string;
  content: string;
  embeds: JsonObject[];
  components: JsonObject[];
  flags: number;
  /** message_reference.message_id, if the message is a reply. */
  replyTo: string | null;
  /** allowed_mentions from the request body that created / last edited the message. */
  allowedMentions: JsonObject | undefined;
  /** Who would actually be pinged, following Discord's allowed_mentions rules. */
  pings: Pings;
  files: UploadedFile[];
  source: MessageSource;
  interactionId: string | null;
  createdAt: number;
  editedAt: number | null;
  deleted: boolean;
  /** Bodies of PATCH requests applied to this message. */
  edits: JsonObject[];
  /** The Discord API message object (what the bot receives). */
  message: JsonObject;
}

export interface InteractionCallbackRecord {
  type: number;
  data: JsonObject | null;
  withResponse: boolean;
  files: UploadedFile[];
  at: number;
}

export interface InteractionState {
  id: string;
  token: string;
  applicationId: string;
  commandName: string;
  channelId: string;
  guildId: string | null;
  userId: string;
  dispatchedAt: number;
  /** The INTERACTION_CREATE `d` payload as dispatched. */
  payload: JsonObject;
  callbacks: InteractionCallbackRecord[];
  /** Type of the first (accepted) callback: 4 reply, 5 deferred, 6 deferred update, 7 update… */
  responseType: number | null;
  deferred: boolean;
  ephemeral: boolean;
  /** The @original response message as it currently stands (after edits). */
  original: MessageRecord | null;
  originalDeleted: boolean;
  /** Bodies of PATCH /webhooks/:app/:token/messages/@original, in order. */
  edits: JsonObject[];
  followups: MessageRecord[];
  /** Convenience: current content of @original (null if none). */
  content: string | null;
  /** Convenience: current embeds of @original. */
  embeds: JsonObject[];
  lastActivityAt: number;
}

export interface InteractionHandle {
  id: string;
  token: string;
  /** Live snapshot of the interaction's state. */
  readonly state: InteractionState;
  /** Resolves once the bot answered (reply, or deferral + edit/followup/delete) and nothing
   *  happened for `interactionSettleMs`; rejects after `timeoutMs` (default defaultTimeoutMs). */
  readonly done: Promise<InteractionState>;
  /** Final state with a custom timeout. */
  settled(timeoutMs?: number, settleMs?: number): Promise<InteractionState>;
  /** Resolves with the first state satisfying the predicate. */
  waitFor(predicate: (s: InteractionState) => boolean, timeoutMs?: number): Promise<InteractionState>;
}

export type CommandOptionInput = JsonObject[] | Record<string, string | number | boolean>;

export interface SendInteractionInput {
  name: string;
  /** Either raw Discord options ([{name, type, value}]) or a {name: value} map
   *  (string → type 3, integer → 4, non-integer number → 10, boolean → 5). */
  options?: CommandOptionInput;
  commandId?: string;
  /** The invoking user's id. Default: a fresh user. */
  userId?: string;
  username?: string;
  /** Send as a DM interaction (user instead of member, no guild_id). */
  dm?: boolean;
  channelId?: string;
  guildId?: string;
  locale?: string;
  guildLocale?: string;
  /** Invoking member's permissions (decimal string). */
  memberPermissions?: string;
  appPermissions?: string;
  resolved?: JsonObject;
  /** Shallow-merged over the generated `d` payload last. */
  overrides?: JsonObject;
}

export interface SendMessageInput {
  content: string;
  authorId?: string;
  username?: string;
  /** Send as a DM: channel is the author's DM channel (a new, never-dispatched channel id unless
   *  channelId is given), no guild_id. */
  dm?: boolean;
  channelId?: string;
  guildId?: string;
  /** User ids mentioned (become `mentions`). Include `<@id>` in content yourself, or use mentionBot. */
  mentions?: string[];
  mentionRoles?: string[];
  /** Prefix content with `<@bot>` and add the bot to mentions. */
  mentionBot?: boolean;
  /** Make it a reply to this message id. */
  replyTo?: string;
  overrides?: JsonObject;
}

export interface GatewayStats {
  connections: number;
  openConnections: number;
  identifies: number;
  resumes: number;
  heartbeats: number;
  /** Sessions that finished READY+GUILD_CREATE or RESUMED on a currently open socket. */
  readyConnections: number;
}

export interface GatewayCloseRecord {
  connectionId: number;
  code: number;
  reason: string;
  by: 'client' | 'server';
  at: number;
}

// ---------------------------------------------------------------------------------------------
// Constants & helpers
// ---------------------------------------------------------------------------------------------

const DISCORD_EPOCH = 1420070400000n;
const API_PREFIX = '/api/v10';

const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

const Intent = {
  Guilds: 1 << 0,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

const Perm = {
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  UseApplicationCommands: 1n << 31n,
  SendMessagesInThreads: 1n << 38n,
};

const EVERYONE_PERMS = (
  Perm.AddReactions |
  Perm.ViewChannel |
  Perm.SendMessages |
  Perm.EmbedLinks |
  Perm.AttachFiles |
  Perm.ReadMessageHistory |
  Perm.UseExternalEmojis |
  Perm.UseApplicationCommands |
  Perm.SendMessagesInThreads
).toString();

const BOT_ROLE_PERMS = (BigInt(EVERYONE_PERMS) | Perm.MentionEveryone).toString();

const ChannelType = { GuildText: 0, DM: 1 } as const;

const MessageFlags = { Ephemeral: 1 << 6, Loading: 1 << 7 } as const;

let snowflakeIncrement = 0n;
/** A realistic snowflake for "now" (timestamp bits from Date.now()). */
export function snowflake(at: number = Date.now()): string {
  snowflakeIncrement = (snowflakeIncrement + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | snowflakeIncrement).toString();
}

/** Timestamp (ms) encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** Identify throttler that never waits; pass as `ws.buildIdentifyThrottler` so re-identifies
 *  within 5 s don't sleep up to 6.5 s (discord's SimpleIdentifyThrottler). */
export const noIdentifyThrottle = {
  async waitForIdentify(): Promise<void> {},
};

function iso(ms: number = Date.now()): string {
  return new Date(ms).toISOString();
}

function deepClone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function errorBody(code: number, message: string, errors?: JsonObject): JsonObject {
  return errors ? { message, code, errors } : { message, code };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: JsonObject,
  ) {
    super(body.message as string);
  }
}

const notFound = (code: number, message: string): HttpError => new HttpError(404, errorBody(code, message));

// ---------------------------------------------------------------------------------------------
// Message validation (Discord's documented limits)
// ---------------------------------------------------------------------------------------------

type FieldErrors = Array<{ path: string[]; code: string; message: string }>;

function nestErrors(list: FieldErrors): JsonObject {
  const root: JsonObject = {};
  for (const e of list) {
    let node = root;
    for (const part of e.path) node = node[part] ??= {};
    (node._errors ??= []).push({ code: e.code, message: e.message });
  }
  return root;
}

function validateMessageBody(
  body: JsonObject | null,
  files: UploadedFile[],
  opts: { requireNonEmpty: boolean; prefix?: string[] },
): HttpError | null {
  const b = body ?? {};
  const prefix = opts.prefix ?? [];
  const errs: FieldErrors = [];
  const max = (path: string[], value: unknown, limit: number): void => {
    if (typeof value === 'string' && [...value].length > limit) {
      errs.push({
        path: [...prefix, ...path],
        code: 'BASE_TYPE_MAX_LENGTH',
        message: `Must be ${limit} or fewer in length.`,
      });
    }
  };
  max(['content'], b.content, 2000);
  const embeds: JsonObject[] = Array.isArray(b.embeds) ? b.embeds : [];
  if (embeds.length > 10) {
    errs.push({ path: [...prefix, 'embeds'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' });
  }
  let total = 0;
  const len = (s: unknown): number => (typeof s === 'string' ? [...s].length : 0);
  embeds.forEach((e, i) => {
    const p = ['embeds', String(i)];
    max([...p, 'title'], e.title, 256);
    max([...p, 'description'], e.description, 4096);
    max([...p, 'footer', 'text'], e.footer?.text, 2048);
    max([...p, 'author', 'name'], e.author?.name, 256);
    total += len(e.title) + len(e.description) + len(e.footer?.text) + len(e.author?.name);
    const fields: JsonObject[] = Array.isArray(e.fields) ? e.fields : [];
    if (fields.length > 25) {
      errs.push({
        path: [...prefix, ...p, 'fields'],
        code: 'BASE_TYPE_MAX_LENGTH',
        message: 'Must be 25 or fewer in length.',
      });
    }
    fields.forEach((f, j) => {
      const fp = [...p, 'fields', String(j)];
      for (const key of ['name', 'value'] as const) {
        if (typeof f[key] !== 'string' || f[key].length === 0) {
          errs.push({ path: [...prefix, ...fp, key], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
        }
      }
      max([...fp, 'name'], f.name, 256);
      max([...fp, 'value'], f.value, 1024);
      total += len(f.name) + len(f.value);
    });
  });
  if (total > 6000) {
    errs.push({
      path: [...prefix, 'embeds'],
      code: 'MAX_EMBED_SIZE_EXCEEDED',
      message: 'Embed size exceeds maximum size of 6000',
    });
  }
  if (errs.length) return new HttpError(400, errorBody(50035, 'Invalid Form Body', nestErrors(errs)));
  if (opts.requireNonEmpty) {
    const hasContent = typeof b.content === 'string' && b.content.length > 0;
    const hasOther =
      embeds.length > 0 ||
      files.length > 0 ||
      (Array.isArray(b.components) && b.components.length > 0) ||
      (Array.isArray(b.sticker_ids) && b.sticker_ids.length > 0) ||
      (Array.isArray(b.attachments) && b.attachments.length > 0) ||
      (b.poll !== null && b.poll !== undefined);
    if (!hasContent && !hasOther) return new HttpError(400, errorBody(50006, 'Cannot send an empty message'));
  }
  return null;
}

/** Who a message pings, per Discord's allowed_mentions semantics. */
export function computePings(content: string, allowed: JsonObject | undefined, replyAuthorId: string | null): Pings {
  const users = [...new Set([...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]!))];
  const roles = [...new Set([...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1]!))];
  const everyone = /@(everyone|here)/.test(content);
  if (!allowed) {
    return { users, roles, everyone, repliedUser: replyAuthorId !== null };
  }
  const parse: string[] = Array.isArray(allowed.parse) ? allowed.parse : [];
  const allowUsers: string[] = Array.isArray(allowed.users) ? allowed.users : [];
  const allowRoles: string[] = Array.isArray(allowed.roles) ? allowed.roles : [];
  return {
    users: parse.includes('users') ? users : users.filter((u) => allowUsers.includes(u)),
    roles: parse.includes('roles') ? roles : roles.filter((r) => allowRoles.includes(r)),
    everyone: everyone && parse.includes('everyone'),
    repliedUser: replyAuthorId !== null && allowed.replied_user === true,
  };
}

// ---------------------------------------------------------------------------------------------
// Gateway bookkeeping
// ---------------------------------------------------------------------------------------------

interface GatewaySession {
  id: string;
  seq: number;
  intents: number;
  token: string;
  invalid: boolean;
  conn: GatewayConn | null;
  /** Dispatches sent in this session (for resume replay). */
  history: Array<{ s: number; t: string; d: JsonObject }>;
}

interface GatewayConn {
  id: number;
  ws: WebSocket;
  path: string;
  query: URLSearchParams;
  session: GatewaySession | null;
  /** READY+GUILD_CREATE or RESUMED sent; dispatches can flow. */
  ready: boolean;
  open: boolean;
  heartbeats: number;
}

interface Waiter {
  check: () => boolean;
  resolve: () => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

interface RouteDef {
  method: string;
  template: string;
  regex: RegExp;
  handler: (req: RecordedRequest, params: Record<string, string>) => Promise<RouteResult> | RouteResult;
}

interface RouteResult {
  status: number;
  body?: any;
  headers?: Record<string, string>;
}

interface InteractionInternal {
  state: Omit<InteractionState, 'content' | 'embeds' | 'responseType' | 'deferred' | 'ephemeral'> & {
    responseType: number | null;
    deferred: boolean;
    ephemeral: boolean;
  };
}

// ---------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------

export class FakeDiscord {
  readonly options: Required<Omit<FakeDiscordOptions, 'token' | 'callbackDeadlineMs'>> & {
    token: string | undefined;
    callbackDeadlineMs: number | undefined;
  };

  /** Token to log in with (the configured one, or a placeholder the fake accepts). */
  readonly token: string;
  readonly botUser: JsonObject;
  readonly applicationId: string;
  readonly guildId: string;
  readonly textChannelId: string;
  readonly everyoneRoleId: string;
  readonly botRoleId: string;

  /** Every REST request, in arrival order (including injected failures and unknown routes). */
  readonly requests: RecordedRequest[] = [];
  /** `METHOD /path` of requests that matched no route. */
  readonly unknownRoutes: string[] = [];
  /** Every message the fake knows about (user messages dispatched and bot messages created). */
  readonly messages: MessageRecord[] = [];
  /** Global commands as last PUT/POSTed by the bot. */
  globalCommands: JsonObject[] = [];
  /** Guild commands by guild id. */
  readonly guildCommands = new Map<string, JsonObject[]>();
  readonly identifyPayloads: JsonObject[] = [];
  readonly resumePayloads: JsonObject[] = [];
  /** Gateway ops received from the client other than heartbeat/identify/resume (e.g. presence). */
  readonly otherGatewayPayloads: JsonObject[] = [];
  readonly gatewayCloses: GatewayCloseRecord[] = [];
  /** Dispatches not delivered because the session's intents excluded them. */
  readonly droppedDispatches: Array<{ t: string; d: JsonObject; reason: string }> = [];
  /** Query strings the gateway was connected with. */
  readonly gatewayConnectQueries: Array<{ path: string; query: Record<string, string> }> = [];

  heartbeatCount = 0;
  /** When each heartbeat arrived (Date.now()), in order, over every connection. */
  readonly heartbeatTimes: number[] = [];
  identifyCount = 0;
  resumeCount = 0;
  connectionCount = 0;
  /** When false, heartbeats are not ACKed (to provoke discord.js zombie-connection handling). */
  ackHeartbeats = true;

  private server: http.Server;
  private wss: WebSocketServer;
  private port = 0;
  private closed = false;
  private readonly conns = new Set<GatewayConn>();
  private readonly sessions = new Map<string, GatewaySession>();
  private activeSession: GatewaySession | null = null;
  /** Dispatches waiting for a ready connection. */
  private pending: Array<{ t: string; d: JsonObject }> = [];
  private readonly users = new Map<string, JsonObject>();
  private readonly dmChannels = new Map<string, string>(); // userId -> channelId
  private readonly dmChannelRecipients = new Map<string, string>(); // channelId -> userId
  private readonly messagesById = new Map<string, MessageRecord>();
  private readonly interactions = new Map<string, InteractionInternal>(); // by token
  private readonly interactionsById = new Map<string, InteractionInternal>();
  private readonly failRules: Array<FailRule & { remaining: number }> = [];
  private readonly waiters = new Set<Waiter>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly routes: RouteDef[] = [];
  private readonly events = new EventEmitter();
  private nextConnId = 1;
  private readonly guildCreatedAt = Date.now();

  private constructor(opts: FakeDiscordOptions) {
    this.options = {
      heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 41250,
      token: opts.token,
      botUsername: opts.botUsername ?? 'FakeBot',
      guildName: opts.guildName ?? 'Fake Guild',
      channelName: opts.channelName ?? 'general',
      validateMessages: opts.validateMessages ?? true,
      enforceMessageContentIntent: opts.enforceMessageContentIntent ?? true,
      callbackDeadlineMs: opts.callbackDeadlineMs,
      interactionSettleMs: opts.interactionSettleMs ?? 100,
      defaultTimeoutMs: opts.defaultTimeoutMs ?? 5000,
      debug: opts.debug ?? false,
    };
    this.token = opts.token ?? 'ZmFrZS1ib3Q.fake.token';
    this.applicationId = snowflake(Date.now() - 86_400_000 * 30);
    this.botUser = {
      id: this.applicationId,
      username: this.options.botUsername,
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
    this.guildId = snowflake(Date.now() - 86_400_000 * 20);
    this.everyoneRoleId = this.guildId;
    this.botRoleId = snowflake();
    this.textChannelId = snowflake();
    this.server = http.createServer((req, res) => void this.handleHttp(req, res));
    this.server.keepAliveTimeout = 1000;
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (ws, req) => this.onGatewayConnection(ws, req));
    this.installRoutes();
  }

  /** Start a fake on 127.0.0.1 with an ephemeral port. */
  static async start(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(opts);
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(0, '127.0.0.1', () => {
        fake.server.off('error', reject);
        resolve();
      });
    });
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  // -------------------------------------------------------------------------------------------
  // URLs & client options
  // -------------------------------------------------------------------------------------------

  /** Pass as `rest.api`; discord.js appends `/v10/...`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  /** What GET /gateway/bot returns as `url`. */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** READY's resume_gateway_url (distinct path so tests can see resumes use it). */
  get resumeGatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/resume`;
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

  // -------------------------------------------------------------------------------------------
  // Fixture objects
  // -------------------------------------------------------------------------------------------

  /** Get or create a (non-bot) user. */
  user(id?: string, username?: string): JsonObject {
    const uid = id ?? snowflake();
    let u = this.users.get(uid);
    if (!u) {
      u = {
        id: uid,
        username: username ?? `user${uid.slice(-5)}`,
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
      this.users.set(uid, u);
    } else if (username && u.username !== username) {
      u.username = username;
    }
    return u;
  }

  get textChannel(): JsonObject {
    return {
      id: this.textChannelId,
      type: ChannelType.GuildText,
      guild_id: this.guildId,
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
      role(this.everyoneRoleId, '@everyone', EVERYONE_PERMS),
      role(this.botRoleId, this.options.botUsername, BOT_ROLE_PERMS, {
        position: 1,
        managed: true,
        tags: { bot_id: this.botUser.id },
      }),
    ];
  }

  private member(userId: string, withUser = true): JsonObject {
    const isBot = userId === this.botUser.id;
    const m: JsonObject = {
      roles: isBot ? [this.botRoleId] : [],
      nick: null,
      avatar: null,
      banner: null,
      joined_at: iso(this.guildCreatedAt),
      premium_since: null,
      deaf: false,
      mute: false,
      pending: false,
      flags: 0,
      communication_disabled_until: null,
    };
    if (withUser) m.user = this.users.get(userId) ?? this.user(userId);
    return m;
  }

  get guild(): JsonObject {
    return {
      id: this.guildId,
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
      joined_at: iso(this.guildCreatedAt),
      large: false,
      unavailable: false,
      member_count: 2,
      lazy: true,
      voice_states: [],
      members: [this.member(this.botUser.id)],
      channels: [this.textChannel],
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  /** The DM channel id for a user (created on first use, never dispatched to the bot). */
  dmChannelId(userId: string, preferredId?: string): string {
    let ch = this.dmChannels.get(userId);
    if (!ch) {
      ch = preferredId ?? snowflake();
      this.dmChannels.set(userId, ch);
      this.dmChannelRecipients.set(ch, userId);
    }
    return ch;
  }

  private dmChannelObject(channelId: string): JsonObject {
    const userId = this.dmChannelRecipients.get(channelId)!;
    const last = [...this.messages].reverse().find((m) => m.channelId === channelId);
    return {
      id: channelId,
      type: ChannelType.DM,
      last_message_id: last?.id ?? null,
      flags: 0,
      recipients: [this.users.get(userId) ?? this.user(userId)],
    };
  }

  // -------------------------------------------------------------------------------------------
  // Gateway
  // -------------------------------------------------------------------------------------------

  private log(...args: unknown[]): void {
    if (this.options.debug) console.error('[fake-discord]', ...args);
  }

  private onGatewayConnection(ws: WebSocket, req: http.IncomingMessage): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const conn: GatewayConn = {
      id: this.nextConnId++,
      ws,
      path: url.pathname,
      query: url.searchParams,
      session: null,
      ready: false,
      open: true,
      heartbeats: 0,
    };
    this.connectionCount++;
    this.conns.add(conn);
    this.gatewayConnectQueries.push({ path: url.pathname, query: Object.fromEntries(url.searchParams) });
    this.log(`gateway conn #${conn.id} ${req.url}`);

    ws.on('message', (raw, isBinary) => this.onGatewayMessage(conn, raw as Buffer, isBinary));
    ws.on('close', (code, reason) => {
      if (conn.open) {
        this.gatewayCloses.push({
          connectionId: conn.id,
          code,
          reason: reason.toString(),
          by: 'client',
          at: Date.now(),
        });
      }
      this.detach(conn);
    });
    ws.on('error', () => this.detach(conn));

    if (url.searchParams.get('v') !== '10') {
      this.closeConn(conn, 4012, 'Invalid API version');
      return;
    }
    if ((url.searchParams.get('encoding') ?? 'json') !== 'json' || url.searchParams.has('compress')) {
      // The fake only speaks uncompressed JSON (discord.js default without zlib-sync).
      this.closeConn(conn, 4002, 'Decode error: only uncompressed JSON is supported by the fake');
      return;
    }
    this.send(conn, {
      op: Op.Hello,
      d: { heartbeat_interval: this.options.heartbeatIntervalMs, _trace: ['["fake-gateway",{"micros":0}]'] },
      s: null,
      t: null,
    });
    this.notify();
  }

  private detach(conn: GatewayConn): void {
    if (!conn.open) return;
    conn.open = false;
    conn.ready = false;
    this.conns.delete(conn);
    if (conn.session && conn.session.conn === conn) conn.session.conn = null;
    this.notify();
  }

  private closeConn(conn: GatewayConn, code: number, reason: string): void {
    if (!conn.open) return;
    this.gatewayCloses.push({ connectionId: conn.id, code, reason, by: 'server', at: Date.now() });
    try {
      conn.ws.close(code, reason);
    } catch {
      conn.ws.terminate();
    }
    this.detach(conn);
  }

  private send(conn: GatewayConn, payload: JsonObject): void {
    if (!conn.open || conn.ws.readyState !== WebSocket.OPEN) return;
    this.log(`-> #${conn.id}`, payload.op, payload.t ?? '');
    conn.ws.send(JSON.stringify(payload));
  }

  private sendDispatch(conn: GatewayConn, session: GatewaySession, t: string, d: JsonObject, record = true): void {
    session.seq += 1;
    if (record) {
      session.history.push({ s: session.seq, t, d });
      if (session.history.length > 1000) session.history.shift();
    }
    this.send(conn, { op: Op.Dispatch, t, s: session.seq, d });
  }

  private onGatewayMessage(conn: GatewayConn, raw: Buffer, isBinary: boolean): void {
    let payload: JsonObject;
    try {
      payload = JSON.parse(isBinary ? raw.toString('utf8') : raw.toString()) as JsonObject;
    } catch {
      this.closeConn(conn, 4002, 'Decode error');
      return;
    }
    this.log(`<- #${conn.id}`, payload.op);
    switch (payload.op) {
      case Op.Heartbeat: {
        conn.heartbeats++;
        this.heartbeatCount++;
        this.heartbeatTimes.push(Date.now());
        if (this.ackHeartbeats) this.send(conn, { op: Op.HeartbeatAck, d: null, s: null, t: null });
        break;
      }
      case Op.Identify:
        this.onIdentify(conn, payload.d ?? {});
        break;
      case Op.Resume:
        this.onResume(conn, payload.d ?? {});
        break;
      default:
        if (!conn.session) {
          this.closeConn(conn, 4003, 'Not authenticated.');
          return;
        }
        this.otherGatewayPayloads.push(payload);
        break;
    }
    this.notify();
  }

  private tokenOk(token: unknown): boolean {
    return this.options.token === undefined || token === this.options.token;
  }

  private onIdentify(conn: GatewayConn, d: JsonObject): void {
    this.identifyCount++;
    this.identifyPayloads.push(d);
    if (conn.session) {
      this.closeConn(conn, 4005, 'Already authenticated.');
      return;
    }
    if (!this.tokenOk(d.token)) {
      this.closeConn(conn, 4004, 'Authentication failed.');
      return;
    }
    const session: GatewaySession = {
      id: randomBytes(16).toString('hex'),
      seq: 0,
      intents: Number(d.intents ?? 0),
      token: String(d.token),
      invalid: false,
      conn,
      history: [],
    };
    this.sessions.set(session.id, session);
    if (this.activeSession && this.activeSession !== session) this.activeSession.invalid = true;
    this.activeSession = session;
    conn.session = session;
    const ready = {
      v: 10,
      user_settings: {},
      user: this.botUser,
      guilds: [{ id: this.guildId, unavailable: true }],
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.resumeGatewayUrl,
      shard: Array.isArray(d.shard) ? d.shard : [0, 1],
      application: { id: this.applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: ['fake'],
      auth: {},
      _trace: ['["fake-gateway",{"micros":0}]'],
    };
    this.sendDispatch(conn, session, 'READY', ready);
    if (session.intents & Intent.Guilds) {
      this.sendDispatch(conn, session, 'GUILD_CREATE', this.guild);
    }
    conn.ready = true;
    this.flushPending();
  }

  private onResume(conn: GatewayConn, d: JsonObject): void {
    this.resumeCount++;
    this.resumePayloads.push(d);
    if (!this.tokenOk(d.token)) {
      this.closeConn(conn, 4004, 'Authentication failed.');
      return;
    }
    const session = this.sessions.get(String(d.session_id));
    if (!session || session.invalid) {
      // Discord answers an unresumable session with op 9 d:false.
      this.send(conn, { op: Op.InvalidSession, d: false, s: null, t: null });
      return;
    }
    if (session.conn && session.conn !== conn) {
      // Discord would kill the old socket of the same session.
      const old = session.conn;
      old.session = null;
      this.closeConn(old, 4000, 'Session resumed elsewhere');
    }
    session.conn = conn;
    conn.session = session;
    this.activeSession = session;
    const fromSeq = Number(d.seq ?? 0);
    for (const ev of session.history) {
      if (ev.s > fromSeq) this.send(conn, { op: Op.Dispatch, t: ev.t, s: ev.s, d: ev.d });
    }
    this.sendDispatch(conn, session, 'RESUMED', { _trace: ['["fake-gateway",{"micros":0}]'] }, false);
    conn.ready = true;
    this.flushPending();
  }

  private readyConn(): { conn: GatewayConn; session: GatewaySession } | null {
    const session = this.activeSession;
    if (!session || session.invalid || !session.conn || !session.conn.ready || !session.conn.open) return null;
    return { conn: session.conn, session };
  }

  private flushPending(): void {
    const target = this.readyConn();
    if (!target) return;
    const queue = this.pending;
    this.pending = [];
    for (const ev of queue) this.deliver(ev.t, ev.d);
  }

  private deliver(t: string, d: JsonObject): void {
    const target = this.readyConn();
    if (!target) {
      this.pending.push({ t, d });
      return;
    }
    const { conn, session } = target;
    const intents = session.intents;
    if (t === 'MESSAGE_CREATE') {
      const isDm = !d.guild_id;
      const needed = isDm ? Intent.DirectMessages : Intent.GuildMessages;
      if (!(intents & needed)) {
        this.droppedDispatches.push({
          t,
          d,
          reason: isDm ? 'missing DirectMessages intent' : 'missing GuildMessages intent',
        });
        this.notify();
        return;
      }
      if (!isDm && this.options.enforceMessageContentIntent && !(intents & Intent.MessageContent)) {
        const mentionsBot = Array.isArray(d.mentions) && d.mentions.some((u: JsonObject) => u.id === this.botUser.id);
        if (!mentionsBot && d.author?.id !== this.botUser.id) {
          d = { ...d, content: '', embeds: [], attachments: [], components: [] };
        }
      }
    }
    this.sendDispatch(conn, session, t, d);
  }

  /** Dispatch any gateway event. Queued until a connection is ready (READY/RESUMED). */
  dispatch(t: string, d: JsonObject): void {
    this.deliver(t, d);
    this.notify();
  }

  // ----- gateway fault injection ---------------------------------------------------------------

  /** Send op 7 RECONNECT on every open connection (discord.js closes with 4200 and resumes). */
  requestReconnect(): void {
    for (const c of this.conns) this.send(c, { op: Op.Reconnect, d: null, s: null, t: null });
  }

  /** Abruptly terminate every gateway socket (TCP-level, no close frame → client sees 1006). */
  dropConnections(): void {
    for (const c of [...this.conns]) {
      this.gatewayCloses.push({
        connectionId: c.id,
        code: 1006,
        reason: 'terminated by fake',
        by: 'server',
        at: Date.now(),
      });
      c.ws.terminate();
      this.detach(c);
    }
  }

  /** Close every gateway socket with a close code (e.g. 4000 unknown error → resume;
   *  4004 auth failed → discord.js gives up). */
  closeConnections(code = 4000, reason = 'Unknown error'): void {
    for (const c of [...this.conns]) this.closeConn(c, code, reason);
  }

  /** Send op 9 INVALID_SESSION. resumable=false also invalidates the session server-side, so the
   *  client must re-IDENTIFY. */
  invalidateSession(resumable: boolean): void {
    for (const c of [...this.conns]) {
      if (!resumable && c.session) {
        c.session.invalid = true;
        c.ready = false;
      }
      this.send(c, { op: Op.InvalidSession, d: resumable, s: null, t: null });
    }
    if (!resumable && this.activeSession) this.activeSession.invalid = true;
  }

  /** Send op 1 (server-requested heartbeat). */
  requestHeartbeat(): void {
    for (const c of this.conns) this.send(c, { op: Op.Heartbeat, d: null, s: null, t: null });
  }

  get gatewayStats(): GatewayStats {
    return {
      connections: this.connectionCount,
      openConnections: this.conns.size,
      identifies: this.identifyCount,
      resumes: this.resumeCount,
      heartbeats: this.heartbeatCount,
      readyConnections: [...this.conns].filter((c) => c.ready).length,
    };
  }

  /** Resolves once some connection has finished READY(+GUILD_CREATE) or RESUMED. */
  waitForGatewayReady(timeoutMs?: number): Promise<void> {
    return this.waitFor(() => this.readyConn() !== null, timeoutMs, 'a ready gateway connection');
  }

  // -------------------------------------------------------------------------------------------
  // Dispatch helpers
  // -------------------------------------------------------------------------------------------

  private buildOptions(input: CommandOptionInput | undefined): JsonObject[] | undefined {
    if (input === undefined) return undefined;
    if (Array.isArray(input)) return input;
    return Object.entries(input).map(([name, value]) => ({
      name,
      type: typeof value === 'string' ? 3 : typeof value === 'boolean' ? 5 : Number.isInteger(value) ? 4 : 10,
      value,
    }));
  }

  /** Dispatch an APPLICATION_COMMAND (chat input) INTERACTION_CREATE. */
  sendInteraction(input: SendInteractionInput): InteractionHandle {
    const now = Date.now();
    const id = snowflake(now);
    const token = Buffer.from(`interaction:${id}:${randomBytes(48).toString('base64url')}`).toString('base64url');
    const user = this.user(input.userId, input.username);
    const dm = input.dm ?? false;
    const registered = [...this.globalCommands, ...(this.guildCommands.get(this.guildId) ?? [])].find(
      (c) => c.name === input.name,
    );
    const commandId = input.commandId ?? registered?.id ?? snowflake(now - 60_000);
    const data: JsonObject = { id: commandId, name: input.name, type: 1 };
    const options = this.buildOptions(input.options);
    if (options) data.options = options;
    if (input.resolved) data.resolved = input.resolved;
    if (!dm) data.guild_id = input.guildId ?? this.guildId;

    let channelId: string;
    let d: JsonObject;
    const base = {
      id,
      application_id: this.applicationId,
      type: 2,
      token,
      version: 1,
      data,
      locale: input.locale ?? 'en-US',
      app_permissions: input.appPermissions ?? BOT_ROLE_PERMS,
      entitlements: [],
      entitlement_sku_ids: [],
      attachment_size_limit: 10 * 1024 * 1024,
    };
    if (dm) {
      channelId = input.channelId ?? this.dmChannelId(user.id);
      d = {
        ...base,
        channel_id: channelId,
        channel: { id: channelId, type: ChannelType.DM, last_message_id: null, flags: 0, recipients: [user] },
        user,
        authorizing_integration_owners: { '1': user.id },
        context: 1,
      };
    } else {
      channelId = input.channelId ?? this.textChannelId;
      const guildId = input.guildId ?? this.guildId;
      d = {
        ...base,
        guild_id: guildId,
        guild: { id: guildId, locale: input.guildLocale ?? 'en-US', features: [] },
        guild_locale: input.guildLocale ?? 'en-US',
        channel_id: channelId,
        channel: { ...this.textChannel, id: channelId, guild_id: guildId, permissions: BOT_ROLE_PERMS },
        member: { ...this.member(user.id), permissions: input.memberPermissions ?? EVERYONE_PERMS },
        authorizing_integration_owners: { '0': guildId },
        context: 0,
      };
    }
    if (input.overrides) d = { ...d, ...input.overrides };

    const internal: InteractionInternal = {
      state: {
        id,
        token,
        applicationId: this.applicationId,
        commandName: input.name,
        channelId,
        guildId: dm ? null : (d.guild_id as string),
        userId: user.id,
        dispatchedAt: now,
        payload: d,
        callbacks: [],
        responseType: null,
        deferred: false,
        ephemeral: false,
        original: null,
        originalDeleted: false,
        edits: [],
        followups: [],
        lastActivityAt: now,
      },
    };
    this.interactions.set(token, internal);
    this.interactionsById.set(id, internal);
    this.dispatch('INTERACTION_CREATE', d);
    return this.makeHandle(internal);
  }

  private snapshot(internal: InteractionInternal): InteractionState {
    const s = internal.state;
    return {
      ...s,
      callbacks: [...s.callbacks],
      edits: [...s.edits],
      followups: [...s.followups],
      content: s.original && !s.originalDeleted ? s.original.content : null,
      embeds: s.original && !s.originalDeleted ? s.original.embeds : [],
    };
  }

  private isAnswered(internal: InteractionInternal): boolean {
    const s = internal.state;
    if (s.responseType === null) return false;
    if (s.responseType !== 5 && s.responseType !== 6) return true;
    return s.edits.length > 0 || s.followups.length > 0 || s.originalDeleted;
  }

  private makeHandle(internal: InteractionInternal): InteractionHandle {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the handle's functions are called without a receiver
    const fake = this;
    let done: Promise<InteractionState> | null = null;
    const settled = (timeoutMs?: number, settleMs?: number): Promise<InteractionState> => {
      const quiet = settleMs ?? fake.options.interactionSettleMs;
      const p = fake
        .waitFor(
          () => fake.isAnswered(internal) && Date.now() - internal.state.lastActivityAt >= quiet,
          timeoutMs,
          () =>
            `interaction /${internal.state.commandName} to be answered; state: ${JSON.stringify(fake.describe(internal))}`,
          quiet,
        )
        .then(() => fake.snapshot(internal));
      p.catch(() => {});
      return p;
    };
    return {
      id: internal.state.id,
      token: internal.state.token,
      get state() {
        return fake.snapshot(internal);
      },
      get done() {
        done ??= settled();
        return done;
      },
      settled,
      waitFor(predicate, timeoutMs) {
        const p = fake
          .waitFor(
            () => predicate(fake.snapshot(internal)),
            timeoutMs,
            () =>
              `interaction /${internal.state.commandName} predicate; state: ${JSON.stringify(fake.describe(internal))}`,
          )
          .then(() => fake.snapshot(internal));
        p.catch(() => {});
        return p;
      },
    };
  }

  private describe(internal: InteractionInternal): JsonObject {
    const s = internal.state;
    return {
      callbacks: s.callbacks.map((c) => c.type),
      original: s.original?.content ?? null,
      edits: s.edits.length,
      followups: s.followups.length,
      deleted: s.originalDeleted,
    };
  }

  /** Interaction state by id. */
  interaction(id: string): InteractionState | undefined {
    const i = this.interactionsById.get(id);
    return i ? this.snapshot(i) : undefined;
  }

  /** Dispatch MESSAGE_CREATE from a user. Returns the stored record. */
  sendMessage(input: SendMessageInput): MessageRecord {
    const author = this.user(input.authorId, input.username);
    const dm = input.dm ?? false;
    const channelId = dm ? this.dmChannelId(author.id, input.channelId) : (input.channelId ?? this.textChannelId);
    const guildId = dm ? null : (input.guildId ?? this.guildId);
    let content = input.content;
    const mentionIds = [...(input.mentions ?? [])];
    if (input.mentionBot) {
      content = `<@${this.botUser.id}> ${content}`;
      if (!mentionIds.includes(this.botUser.id)) mentionIds.push(this.botUser.id);
    }
    const id = snowflake();
    const referenced = input.replyTo ? this.messagesById.get(input.replyTo) : undefined;
    const message: JsonObject = {
      id,
      type: input.replyTo ? 19 : 0,
      channel_id: channelId,
      channel_type: dm ? ChannelType.DM : ChannelType.GuildText,
      author,
      content,
      timestamp: iso(snowflakeTime(id)),
      edited_timestamp: null,
      tts: false,
      mention_everyone: /@(everyone|here)/.test(content),
      mentions: mentionIds.map((uid) => {
        const u = this.users.get(uid) ?? this.user(uid);
        return guildId ? { ...u, member: this.member(uid, false) } : u;
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
      message.member = this.member(author.id, false);
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
    const rec = this.storeMessage(message, { source: 'user', body: null, files: [], interactionId: null });
    this.dispatch('MESSAGE_CREATE', deepClone(message));
    return rec;
  }

  // -------------------------------------------------------------------------------------------
  // Messages
  // -------------------------------------------------------------------------------------------

  private storeMessage(
    message: JsonObject,
    meta: { source: MessageSource; body: JsonObject | null; files: UploadedFile[]; interactionId: string | null },
  ): MessageRecord {
    const replyTo: string | null = message.message_reference?.message_id ?? null;
    const replyAuthor = replyTo ? (this.messagesById.get(replyTo)?.authorId ?? null) : null;
    const rec: MessageRecord = {
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
      pings: computePings(message.content ?? '', meta.body ? meta.body.allowed_mentions : undefined, replyAuthor),
      files: meta.files,
      source: meta.source,
      interactionId: meta.interactionId,
      createdAt: Date.now(),
      editedAt: null,
      deleted: false,
      edits: [],
      message,
    };
    if (meta.source === 'user') rec.pings = { users: [], roles: [], everyone: false, repliedUser: false };
    this.messages.push(rec);
    this.messagesById.set(rec.id, rec);
    return rec;
  }

  /** Build a bot-authored API message object from a create body. */
  private buildBotMessage(
    channelId: string,
    body: JsonObject | null,
    files: UploadedFile[],
    extra: JsonObject = {},
  ): JsonObject {
    const b = body ?? {};
    const id = snowflake();
    const guildId = this.dmChannelRecipients.has(channelId) ? null : this.guildId;
    const content: string = typeof b.content === 'string' ? b.content : '';
    const replyTo: string | undefined = b.message_reference?.message_id;
    const referenced = replyTo ? this.messagesById.get(replyTo) : undefined;
    const pings = computePings(content, b.allowed_mentions, referenced ? referenced.authorId : null);
    const msg: JsonObject = {
      id,
      type: replyTo ? 19 : 0,
      channel_id: channelId,
      author: this.botUser,
      content,
      timestamp: iso(snowflakeTime(id)),
      edited_timestamp: null,
      tts: Boolean(b.tts),
      mention_everyone: pings.everyone,
      mentions: [
        ...pings.users.map((u) => this.users.get(u) ?? this.user(u)),
        ...(pings.repliedUser && referenced && !pings.users.includes(referenced.authorId)
          ? [this.users.get(referenced.authorId)]
          : []),
      ],
      mention_roles: pings.roles,
      attachments: this.attachmentsFor(b, files),
      embeds: Array.isArray(b.embeds) ? b.embeds.map((e: JsonObject) => ({ type: 'rich', ...e })) : [],
      components: Array.isArray(b.components) ? b.components : [],
      pinned: false,
      flags: (Number(b.flags ?? 0) & ~MessageFlags.Loading) >>> 0,
      ...(guildId ? { guild_id: guildId } : {}),
      ...extra,
    };
    if (replyTo) {
      msg.message_reference = {
        type: 0,
        message_id: replyTo,
        channel_id: b.message_reference?.channel_id ?? channelId,
        ...(guildId ? { guild_id: guildId } : {}),
      };
      msg.referenced_message = referenced ? referenced.message : null;
    }
    return msg;
  }

  private attachmentsFor(b: JsonObject, files: UploadedFile[]): JsonObject[] {
    return files.map((f, i) => {
      const id = snowflake();
      const meta = Array.isArray(b.attachments) ? b.attachments[i] : undefined;
      return {
        id,
        filename: meta?.filename ?? f.filename,
        description: meta?.description,
        size: f.size,
        content_type: f.contentType,
        url: `http://127.0.0.1:${this.port}/attachments/${id}/${f.filename}`,
        proxy_url: `http://127.0.0.1:${this.port}/attachments/${id}/${f.filename}`,
      };
    });
  }

  private applyEdit(rec: MessageRecord, body: JsonObject | null, files: UploadedFile[]): void {
    const b = body ?? {};
    const m = rec.message;
    if ('content' in b) m.content = b.content ?? '';
    if ('embeds' in b)
      m.embeds = Array.isArray(b.embeds) ? b.embeds.map((e: JsonObject) => ({ type: 'rich', ...e })) : [];
    if ('components' in b) m.components = Array.isArray(b.components) ? b.components : [];
    if (files.length || 'attachments' in b) {
      const kept = Array.isArray(b.attachments)
        ? (m.attachments as JsonObject[]).filter((a) => b.attachments.some((x: JsonObject) => x.id === a.id))
        : m.attachments;
      m.attachments = [...kept, ...this.attachmentsFor({}, files)];
      rec.files = [...rec.files, ...files];
    }
    // Editing a deferred (loading) response clears the loading flag.
    m.flags =
      ((Number(m.flags ?? 0) & ~MessageFlags.Loading) |
        (b.flags !== undefined ? Number(b.flags) & ~MessageFlags.Loading : 0)) >>>
      0;
    const now = Date.now();
    if (rec.source !== 'interaction-original' || rec.edits.length > 0 || !(rec.flags & MessageFlags.Loading)) {
      m.edited_timestamp = iso(now);
    }
    rec.content = m.content ?? '';
    rec.embeds = m.embeds ?? [];
    rec.components = m.components ?? [];
    rec.flags = m.flags;
    if ('allowed_mentions' in b) rec.allowedMentions = b.allowed_mentions;
    const replyAuthor = rec.replyTo ? (this.messagesById.get(rec.replyTo)?.authorId ?? null) : null;
    rec.pings = computePings(rec.content, rec.allowedMentions, replyAuthor);
    rec.edits.push(b);
    rec.editedAt = now;
  }

  /** Bot-authored messages (channel messages and interaction responses), optionally by channel. */
  botMessages(channelId?: string): MessageRecord[] {
    return this.messages.filter((m) => m.source !== 'user' && (channelId === undefined || m.channelId === channelId));
  }

  /**
   * Resolves with the first bot-authored message in the channel matching the predicate
   * (messages already received count too). Edits are taken into account.
   */
  waitForMessage(
    channelId: string,
    predicate: (m: MessageRecord) => boolean = () => true,
    timeoutMs?: number,
  ): Promise<MessageRecord> {
    let found: MessageRecord | undefined;
    const p = this.waitFor(
      () => {
        found = this.botMessages(channelId).find((m) => !m.deleted && predicate(m));
        return found !== undefined;
      },
      timeoutMs,
      () =>
        `a bot message in channel ${channelId}; bot messages there: ${JSON.stringify(
          this.botMessages(channelId).map((m) => m.content.slice(0, 200)),
        )}`,
    ).then(() => found!);
    p.catch(() => {});
    return p;
  }

  // -------------------------------------------------------------------------------------------
  // Waiting
  // -------------------------------------------------------------------------------------------

  private notify(): void {
    for (const w of [...this.waiters]) {
      let ok: boolean;
      try {
        ok = w.check();
      } catch (e) {
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.reject(e as Error);
        continue;
      }
      if (ok) {
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve();
      }
    }
    this.events.emit('change');
  }

  /**
   * Resolves when `check()` returns true (re-checked on every fake-side event, and every
   * `pollMs` if given); rejects after timeoutMs with the description.
   */
  waitFor(
    check: () => boolean,
    timeoutMs: number = this.options.defaultTimeoutMs,
    description: string | (() => string) = 'condition',
    pollMs?: number,
  ): Promise<void> {
    if (this.closed) return Promise.reject(new Error('FakeDiscord is closed'));
    if (check()) return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => {
      let poll: NodeJS.Timeout | undefined;
      const cleanup = (): void => {
        if (poll) {
          clearInterval(poll);
          this.timers.delete(poll);
        }
        this.timers.delete(timer);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        cleanup();
        const desc = typeof description === 'function' ? description() : description;
        reject(new Error(`FakeDiscord: timed out after ${timeoutMs} ms waiting for ${desc}`));
      }, timeoutMs);
      this.timers.add(timer);
      const waiter: Waiter = {
        check,
        resolve: () => {
          cleanup();
          resolve();
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
        timer,
      };
      this.waiters.add(waiter);
      if (pollMs !== undefined) {
        poll = setInterval(() => this.notify(), Math.max(10, pollMs / 2));
        this.timers.add(poll);
      }
    });
    p.catch(() => {});
    return p;
  }

  // -------------------------------------------------------------------------------------------
  // REST
  // -------------------------------------------------------------------------------------------

  /** Make the next `count` requests matching the rule fail (or be delayed). */
  failNext(rule: FailRule): void {
    this.failRules.push({ ...rule, remaining: rule.count ?? 1 });
  }

  /** Requests matching method and a path pattern (string = exact path after /api/v10). */
  requestsTo(method: string, path: RegExp | string): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.method === method.toUpperCase() && (typeof path === 'string' ? r.path === path : path.test(r.path)),
    );
  }

  /** Resolves with the first recorded request matching. */
  waitForRequest(method: string, path: RegExp | string, timeoutMs?: number): Promise<RecordedRequest> {
    let found: RecordedRequest | undefined;
    const p = this.waitFor(
      () => {
        found = this.requestsTo(method, path).find((r) => r.status !== undefined);
        return found !== undefined;
      },
      timeoutMs,
      `${method} ${String(path)}`,
    ).then(() => found!);
    p.catch(() => {});
    return p;
  }

  private route(method: string, template: string, handler: RouteDef['handler']): void {
    const regex = new RegExp(
      '^' +
        template
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replace(/:([a-zA-Z]+)/g, (_m, name: string) => `(?<${name}>[^/]+)`) +
        '$',
    );
    this.routes.push({ method, template, regex, handler });
  }

  private async readBody(req: http.IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  private async parseBody(raw: Buffer, contentType: string | undefined): Promise<{ body: any; files: UploadedFile[] }> {
    if (raw.length === 0) return { body: null, files: [] };
    const ct = contentType ?? '';
    if (ct.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': ct } }).formData();
      let body: any = null;
      const files: UploadedFile[] = [];
      const plain: JsonObject = {};
      for (const [field, value] of form.entries()) {
        if (typeof value === 'string') {
          if (field === 'payload_json') body = JSON.parse(value);
          else plain[field] = value;
        } else {
          const data = Buffer.from(await value.arrayBuffer());
          files.push({ field, filename: value.name, contentType: value.type, size: data.length, data });
        }
      }
      if (body === null && Object.keys(plain).length) body = plain;
      return { body, files };
    }
    const text = raw.toString('utf8');
    try {
      return { body: JSON.parse(text), files: [] };
    } catch {
      return { body: text, files: [] };
    }
  }

  private async handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    let raw: Buffer;
    try {
      raw = await this.readBody(req);
    } catch {
      res.destroy();
      return;
    }
    const rawPath = url.pathname;
    const path = rawPath.startsWith(API_PREFIX + '/') ? rawPath.slice(API_PREFIX.length) : rawPath;
    const record: RecordedRequest = {
      method,
      path,
      rawPath,
      query: Object.fromEntries(url.searchParams),
      headers,
      authorization: headers['authorization'],
      contentType: headers['content-type'],
      body: null,
      files: [],
      time: Date.now(),
      route: null,
      injected: false,
    };
    this.requests.push(record);
    let result: RouteResult;
    try {
      const parsed = await this.parseBody(raw, record.contentType);
      record.body = parsed.body;
      record.files = parsed.files;
      result = await this.answer(record);
    } catch (e) {
      result =
        e instanceof HttpError
          ? { status: e.status, body: e.body }
          : { status: 500, body: errorBody(0, `500: Fake internal error: ${(e as Error).message}`) };
    }
    if (this.closed) {
      res.destroy();
      return;
    }
    record.status = result.status;
    record.response = result.body;
    this.log(`REST ${method} ${path} -> ${result.status}`);
    const outHeaders: Record<string, string> = { ...(result.headers ?? {}) };
    if (result.body !== undefined && result.status !== 204) {
      const payload = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
      outHeaders['content-type'] ??= 'application/json';
      res.writeHead(result.status, outHeaders);
      res.end(payload);
    } else {
      res.writeHead(result.status, outHeaders);
      res.end();
    }
    this.notify();
  }

  private async answer(record: RecordedRequest): Promise<RouteResult> {
    const ruleIdx = this.failRules.findIndex(
      (r) =>
        r.remaining > 0 &&
        (!r.method || r.method.toUpperCase() === record.method) &&
        (r.pathPattern.test(record.path) || r.pathPattern.test(record.rawPath)),
    );
    if (ruleIdx >= 0) {
      const rule = this.failRules[ruleIdx]!;
      rule.remaining--;
      if (rule.remaining <= 0) this.failRules.splice(ruleIdx, 1);
      if (rule.delayMs) await this.sleep(rule.delayMs);
      if (rule.status !== undefined) {
        record.injected = true;
        return this.injectedError(rule);
      }
    }

    if (!record.rawPath.startsWith(API_PREFIX + '/')) return this.unknown(record);
    for (const r of this.routes) {
      if (r.method !== record.method) continue;
      const m = r.regex.exec(record.path);
      if (!m) continue;
      record.route = `${r.method} ${r.template}`;
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = decodeURIComponent(v);
      return r.handler(record, params);
    }
    return this.unknown(record);
  }

  private unknown(record: RecordedRequest): RouteResult {
    this.unknownRoutes.push(`${record.method} ${record.path}`);
    return { status: 404, body: errorBody(0, '404: Not Found') };
  }

  private injectedError(rule: FailRule): RouteResult {
    const status = rule.status!;
    if (status === 429) {
      const retryAfter = rule.retryAfter ?? 0.05;
      const global = rule.global ?? false;
      const scope = rule.scope ?? (global ? 'global' : 'user');
      const headers: Record<string, string> = {
        'retry-after': String(retryAfter),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String((Date.now() / 1000 + retryAfter).toFixed(3)),
        'x-ratelimit-reset-after': String(retryAfter),
        'x-ratelimit-bucket': 'fakebucket' + randomBytes(4).toString('hex'),
        'x-ratelimit-scope': scope,
      };
      if (global) headers['x-ratelimit-global'] = 'true';
      return {
        status,
        headers,
        body: rule.body ?? {
          message: 'You are being rate limited.',
          retry_after: retryAfter,
          global,
          ...(global ? {} : { code: 0 }),
        },
      };
    }
    const defaults: Record<number, JsonObject> = {
      400: errorBody(50035, 'Invalid Form Body'),
      401: errorBody(0, '401: Unauthorized'),
      403: errorBody(50013, 'Missing Permissions'),
      404: errorBody(0, '404: Not Found'),
      500: errorBody(0, '500: Internal Server Error'),
      502: errorBody(0, '502: Bad Gateway'),
      503: errorBody(0, '503: Service Unavailable'),
    };
    return { status, body: rule.body ?? defaults[status] ?? errorBody(0, `${status}: Error`) };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private requireBotAuth(req: RecordedRequest): void {
    const auth = req.authorization;
    if (
      !auth ||
      !auth.startsWith('Bot ') ||
      (this.options.token !== undefined && auth !== `Bot ${this.options.token}`)
    ) {
      throw new HttpError(401, errorBody(0, '401: Unauthorized'));
    }
  }

  private requireApp(appId: string): void {
    if (appId !== this.applicationId) throw notFound(10002, 'Unknown Application');
  }

  private interactionByToken(appId: string, token: string): InteractionInternal {
    const i = appId === this.applicationId ? this.interactions.get(token) : undefined;
    if (!i) throw notFound(10015, 'Unknown Webhook');
    return i;
  }

  private channelExists(channelId: string): boolean {
    return channelId === this.textChannelId || this.dmChannelRecipients.has(channelId);
  }

  private channelObject(channelId: string): JsonObject {
    if (channelId === this.textChannelId) {
      const last = [...this.messages].reverse().find((m) => m.channelId === channelId);
      return { ...this.textChannel, last_message_id: last?.id ?? null };
    }
    if (this.dmChannelRecipients.has(channelId)) return this.dmChannelObject(channelId);
    throw notFound(10003, 'Unknown Channel');
  }

  private storeCommands(list: unknown, guildId: string | null): JsonObject[] {
    if (!Array.isArray(list)) {
      throw new HttpError(
        400,
        errorBody(50035, 'Invalid Form Body', {
          _errors: [{ code: 'LIST_TYPE_CONVERT', message: 'Only iterables may be used in a ListType' }],
        }),
      );
    }
    const previous = guildId ? (this.guildCommands.get(guildId) ?? []) : this.globalCommands;
    return list.map((c: JsonObject) => this.commandObject(c, guildId, previous.find((p) => p.name === c.name)?.id));
  }

  private commandObject(c: JsonObject, guildId: string | null, existingId?: string): JsonObject {
    return {
      id: existingId ?? snowflake(),
      application_id: this.applicationId,
      version: snowflake(),
      type: c.type ?? 1,
      name: c.name,
      name_localizations: c.name_localizations ?? null,
      description: c.description ?? '',
      description_localizations: c.description_localizations ?? null,
      options: c.options ?? [],
      default_member_permissions: c.default_member_permissions ?? null,
      dm_permission: c.dm_permission ?? true,
      contexts: c.contexts ?? null,
      integration_types: c.integration_types ?? [0],
      nsfw: c.nsfw ?? false,
      ...(guildId ? { guild_id: guildId } : {}),
    };
  }

  private installRoutes(): void {
    // --- gateway & identity ---
    this.route('GET', '/gateway/bot', (req) => {
      this.requireBotAuth(req);
      return {
        status: 200,
        body: {
          url: this.gatewayUrl,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
        },
      };
    });
    this.route('GET', '/gateway', () => ({ status: 200, body: { url: this.gatewayUrl } }));
    this.route('GET', '/users/@me', (req) => {
      this.requireBotAuth(req);
      return { status: 200, body: this.botUser };
    });
    this.route('GET', '/users/:userId', (req, p) => {
      this.requireBotAuth(req);
      const u = this.users.get(p.userId!);
      if (!u) throw notFound(10013, 'Unknown User');
      return { status: 200, body: u };
    });
    this.route('GET', '/applications/@me', (req) => {
      this.requireBotAuth(req);
      return {
        status: 200,
        body: {
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
        },
      };
    });

    // --- commands ---
    this.route('PUT', '/applications/:app/commands', (req, p) => {
      this.requireBotAuth(req);
      this.requireApp(p.app!);
      this.globalCommands = this.storeCommands(req.body, null);
      return { status: 200, body: this.globalCommands };
    });
    this.route('GET', '/applications/:app/commands', (req, p) => {
      this.requireBotAuth(req);
      this.requireApp(p.app!);
      return { status: 200, body: this.globalCommands };
    });
    this.route('POST', '/applications/:app/commands', (req, p) => {
      this.requireBotAuth(req);
      this.requireApp(p.app!);
      const existing = this.globalCommands.find((c) => c.name === req.body?.name);
      const cmd = this.commandObject(req.body ?? {}, null, existing?.id);
      this.globalCommands = [...this.globalCommands.filter((c) => c.name !== cmd.name), cmd];
      return { status: existing ? 200 : 201, body: cmd };
    });
    this.route('DELETE', '/applications/:app/commands/:cmd', (req, p) => {
      this.requireBotAuth(req);
      this.requireApp(p.app!);
      const before = this.globalCommands.length;
      this.globalCommands = this.globalCommands.filter((c) => c.id !== p.cmd);
      if (before === this.globalCommands.length) throw notFound(10063, 'Unknown application command');
      return { status: 204 };
    });
    this.route('PUT', '/applications/:app/guilds/:guild/commands', (req, p) => {
      this.requireBotAuth(req);
      this.requireApp(p.app!);
      if (p.guild !== this.guildId) throw new HttpError(403, errorBody(50001, 'Missing Access'));
      const list = this.storeCommands(req.body, p.guild);
      this.guildCommands.set(p.guild, list);
      return { status: 200, body: list };
    });
    this.route('GET', '/applications/:app/guilds/:guild/commands', (req, p) => {
      this.requireBotAuth(req);
      this.requireApp(p.app!);
      return { status: 200, body: this.guildCommands.get(p.guild!) ?? [] };
    });

    // --- interactions ---
    this.route('POST', '/interactions/:id/:token/callback', (req, p) => {
      const internal = this.interactions.get(p.token!);
      if (!internal || internal.state.id !== p.id) throw notFound(10062, 'Unknown interaction');
      const s = internal.state;
      const now = Date.now();
      if (this.options.callbackDeadlineMs !== undefined && now - s.dispatchedAt > this.options.callbackDeadlineMs) {
        throw notFound(10062, 'Unknown interaction');
      }
      if (s.responseType !== null)
        throw new HttpError(400, errorBody(40060, 'Interaction has already been acknowledged.'));
      const body: JsonObject = req.body ?? {};
      const type = Number(body.type);
      const data: JsonObject | null = body.data ?? null;
      if (![1, 4, 5, 6, 7, 8, 9, 10, 12].includes(type)) {
        throw new HttpError(
          400,
          errorBody(50035, 'Invalid Form Body', {
            type: {
              _errors: [{ code: 'ENUM_TYPE_COERCE', message: `Value "${body.type}" is not a valid enum value.` }],
            },
          }),
        );
      }
      if (type === 4 && this.options.validateMessages) {
        const err = validateMessageBody(data, req.files, { requireNonEmpty: true, prefix: ['data'] });
        if (err) throw err;
      }
      const withResponse = req.query['with_response'] === 'true';
      s.callbacks.push({ type, data, withResponse, files: req.files, at: now });
      s.responseType = type;
      s.lastActivityAt = now;
      const flags = Number(data?.flags ?? 0);
      let message: JsonObject | null = null;
      if (type === 4 || type === 5) {
        s.deferred = type === 5;
        s.ephemeral = Boolean(flags & MessageFlags.Ephemeral);
        const extra = {
          webhook_id: this.applicationId,
          application_id: this.applicationId,
          type: 20,
          interaction_metadata: {
            id: s.id,
            type: 2,
            name: s.commandName,
            command_type: 1,
            user: this.users.get(s.userId),
            authorizing_integration_owners: s.payload.authorizing_integration_owners,
          },
        };
        const msgBody = type === 5 ? { flags: (flags | MessageFlags.Loading) >>> 0 } : data;
        message = this.buildBotMessage(s.channelId, msgBody, req.files, extra);
        if (type === 5) message.flags = (flags | MessageFlags.Loading) >>> 0;
        // Interaction responses are not replies; their flags keep Ephemeral.
        s.original = this.storeMessage(message, {
          source: 'interaction-original',
          body: data,
          files: req.files,
          interactionId: s.id,
        });
      } else if (type === 6) {
        s.deferred = true;
      } else if (type === 7) {
        const target = s.original;
        if (target) this.applyEdit(target, data, req.files);
        message = target?.message ?? null;
      }
      if (!withResponse) return { status: 204 };
      return {
        status: 200,
        body: {
          interaction: {
            id: s.id,
            type: 2,
            activity_instance_id: null,
            response_message_id: message?.id ?? null,
            response_message_loading: type === 5,
            response_message_ephemeral: s.ephemeral,
          },
          resource: { type, ...(message ? { message } : {}) },
        },
      };
    });

    const originalOf = (internal: InteractionInternal, messageId: string): MessageRecord => {
      const s = internal.state;
      const rec =
        messageId === '@original'
          ? s.original
          : (s.followups.find((f) => f.id === messageId) ?? (s.original?.id === messageId ? s.original : null));
      if (!rec || rec.deleted) throw notFound(10008, 'Unknown Message');
      return rec;
    };

    this.route('GET', '/webhooks/:app/:token/messages/:msg', (_req, p) => {
      const internal = this.interactionByToken(p.app!, p.token!);
      return { status: 200, body: originalOf(internal, p.msg!).message };
    });
    this.route('PATCH', '/webhooks/:app/:token/messages/:msg', (req, p) => {
      const internal = this.interactionByToken(p.app!, p.token!);
      const rec = originalOf(internal, p.msg!);
      if (this.options.validateMessages) {
        const err = validateMessageBody(req.body, req.files, { requireNonEmpty: false });
        if (err) throw err;
      }
      this.applyEdit(rec, req.body, req.files);
      const s = internal.state;
      if (rec === s.original) s.edits.push(req.body ?? {});
      s.lastActivityAt = Date.now();
      return { status: 200, body: rec.message };
    });
    this.route('DELETE', '/webhooks/:app/:token/messages/:msg', (_req, p) => {
      const internal = this.interactionByToken(p.app!, p.token!);
      const rec = originalOf(internal, p.msg!);
      rec.deleted = true;
      const s = internal.state;
      if (rec === s.original) s.originalDeleted = true;
      s.lastActivityAt = Date.now();
      return { status: 204 };
    });
    this.route('POST', '/webhooks/:app/:token', (req, p) => {
      const internal = this.interactionByToken(p.app!, p.token!);
      const s = internal.state;
      if (s.responseType === null) throw notFound(10015, 'Unknown Webhook');
      if (this.options.validateMessages) {
        const err = validateMessageBody(req.body, req.files, { requireNonEmpty: true });
        if (err) throw err;
      }
      const message = this.buildBotMessage(s.channelId, req.body, req.files, {
        webhook_id: this.applicationId,
        application_id: this.applicationId,
        interaction_metadata: {
          id: s.id,
          type: 2,
          name: s.commandName,
          command_type: 1,
          user: this.users.get(s.userId),
          authorizing_integration_owners: s.payload.authorizing_integration_owners,
        },
      });
      const rec = this.storeMessage(message, {
        source: 'interaction-followup',
        body: req.body,
        files: req.files,
        interactionId: s.id,
      });
      s.followups.push(rec);
      s.lastActivityAt = Date.now();
      return req.query['wait'] === 'true' ? { status: 200, body: message } : { status: 204 };
    });

    // --- channels & messages ---
    this.route('GET', '/channels/:ch', (req, p) => {
      this.requireBotAuth(req);
      return { status: 200, body: this.channelObject(p.ch!) };
    });
    this.route('POST', '/channels/:ch/typing', (req, p) => {
      this.requireBotAuth(req);
      if (!this.channelExists(p.ch!)) throw notFound(10003, 'Unknown Channel');
      return { status: 204 };
    });
    this.route('POST', '/channels/:ch/messages', (req, p) => {
      this.requireBotAuth(req);
      const ch = p.ch!;
      if (!this.channelExists(ch)) throw notFound(10003, 'Unknown Channel');
      const body: JsonObject = req.body ?? {};
      if (this.options.validateMessages) {
        const err = validateMessageBody(body, req.files, { requireNonEmpty: true });
        if (err) throw err;
      }
      const ref = body.message_reference;
      if (ref?.message_id) {
        const target = this.messagesById.get(String(ref.message_id));
        if ((!target || target.channelId !== (ref.channel_id ?? ch)) && ref.fail_if_not_exists !== false) {
          throw new HttpError(
            400,
            errorBody(50035, 'Invalid Form Body', {
              message_reference: { _errors: [{ code: 'REPLIES_UNKNOWN_MESSAGE', message: 'Unknown message' }] },
            }),
          );
        }
        if (!target) delete body.message_reference;
      }
      const message = this.buildBotMessage(ch, body, req.files);
      this.storeMessage(message, { source: 'bot', body, files: req.files, interactionId: null });
      return { status: 200, body: message };
    });
    this.route('GET', '/channels/:ch/messages/:msg', (req, p) => {
      this.requireBotAuth(req);
      const rec = this.messagesById.get(p.msg!);
      if (!rec || rec.deleted || rec.channelId !== p.ch) throw notFound(10008, 'Unknown Message');
      return { status: 200, body: rec.message };
    });
    this.route('PATCH', '/channels/:ch/messages/:msg', (req, p) => {
      this.requireBotAuth(req);
      const rec = this.messagesById.get(p.msg!);
      if (!rec || rec.deleted || rec.channelId !== p.ch) throw notFound(10008, 'Unknown Message');
      if (rec.authorId !== this.botUser.id)
        throw new HttpError(403, errorBody(50005, 'Cannot edit a message authored by another user'));
      if (this.options.validateMessages) {
        const err = validateMessageBody(req.body, req.files, { requireNonEmpty: false });
        if (err) throw err;
      }
      this.applyEdit(rec, req.body, req.files);
      return { status: 200, body: rec.message };
    });
    this.route('DELETE', '/channels/:ch/messages/:msg', (req, p) => {
      this.requireBotAuth(req);
      const rec = this.messagesById.get(p.msg!);
      if (!rec || rec.deleted || rec.channelId !== p.ch) throw notFound(10008, 'Unknown Message');
      rec.deleted = true;
      return { status: 204 };
    });
    this.route('PUT', '/channels/:ch/messages/:msg/reactions/:emoji/@me', (req, p) => {
      this.requireBotAuth(req);
      if (!this.messagesById.has(p.msg!)) throw notFound(10008, 'Unknown Message');
      return { status: 204 };
    });
    this.route('DELETE', '/channels/:ch/messages/:msg/reactions/:emoji/@me', (req, p) => {
      this.requireBotAuth(req);
      if (!this.messagesById.has(p.msg!)) throw notFound(10008, 'Unknown Message');
      return { status: 204 };
    });
    this.route('POST', '/users/@me/channels', (req) => {
      this.requireBotAuth(req);
      const recipient = String(req.body?.recipient_id ?? '');
      if (!this.users.has(recipient) || recipient === this.botUser.id) {
        throw new HttpError(400, errorBody(50007, 'Cannot send messages to this user'));
      }
      return { status: 200, body: this.dmChannelObject(this.dmChannelId(recipient)) };
    });

    // --- guilds ---
    this.route('GET', '/guilds/:guild', (req, p) => {
      this.requireBotAuth(req);
      if (p.guild !== this.guildId) throw notFound(10004, 'Unknown Guild');
      const { members: _m, channels: _c, threads: _t, presences: _p, voice_states: _v, ...g } = this.guild;
      return { status: 200, body: g };
    });
    this.route('GET', '/guilds/:guild/channels', (req, p) => {
      this.requireBotAuth(req);
      if (p.guild !== this.guildId) throw notFound(10004, 'Unknown Guild');
      return { status: 200, body: [this.textChannel] };
    });
    this.route('GET', '/guilds/:guild/roles', (req, p) => {
      this.requireBotAuth(req);
      if (p.guild !== this.guildId) throw notFound(10004, 'Unknown Guild');
      return { status: 200, body: this.roles };
    });
    this.route('GET', '/guilds/:guild/members/:user', (req, p) => {
      this.requireBotAuth(req);
      if (p.guild !== this.guildId) throw notFound(10004, 'Unknown Guild');
      if (!this.users.has(p.user!)) throw notFound(10007, 'Unknown Member');
      return { status: 200, body: this.member(p.user!) };
    });
  }

  // -------------------------------------------------------------------------------------------
  // Teardown
  // -------------------------------------------------------------------------------------------

  /** Close all sockets and the server; rejects pending waits. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new Error('FakeDiscord closed'));
    }
    this.waiters.clear();
    for (const t of this.timers) {
      clearTimeout(t);
      clearInterval(t);
    }
    this.timers.clear();
    for (const c of [...this.conns]) {
      c.ws.terminate();
      this.detach(c);
    }
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.events.removeAllListeners();
  }
}

/** Shorthand for FakeDiscord.start(). */
export function startFakeDiscord(opts?: FakeDiscordOptions): Promise<FakeDiscord> {
  return FakeDiscord.start(opts);
}
