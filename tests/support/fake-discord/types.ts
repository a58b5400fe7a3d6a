/**
 * The fake's public record and option types. Payloads follow Discord's API shapes (snake_case);
 * they are kept loose (JsonObject) where tests read what the bot sent, which may be anything.
 */

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
  /** Guilds the bot is in (default 1). With n guilds, the i-th lands on shard i of n shards: (id >> 22) % n. */
  guildCount?: number;
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

/** The options with every default filled in. */
export type ResolvedOptions = Required<Omit<FakeDiscordOptions, 'token' | 'callbackDeadlineMs'>> & {
  token: string | undefined;
  callbackDeadlineMs: number | undefined;
};

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
  /** Interaction type: 2 application command, 3 message component, 4 autocomplete. */
  type: number;
  /** The command's name; '' for component interactions. */
  commandName: string;
  /** Component interactions: the custom_id of the button or select used; otherwise null. */
  customId: string | null;
  /** The message a component was on, or a message command targeted; otherwise null. */
  targetMessageId: string | null;
  channelId: string;
  guildId: string | null;
  userId: string;
  dispatchedAt: number;
  /** The INTERACTION_CREATE `d` payload as dispatched. */
  payload: JsonObject;
  callbacks: InteractionCallbackRecord[];
  /** Type of the first (accepted) callback: 4 reply, 5 deferred, 6 deferred update, 7 update… */
  responseType: number | null;
  /** Milliseconds from dispatch to the first accepted callback; null until then. */
  respondedAfterMs: number | null;
  /** Autocomplete: the choices the bot answered with (callback 8); null until then. */
  choices: JsonObject[] | null;
  deferred: boolean;
  ephemeral: boolean;
  /** The @original response message as it currently stands (after edits). For a component
   *  interaction answered with 6 or 7 that is the message the component is on. */
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
  waitFor(predicate: (state: InteractionState) => boolean, timeoutMs?: number): Promise<InteractionState>;
}

/** A file a test hands to the fake: its bytes are served from the fake's loopback CDN. */
export interface AttachmentInput {
  filename: string;
  data: Buffer | string;
  /** Default: from the file name's extension (e.g. `image/png`, `text/plain; charset=utf-8`). */
  contentType?: string;
  description?: string;
  /** Images: read from a PNG or GIF header when not given. */
  width?: number;
  height?: number;
}

export type CommandOptionValue = string | number | boolean | AttachmentInput;

export type CommandOptionInput = JsonObject[] | Record<string, CommandOptionValue>;

/**
 * Where a user-installed app is used: a server that did not invite the bot (context 0), the
 * user's DM with the bot (context 1), or a group DM or a DM between users (context 2).
 */
export type UserInstallPlace = 'guild' | 'bot-dm' | 'private-channel';

export interface SendInteractionInput {
  /**
   * The app is installed by the invoking user only, and used where its bot is not a member: a
   * server that did not invite it ('guild', context 0), the user's DM with the bot ('bot-dm',
   * context 1) or a group DM ('private-channel', context 2). Discord sends the interaction
   * authorized by the user alone, from a channel the bot cannot see.
   */
  userInstall?: UserInstallPlace;
  name: string;
  /** Either raw Discord options ([{name, type, value}]) or a {name: value} map
   *  (string → type 3, integer → 4, non-integer number → 10, boolean → 5, AttachmentInput → 11,
   *  its file served from the fake's CDN and described in `data.resolved.attachments`). */
  options?: CommandOptionInput;
  /** The subcommand (option type 1) the options belong to. */
  subcommand?: string;
  /** The subcommand group (option type 2) the subcommand belongs to. */
  subcommandGroup?: string;
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
  /** Files attached to the message, served from the fake's CDN. */
  attachments?: AttachmentInput[];
  overrides?: JsonObject;
}

/** Who uses a component, command or autocomplete, when the place follows from a message. */
export interface InteractionUserInput {
  /** Default: whoever makes sense for the message (the user the bot answered, the DM's user) or a fresh user. */
  userId?: string;
  username?: string;
  locale?: string;
  guildLocale?: string;
  /** Invoking member's permissions (decimal string). */
  memberPermissions?: string;
  appPermissions?: string;
  /** Shallow-merged over the generated `d` payload last. */
  overrides?: JsonObject;
}

/** A message a message command is used on, made for the test (not dispatched: it was already there). */
export interface TargetMessageInput {
  content?: string;
  attachments?: AttachmentInput[];
  embeds?: JsonObject[];
  /** Default: the invoking user. */
  authorId?: string;
  username?: string;
}

export interface SendMessageCommandInput extends InteractionUserInput {
  /** With a TargetMessageInput: put it in a place the bot is not a member of (see SendInteractionInput). */
  userInstall?: Exclude<UserInstallPlace, 'bot-dm'>;
  /** The message command's name, e.g. 'Ask about this'. */
  name: string;
  /** A message the fake knows (record or id), or one to create in the channel. */
  target: MessageRecord | string | TargetMessageInput;
  /** With a TargetMessageInput: put it in the user's DM with the bot instead of the guild channel. */
  dm?: boolean;
  commandId?: string;
}

export interface SendAutocompleteInput extends InteractionUserInput {
  /**
   * The app is installed by the invoking user only, and used where its bot is not a member: a
   * server that did not invite it ('guild', context 0), the user's DM with the bot ('bot-dm',
   * context 1) or a group DM ('private-channel', context 2). Discord sends the interaction
   * authorized by the user alone, from a channel the bot cannot see.
   */
  userInstall?: UserInstallPlace;
  /** The slash command's name. */
  name: string;
  subcommand?: string;
  subcommandGroup?: string;
  /** The option being typed in. */
  focused: string;
  /** What has been typed so far. */
  value: string | number;
  /** Options already filled in. */
  options?: Record<string, string | number | boolean>;
  dm?: boolean;
  commandId?: string;
}

/** A request to the fake's CDN (attachment downloads). */
export interface CdnRequest {
  method: string;
  /** Path without the query string, e.g. `/attachments/<channel>/<attachment>/<file name>`. */
  path: string;
  attachmentId: string | null;
  status: number;
  time: number;
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
