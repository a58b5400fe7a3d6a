/**
 * The gateway: websocket connections on the REST server's port, sessions with heartbeats,
 * IDENTIFY and RESUME (with replay of missed dispatches), dispatches filtered by intents, and the
 * faults Discord produces (reconnect requests, dropped sockets, invalidated sessions, zombies).
 */
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { GatewayCloseCodes, GatewayDispatchEvents, GatewayIntentBits, GatewayOpcodes } from 'discord-api-types/v10';
import { WebSocket, WebSocketServer } from 'ws';
import type { ChangeNotifier } from './changes.js';
import type { RestServer } from './rest-server.js';
import type { GatewayCloseRecord, GatewayStats, JsonObject, ResolvedOptions } from './types.js';
import { shardOf, type World } from './world.js';

/** Dispatches kept per session for replay on RESUME. */
const REPLAY_HISTORY = 1000;
const TRACE = ['["fake-gateway",{"micros":0}]'];

interface Dispatch {
  sequence: number;
  event: string;
  data: JsonObject;
}

interface GatewaySession {
  id: string;
  sequence: number;
  intents: number;
  token: string;
  /** [shard id, shard count] as IDENTIFY gave it ([0, 1] without sharding). */
  shard: [number, number];
  invalid: boolean;
  connection: GatewayConnection | null;
  /** Dispatches sent in this session (for resume replay). */
  history: Dispatch[];
}

interface GatewayConnection {
  id: number;
  socket: WebSocket;
  path: string;
  query: URLSearchParams;
  session: GatewaySession | null;
  /** READY+GUILD_CREATE or RESUMED sent; dispatches can flow. */
  ready: boolean;
  open: boolean;
  heartbeats: number;
}

export class Gateway {
  readonly identifyPayloads: JsonObject[] = [];
  readonly resumePayloads: JsonObject[] = [];
  /** Gateway ops received from the client other than heartbeat/identify/resume (e.g. presence). */
  readonly otherGatewayPayloads: JsonObject[] = [];
  readonly gatewayCloses: GatewayCloseRecord[] = [];
  /** Dispatches not delivered because the session's intents excluded them. */
  readonly droppedDispatches: Array<{ t: string; d: JsonObject; reason: string }> = [];
  /** Query strings the gateway was connected with. */
  readonly gatewayConnectQueries: Array<{ path: string; query: Record<string, string> }> = [];
  /** When each heartbeat arrived (Date.now()), in order, over every connection. */
  readonly heartbeatTimes: number[] = [];
  heartbeatCount = 0;
  identifyCount = 0;
  resumeCount = 0;
  connectionCount = 0;
  /** When false, heartbeats are not ACKed (to provoke discord.js zombie-connection handling). */
  ackHeartbeats = true;

