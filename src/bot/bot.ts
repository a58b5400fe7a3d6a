import {
  Client,
  Events,
  GatewayIntentBits,
  Options,
  Partials,
  RESTEvents,
  type ClientOptions,
  type Message,
} from 'discord.js';
import { ConfigError, type Config } from '../config/config.js';
import type { BuildProgress, KnowledgeBase } from '../core/knowledge-base.js';
import { articleTopics } from '../core/suggestions.js';
import type { Logger } from '../logger.js';
import { openKnowledgeBase as openConfiguredKnowledgeBase } from '../startup/open-knowledge-base.js';
import { openQuestionLog } from '../startup/open-question-log.js';
import type { QuestionStore } from '../store/question-store.js';
import type { BotContext, KnowledgeSource } from './context.js';
import { UserFacingError } from './errors.js';
import { handleInteraction } from './interactions.js';
import { handleMessage } from './message-handler.js';
import { startMonitoring, type Monitoring } from './monitoring.js';
import { describeDiscordFailure, inviteUrl, userInstallUrl } from './onboarding.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import { SharedLimiter, type QuestionLimiter } from './shared-rate-limit.js';
import { registerCommands } from './register.js';
import { NO_MENTIONS } from './replies.js';

/** How long a stop waits for replies in flight before closing the connection anyway. */
const STOP_GRACE_MS = 10_000;

export interface BotOptions {
  config: Config;
  logger: Logger;
  /** Loads the knowledge base; by default the configured model, corpus and index. */
  openKnowledgeBase?: () => Promise<KnowledgeBase>;
  /** The question log; by default the configured one (opening or starting it may throw a QuestionLogError). */
  questionLog?: QuestionStore;
  /** Extra discord.js options, merged over the bot's own (tests point REST at a fake and skip identify throttling). */
  clientOptions?: Partial<ClientOptions>;
}

export interface Bot {
  client: Client;
  /** Logs in, loads the knowledge base in parallel and registers the commands; resolves once connected to Discord. */
  start(): Promise<void>;
  /** Stops taking work, finishes replies in flight (bounded), closes the gateway and the knowledge base. Idempotent. */
  stop(): Promise<void>;
  /** Resolves with the knowledge base once loaded; rejects if it cannot be. Questions asked before then wait for it. */
  ready: Promise<KnowledgeBase>;
}

/**
 * Only what the bot uses: server and channel metadata, messages in servers
 * (it reads only those that mention it, which need no privileged intent) and
 * DMs. DM channels arrive as partials when the bot has never seen them.
 */
function clientOptionsFor(config: Config, extra: Partial<ClientOptions> = {}): ClientOptions {
  return {
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages],
    partials: [Partials.Channel],
    allowedMentions: NO_MENTIONS,
    // Replying to a message deleted meanwhile posts the answer without the reference instead of failing.
    failIfNotExists: false,
    // The bot never looks back at earlier messages, so none are kept in memory.
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
    // SHARD_COUNT and SHARD_IDS: discord.js runs exactly these shards of that many; unset, every shard Discord recommends.
    ...(config.discord.shards
      ? { shards: [...config.discord.shards.ids], shardCount: config.discord.shards.count }
      : {}),
    ...extra,
    rest: { ...(config.discord.apiUrl ? { api: config.discord.apiUrl } : {}), ...extra.rest },
  };
}

const PHASE_MESSAGES = {
  reading: 'reading the article',
  embedding: 'embedding passages',
  writing: 'writing the index',
} as const;

/** Start-up progress in the log: a line per phase, and per quarter of the embedding. */
function progressLogger(logger: Logger): (progress: BuildProgress) => void {
  let lastPhase = '';
  let lastQuarter = -1;
  return ({ phase, done, total }) => {
    const quarter = total > 0 ? Math.floor((done / total) * 4) : 4;
    if (phase === lastPhase && (phase !== 'embedding' || quarter === lastQuarter)) return;
    lastPhase = phase;
    lastQuarter = quarter;
    logger.info(phase === 'embedding' ? { done, total } : {}, PHASE_MESSAGES[phase]);
  };
}

function withTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    work
      .finally(() => {
        clearTimeout(timer);
        resolve();
      })
      .catch(() => undefined);
  });
}