  private readonly socketServer: WebSocketServer;
  private readonly connections = new Set<GatewayConnection>();
  private readonly sessions = new Map<string, GatewaySession>();
  /** The current session of each shard, by shard id: a guild's events go to its shard, DMs to shard 0. */
  private readonly activeSessions = new Map<number, GatewaySession>();
  /** Dispatches waiting for a ready connection. */
  private pending: Array<{ event: string; data: JsonObject }> = [];
  private nextConnectionId = 1;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly world: World,
    private readonly changes: ChangeNotifier,
    private readonly rest: RestServer,
    private readonly log: (...args: unknown[]) => void,
  ) {
    this.socketServer = new WebSocketServer({ server: rest.server });
    this.socketServer.on('connection', (socket, request) => this.onConnection(socket, request));
  }

  /** What GET /gateway/bot returns as `url`. */
  get url(): string {
    return `ws://127.0.0.1:${this.rest.port}`;
  }

  /** READY's resume_gateway_url (distinct path so tests can see resumes use it). */
  get resumeUrl(): string {
    return `ws://127.0.0.1:${this.rest.port}/resume`;
  }

  installRoutes(rest: RestServer): void {
    rest.route('GET', '/gateway/bot', (request) => {
      rest.requireBotAuth(request);
      return {
        status: 200,
        body: {
          url: this.url,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
        },
      };
    });
    rest.route('GET', '/gateway', () => ({ status: 200, body: { url: this.url } }));
  }

  get stats(): GatewayStats {
    return {
      connections: this.connectionCount,
      openConnections: this.connections.size,
      identifies: this.identifyCount,
      resumes: this.resumeCount,
      heartbeats: this.heartbeatCount,
      readyConnections: [...this.connections].filter((connection) => connection.ready).length,
    };
  }

  /** Whether some connection has finished READY(+GUILD_CREATE) or RESUMED. */
  get isReady(): boolean {
    return this.readyTarget() !== null;
  }

  /** Dispatch any gateway event. Queued until a connection is ready (READY/RESUMED). */
  dispatch(event: string, data: JsonObject): void {
    this.deliver(event, data);
    this.changes.notify();
  }

  // ----- fault injection ----------------------------------------------------------------------

  /** Send op 7 RECONNECT on every open connection (discord.js closes with 4200 and resumes). */
  requestReconnect(): void {
    for (const connection of this.connections)
      this.send(connection, { op: GatewayOpcodes.Reconnect, d: null, s: null, t: null });
  }

  /** Abruptly terminate every gateway socket (TCP-level, no close frame → client sees 1006). */
  dropConnections(): void {
    for (const connection of [...this.connections]) {
      this.gatewayCloses.push({
        connectionId: connection.id,
        code: 1006,
        reason: 'terminated by fake',
        by: 'server',
        at: Date.now(),
      });
      connection.socket.terminate();
      this.detach(connection);
    }
  }

  /** Close every gateway socket with a close code (e.g. 4000 unknown error → resume;
   *  4004 auth failed → discord.js gives up). */
  closeConnections(code: number = GatewayCloseCodes.UnknownError, reason = 'Unknown error'): void {
    for (const connection of [...this.connections]) this.closeConnection(connection, code, reason);
  }

  /** Send op 9 INVALID_SESSION. resumable=false also invalidates the session server-side, so the
   *  client must re-IDENTIFY. */
  invalidateSession(resumable: boolean): void {
    for (const connection of [...this.connections]) {
      if (!resumable && connection.session) {
        connection.session.invalid = true;
        connection.ready = false;
      }
      this.send(connection, { op: GatewayOpcodes.InvalidSession, d: resumable, s: null, t: null });
    }
    if (!resumable) for (const session of this.activeSessions.values()) session.invalid = true;
  }

  /** Send op 1 (server-requested heartbeat). */
  requestHeartbeat(): void {
    for (const connection of this.connections)
      this.send(connection, { op: GatewayOpcodes.Heartbeat, d: null, s: null, t: null });
  }

  async close(): Promise<void> {
    for (const connection of [...this.connections]) {
      connection.socket.terminate();
      this.detach(connection);
    }
    for (const socket of this.socketServer.clients) socket.terminate();
    await new Promise<void>((resolve) => this.socketServer.close(() => resolve()));
  }

  // ----- connections --------------------------------------------------------------------------

  private onConnection(socket: WebSocket, request: http.IncomingMessage): void {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const connection: GatewayConnection = {
      id: this.nextConnectionId++,
      socket,
      path: url.pathname,
      query: url.searchParams,
      session: null,
      ready: false,
      open: true,
      heartbeats: 0,
    };
    this.connectionCount++;
    this.connections.add(connection);
    this.gatewayConnectQueries.push({ path: url.pathname, query: Object.fromEntries(url.searchParams) });
    this.log(`gateway conn #${connection.id} ${request.url}`);

    socket.on('message', (raw, isBinary) => this.onMessage(connection, raw as Buffer, isBinary));
    socket.on('close', (code, reason) => {
      if (connection.open) {
        this.gatewayCloses.push({
          connectionId: connection.id,
          code,
          reason: reason.toString(),
          by: 'client',
          at: Date.now(),
        });
      }
      this.detach(connection);
    });
    socket.on('error', () => this.detach(connection));

    if (url.searchParams.get('v') !== '10') {
      this.closeConnection(connection, GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version');
      return;
    }
    if ((url.searchParams.get('encoding') ?? 'json') !== 'json' || url.searchParams.has('compress')) {
      // The fake only speaks uncompressed JSON (discord.js default without zlib-sync).
      this.closeConnection(
        connection,
        GatewayCloseCodes.DecodeError,
        'Decode error: only uncompressed JSON is supported by the fake',
      );
      return;
    }
    this.send(connection, {
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: this.options.heartbeatIntervalMs, _trace: TRACE },
      s: null,
      t: null,
    });
    this.changes.notify();
  }

  private detach(connection: GatewayConnection): void {
    if (!connection.open) return;
    connection.open = false;
    connection.ready = false;
    this.connections.delete(connection);
    if (connection.session && connection.session.connection === connection) connection.session.connection = null;
    this.changes.notify();
  }

  private closeConnection(connection: GatewayConnection, code: number, reason: string): void {
    if (!connection.open) return;
    this.gatewayCloses.push({ connectionId: connection.id, code, reason, by: 'server', at: Date.now() });
    try {
      connection.socket.close(code, reason);
    } catch {
      connection.socket.terminate();
    }
    this.detach(connection);
  }

  private send(connection: GatewayConnection, payload: JsonObject): void {
    if (!connection.open || connection.socket.readyState !== WebSocket.OPEN) return;
    this.log(`-> #${connection.id}`, payload.op, payload.t ?? '');
    connection.socket.send(JSON.stringify(payload));
  }

  private sendDispatch(
    connection: GatewayConnection,
    session: GatewaySession,
    event: string,
    data: JsonObject,
    keepForReplay = true,
  ): void {
    session.sequence += 1;
    if (keepForReplay) {
      session.history.push({ sequence: session.sequence, event, data });
      if (session.history.length > REPLAY_HISTORY) session.history.shift();
    }
    this.send(connection, { op: GatewayOpcodes.Dispatch, t: event, s: session.sequence, d: data });
  }

  private onMessage(connection: GatewayConnection, raw: Buffer, isBinary: boolean): void {
    let payload: JsonObject;
    try {
      payload = JSON.parse(isBinary ? raw.toString('utf8') : raw.toString()) as JsonObject;
    } catch {
      this.closeConnection(connection, GatewayCloseCodes.DecodeError, 'Decode error');
      return;
    }
    this.log(`<- #${connection.id}`, payload.op);
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat: {
        connection.heartbeats++;
        this.heartbeatCount++;
        this.heartbeatTimes.push(Date.now());
        if (this.ackHeartbeats) this.send(connection, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
        break;
      }
      case GatewayOpcodes.Identify:
        this.onIdentify(connection, payload.d ?? {});
        break;
      case GatewayOpcodes.Resume:
        this.onResume(connection, payload.d ?? {});
        break;
      default:
        if (!connection.session) {
          this.closeConnection(connection, GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
          return;
        }
        this.otherGatewayPayloads.push(payload);
        break;
    }
    this.changes.notify();
  }

  private tokenAccepted(token: unknown): boolean {
    return this.options.token === undefined || token === this.options.token;
  }

  private onIdentify(connection: GatewayConnection, identify: JsonObject): void {
    this.identifyCount++;
    this.identifyPayloads.push(identify);
    if (connection.session) {
      this.closeConnection(connection, GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    if (!this.tokenAccepted(identify.token)) {
      this.closeConnection(connection, GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const shard: [number, number] = Array.isArray(identify.shard)
      ? [Number(identify.shard[0]), Number(identify.shard[1])]
      : [0, 1];
    if (!(shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1])) {
      this.closeConnection(connection, GatewayCloseCodes.InvalidShard, 'Invalid shard.');
      return;
    }
    const session: GatewaySession = {
      id: randomBytes(16).toString('hex'),
      sequence: 0,
      intents: Number(identify.intents ?? 0),
      token: String(identify.token),
      shard,
      invalid: false,
      connection,
      history: [],
    };
    this.sessions.set(session.id, session);
    // A new IDENTIFY replaces the previous session of its shard: it can no longer be resumed.
    const previous = this.activeSessions.get(shard[0]);
    if (previous && previous !== session) previous.invalid = true;
    this.activeSessions.set(shard[0], session);
    connection.session = session;
    const guilds = this.world.guildIds.filter((guildId) => shardOf(guildId, shard[1]) === shard[0]);
    const ready = {
      v: 10,
      user_settings: {},
      user: this.world.botUser,
      guilds: guilds.map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.resumeUrl,
      shard,
      application: { id: this.world.applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: ['fake'],
      auth: {},
      _trace: TRACE,
    };
    this.sendDispatch(connection, session, GatewayDispatchEvents.Ready, ready);
    if (session.intents & GatewayIntentBits.Guilds) {
      for (const guildId of guilds)
        this.sendDispatch(connection, session, GatewayDispatchEvents.GuildCreate, this.world.guildObject(guildId));
    }
    connection.ready = true;
    this.flushPending();
  }

  private onResume(connection: GatewayConnection, resume: JsonObject): void {
    this.resumeCount++;
    this.resumePayloads.push(resume);
    if (!this.tokenAccepted(resume.token)) {
      this.closeConnection(connection, GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const session = this.sessions.get(String(resume.session_id));
    if (!session || session.invalid) {
      // Discord answers an unresumable session with op 9 d:false.
      this.send(connection, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return;
    }
    if (session.connection && session.connection !== connection) {
      // Discord would kill the old socket of the same session.
      const old = session.connection;
      old.session = null;
      this.closeConnection(old, GatewayCloseCodes.UnknownError, 'Session resumed elsewhere');
    }
    session.connection = connection;
    connection.session = session;
    this.activeSessions.set(session.shard[0], session);
    const lastSequence = Number(resume.seq ?? 0);
    for (const missed of session.history) {
      if (missed.sequence > lastSequence)
        this.send(connection, { op: GatewayOpcodes.Dispatch, t: missed.event, s: missed.sequence, d: missed.data });
    }
    this.sendDispatch(connection, session, GatewayDispatchEvents.Resumed, { _trace: TRACE }, false);
    connection.ready = true;
    this.flushPending();
  }

  /** The ready session that carries an event about `guildId` (null: a DM, which goes to shard 0), if any. */
  private readyTarget(guildId?: string | null): { connection: GatewayConnection; session: GatewaySession } | null {
    const targets = [...this.activeSessions.values()].filter(
      (session) => !session.invalid && session.connection?.ready === true && session.connection.open,
    );
    if (guildId === undefined) return targets[0] ? { connection: targets[0].connection!, session: targets[0] } : null;
    const session = targets.find(
      (candidate) => candidate.shard[0] === (guildId ? shardOf(guildId, candidate.shard[1]) : 0),
    );
    return session ? { connection: session.connection!, session } : null;
  }

  private flushPending(): void {
    if (!this.readyTarget()) return;
    const queue = this.pending;
    this.pending = [];
    for (const queued of queue) this.deliver(queued.event, queued.data);
  }

  private deliver(event: string, data: JsonObject): void {
    const target = this.readyTarget(typeof data.guild_id === 'string' ? data.guild_id : null);
    if (!target) {
      this.pending.push({ event, data });
      return;
    }
    const { connection, session } = target;
    let delivered = data;
    if (event === GatewayDispatchEvents.MessageCreate) {
      const isDm = !data.guild_id;
      const needed = isDm ? GatewayIntentBits.DirectMessages : GatewayIntentBits.GuildMessages;
      if (!(session.intents & needed)) {
        this.droppedDispatches.push({
          t: event,
          d: data,
          reason: isDm ? 'missing DirectMessages intent' : 'missing GuildMessages intent',
        });
        this.changes.notify();
        return;
      }
      if (!isDm && this.options.enforceMessageContentIntent && !(session.intents & GatewayIntentBits.MessageContent)) {
        const mentionsBot =
          Array.isArray(data.mentions) && data.mentions.some((user: JsonObject) => user.id === this.world.botUser.id);
        if (!mentionsBot && data.author?.id !== this.world.botUser.id) {
          delivered = { ...data, content: '', embeds: [], attachments: [], components: [] };
        }
      }
    }
    this.sendDispatch(connection, session, event, delivered);
  }
}