/**
 * The Discord adapter: a discord.js client whose slash commands, DMs and
 * mentions all lead to the core's one answer function.
 */
export function createBot(options: BotOptions): Bot {
  const { config, logger } = options;
  const token = config.discord.token;
  if (!token)
    throw new ConfigError(['DISCORD_TOKEN: required to connect to Discord (see `npm start` for how to get one)']);

  const questionLog = options.questionLog ?? openQuestionLog(config, logger);
  const client = new Client(clientOptionsFor(config, options.clientOptions));
  const open = options.openKnowledgeBase ?? (() => openConfiguredKnowledgeBase(config, logger, progressLogger(logger)));

  let current: KnowledgeBase | undefined;
  let resolveReady!: (knowledgeBase: KnowledgeBase) => void;
  let rejectReady!: (error: unknown) => void;
  const ready = new Promise<KnowledgeBase>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  // Whoever awaits `ready` sees a failure; the bot itself must not crash on it unobserved.
  ready.catch(() => undefined);

  let stopping = false;
  let rejectWaiters!: (error: unknown) => void;
  const stopped = new Promise<never>((_resolve, reject) => {
    rejectWaiters = reject;
  });
  stopped.catch(() => undefined);

  /** This process's own limit; with DATABASE_URL, one shared by every process, falling back to its own. */
  function questionLimiter(): QuestionLimiter {
    const local = new SlidingWindowLimiter({
      limit: config.limits.rateLimitCount,
      windowMs: config.limits.rateLimitWindowMs,
    });
    return config.database ? new SharedLimiter(() => questionLog.sharedRateLimits, local, logger) : local;
  }

  const knowledge: KnowledgeSource = {
    get current() {
      return current;
    },
    whenReady: () => (current ? Promise.resolve(current) : Promise.race([ready, stopped])),
  };
  const context: BotContext = {
    config,
    logger,
    knowledge,
    botName: () => client.user?.username ?? 'bot',
    isStopping: () => stopping,
    questionLimiter: questionLimiter(),
    questionLog,
  };

  const inFlight = new Set<Promise<void>>();
  /** Counts a handler as in flight until it settles. Handlers turn their errors into replies; anything left is logged here. */
  function track(work: Promise<void>): void {
    const settled: Promise<void> = work
      .catch((error: unknown) => logger.error({ err: error }, 'a handler failed'))
      .finally(() => inFlight.delete(settled));
    inFlight.add(settled);
  }

  client.on(Events.InteractionCreate, (interaction) => track(handleInteraction(interaction, context)));
  client.on(Events.MessageCreate, (message: Message) => track(handleMessage(message, context)));

  client.on(Events.Error, (error) => logger.error({ err: error }, 'Discord client error'));
  client.on(Events.ShardError, (error, shardId) => logger.error({ err: error, shardId }, 'gateway connection error'));
  client.on(Events.Warn, (warning) => logger.warn({ warning }, 'Discord client warning'));
  // While stopping, the connection is closed on purpose: nothing to report.
  client.on(Events.ShardDisconnect, (event, shardId) => {
    if (!stopping) logger.warn({ code: event.code, shardId }, 'gateway disconnected');
  });
  client.on(Events.ShardReconnecting, (shardId) => {
    if (!stopping) logger.info({ shardId }, 'reconnecting to the gateway');
  });
  client.on(Events.ShardResume, (shardId, replayed) => logger.info({ shardId, replayed }, 'gateway session resumed'));
  // A new session: at start-up, and when Discord would not resume the old one (its missed events are lost).
  client.on(Events.ShardReady, (shardId) => logger.info({ shardId }, 'gateway session started'));
  client.rest.on(RESTEvents.RateLimited, (info) =>
    logger.warn(
      { route: info.route, method: info.method, retryAfterMs: info.retryAfter, global: info.global },
      'rate limited by Discord',
    ),
  );
  // discord.js retries a 429 after Discord's wait and a 5xx up to `retries` times, silently: say so. The route
  // is the bucket route, with interaction and webhook tokens replaced by `:token`.
  client.rest.on(RESTEvents.Response, (request, response) => {
    if (response.status !== 429 && response.status < 500) return;
    const where = {
      method: request.method.toUpperCase(),
      route: request.route,
      status: response.status,
      attempt: request.retries + 1,
    };
    if (response.status === 429) {
      logger.warn(
        { ...where, retryAfterS: Number(response.headers.get('retry-after')) },
        'rate limited by Discord; retrying after the wait',
      );
    } else {
      const retrying = request.retries < client.rest.options.retries;
      logger.warn(
        where,
        retrying ? 'Discord answered with a server error; retrying' : 'Discord answered with a server error; giving up',
      );
    }
  });
  // LOG_LEVEL=trace shows the gateway and REST chatter too (discord.js censors the token in it; the logger scrubs it anyway).
  if (logger.isLevelEnabled('trace')) {
    client.on(Events.Debug, (message) => logger.trace({ source: 'gateway' }, message));
    client.rest.on(RESTEvents.Debug, (message) => logger.trace({ source: 'rest' }, message));
  }

  function loadKnowledgeBase(): void {
    Promise.resolve()
      .then(open)
      .then(
        (knowledgeBase) => {
          if (stopping) {
            void knowledgeBase
              .close()
              .catch((error: unknown) => logger.warn({ err: error }, 'could not close the knowledge base'));
            return;
          }
          current = knowledgeBase;
          // With DATABASE_URL, a change of the corpus made through any process is rebuilt from here too.
          knowledgeBase.followCorpus();
          // Autocomplete answers from memory: find the article's topics now rather than in the first suggestion.
          setImmediate(() => articleTopics(knowledgeBase.manifest, 1));
          logger.info(
            { passages: knowledgeBase.manifest.passages.length, model: knowledgeBase.manifest.model.id },
            'knowledge base ready',
          );
          resolveReady(knowledgeBase);
        },
        (error: unknown) => rejectReady(error),
      );
  }

  let monitoring: Monitoring | undefined;
  let starting: Promise<void> | undefined;
  async function connect(): Promise<void> {
    // The shared database comes first: a bot that cannot reach it stops before connecting to Discord.
    await questionLog.start();
    monitoring = await startMonitoring(config, client, knowledge, logger, questionLog);
    loadKnowledgeBase();
    const clientReady = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    try {
      await client.login(token);
    } catch (error) {
      throw describeDiscordFailure(error, config.discord.apiUrl);
    }
    await clientReady;
    const applicationId = client.application!.id;
    logger.info(
      {
        user: client.user!.tag,
        guilds: client.guilds.cache.size,
        invite: inviteUrl(applicationId),
        userInstall: userInstallUrl(applicationId),
      },
      'connected to Discord',
    );
    if (!config.discord.registerCommands) return;
    // Commands are registered once per deployment: by the process that runs shard 0.
    const shards = config.discord.shards;
    if (shards && !shards.ids.includes(0)) {
      logger.info({ shards: shards.ids }, 'not registering the slash commands: the process that runs shard 0 does');
      return;
    }
    try {
      const registration = await registerCommands(client.rest, applicationId, config);
      logger.info(registration, 'registered the slash commands');
    } catch (error) {
      // The bot still answers DMs and mentions, and commands registered earlier keep working.
      logger.error(
        { err: error, guildId: config.discord.guildId },
        config.discord.guildId
          ? 'could not register the slash commands in DISCORD_GUILD_ID: is the bot in that server (invited with the applications.commands scope)?'
          : 'could not register the slash commands',
      );
    }
  }

  let stopPromise: Promise<void> | undefined;
  async function shutDown(): Promise<void> {
    stopping = true;
    rejectWaiters(new UserFacingError('restarting'));
    await withTimeout(Promise.allSettled([...inFlight]), STOP_GRACE_MS);
    if (inFlight.size > 0) logger.warn({ unfinished: inFlight.size }, 'stopping with replies still in flight');
    await client.destroy();
    await monitoring?.stop();
    await questionLog.close();
    if (current) await withTimeout(current.close(), STOP_GRACE_MS);
  }

  return {
    client,
    ready,
    start: () => (starting ??= connect()),
    stop: () => (stopPromise ??= shutDown()),
  };
}
