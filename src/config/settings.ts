import { z } from 'zod';
import {
  booleanText,
  databaseUrl,
  fraction,
  integer,
  maskPassword,
  shardIds,
  snowflake,
  userIds,
} from './value-schemas.js';

export { maskPassword } from './value-schemas.js';

/**
 * Every setting the program reads, in one table: its variable, its default,
 * what it means and how it is checked. The parser applies these defaults, and
 * `.env.example` and the README's settings table are rendered from this table
 * (`npm run settings`), so the three can never disagree.
 */
export interface Setting {
  group: SettingGroup;
  /** The default, written as it would be in `.env`; undefined when the setting is unset by default or computed. */
  default?: string;
  /** How the default reads in the docs when it is not a plain value (computed, or someone else's). */
  defaultLabel?: string;
  /** One line for the README's table (Markdown allowed). */
  summary: string;
  /** The comment above the variable in `.env.example` (plain text, one line per entry). */
  comment: readonly string[];
  /** Whether `.env.example` shows the variable commented out (its empty value would mean something). */
  commentedOut?: boolean;
  /** An empty value is a value (a prefix may be empty on purpose), not "use the default". */
  emptyIsValue?: boolean;
  schema: z.ZodTypeAny;
  /** How a value is shown in a problem, when it holds a secret (a URL's password). */
  shown?: (given: string) => string;
}

export const SETTING_GROUPS = [
  'Discord',
  'Corpus and index',
  'Embedding model',
  'Answers',
  'Limits',
  'Question log',
  'Logs',
  'Monitoring',
  'Scaling',
] as const;
export type SettingGroup = (typeof SETTING_GROUPS)[number];

export const DEFAULT_MODEL = 'Xenova/multilingual-e5-small';

export const SETTINGS = {
  DISCORD_TOKEN: {
    group: 'Discord',
    defaultLabel: '—',
    summary: 'the bot token; required by `npm start` and `npm run register` only',
    comment: ['The bot token: Discord Developer Portal → your application → Bot → Reset Token.'],
    schema: z.string().trim().min(20, 'expected the bot token from the Discord developer portal (Bot → Reset Token)'),
  },
  DISCORD_GUILD_ID: {
    group: 'Discord',
    defaultLabel: '—',
    summary: 'register commands to this server (instant; for development) instead of globally',
    comment: ['A server id: commands are registered there instantly (for development). Unset: globally.'],
    schema: z
      .string()
      .trim()
      .regex(snowflake, 'expected a server id (a 17–20 digit number; right-click the server → Copy Server ID)'),
  },
  REGISTER_COMMANDS: {
    group: 'Discord',
    default: 'true',
    summary: 'register commands at start-up by bulk overwrite',
    comment: ['Register slash commands at start-up (bulk overwrite). `npm run register` does it on its own.'],
    schema: booleanText,
  },
  ADMIN_USER_IDS: {
    group: 'Discord',
    defaultLabel: '—',
    summary:
      'comma-separated user ids allowed to use the admin commands (`/reindex`, `/corpus`, `/stats`) anywhere, DMs included (members with Manage Server always may)',
    comment: [
      'Comma-separated user ids allowed to use the admin commands (/reindex, /corpus, /stats) anywhere,',
      'also in DMs, besides Manage Server holders.',
    ],
    schema: userIds,
  },
  DISCORD_API_URL: {
    group: 'Discord',
    defaultLabel: "Discord's",
    summary:
      'REST base URL, e.g. for a REST proxy (`https://proxy.example/api`); the gateway URL is taken from the API',
    comment: ["Replaces Discord's REST base URL (e.g. a REST proxy). The gateway URL is taken from the API."],
    schema: z.string().trim().url('expected a URL such as https://discord.com/api'),
  },
  CORPUS_PATH: {
    group: 'Corpus and index',
    default: 'corpus',
    summary:
      'a `.txt`/`.md` file or a directory of them (each file is a document); with `DATABASE_URL`, read only to seed an empty shared corpus',
    comment: [
      'A .txt/.md file or a directory of them; paragraphs are separated by blank lines.',
      'With DATABASE_URL it is read only to seed an empty shared corpus.',
    ],
    schema: z.string(),
  },
  ALLOW_PRIVATE_URLS: {
    group: 'Corpus and index',
    default: 'false',
    summary:
      '`/corpus add url:` and `npm run corpus -- add <url>` may fetch from loopback, private and link-local addresses ([operations](docs/operations.md#adding-an-article-from-a-link))',
    comment: [
      'Let /corpus add url: and npm run corpus -- add <url> fetch from loopback, private, link-local',
      'and unique-local addresses (an intranet wiki). Off, such addresses are refused, after DNS and after every redirect.',
    ],
    schema: booleanText,
  },
  INDEX_DIR: {
    group: 'Corpus and index',
    default: 'embeddings',
    summary: 'where the index and its manifest are persisted',
    comment: ['Where the vector index and its manifest are persisted.'],
    schema: z.string(),
  },
  EMBEDDING_MODEL: {
    group: 'Embedding model',
    default: DEFAULT_MODEL,
    summary: 'a model id (downloaded once, cached) or a path to a local model directory (never fetched)',
    comment: [
      'A model id (downloaded once from the Hugging Face hub and cached) or a path to a local',
      'transformers.js model directory (then nothing is fetched from the network, ever).',
    ],
    schema: z.string().trim(),
  },
  MODEL_CACHE_DIR: {
    group: 'Embedding model',
    default: '.cache/models',
    summary: 'where downloaded models are cached',
    comment: ['Where downloaded models are cached.'],
    schema: z.string(),
  },
  HF_ENDPOINT: {
    group: 'Embedding model',
    default: 'https://huggingface.co',
    summary:
      'where models are downloaded from: the Hugging Face hub or a mirror of it, e.g. `https://hf-mirror.com` ([operations](docs/operations.md#downloading-the-model))',
    comment: [
      'Where models are downloaded from: the Hugging Face hub, or a mirror with its URL layout',
      '(<endpoint>/<model>/resolve/main/<file>), e.g. https://hf-mirror.com where the hub is unreachable.',
    ],
    schema: z.string().trim().url('expected a URL such as https://hf-mirror.com'),
  },
  MODEL_QUANTIZED: {
    group: 'Embedding model',
    default: 'true',
    summary: 'load `onnx/model_quantized.onnx` (`true`) or `onnx/model.onnx`',
    comment: ['Use onnx/model_quantized.onnx (true) or onnx/model.onnx (false).'],
    schema: booleanText,
  },
  QUERY_PREFIX: {
    group: 'Embedding model',
    defaultLabel: '`query: ` for e5 models, empty otherwise',
    summary: 'text put before questions before embedding',
    comment: ['Text put before questions before embedding. Default: "query: " for e5 models, none otherwise.'],
    commentedOut: true,
    emptyIsValue: true,
    schema: z.string(),
  },
  PASSAGE_PREFIX: {
    group: 'Embedding model',
    defaultLabel: '`passage: ` for e5 models, empty otherwise',
    summary: 'text put before paragraphs before embedding',
    comment: ['Text put before paragraphs before embedding. Default: "passage: " for e5 models, none otherwise.'],
    commentedOut: true,
    emptyIsValue: true,
    schema: z.string(),
  },
  EMBED_BATCH_SIZE: {
    group: 'Embedding model',
    default: '16',
    summary: 'texts per forward pass, when indexing and when batching concurrent questions',
    comment: ['Texts per forward pass when indexing and when batching concurrent questions.'],
    schema: integer(1, 256),
  },
  MODEL_TIMEOUT_SECONDS: {
    group: 'Embedding model',
    default: '30',
    summary:
      'how long the model may take for one text before its process counts as hung, is killed and started again; a batch of n texts gets (1 + n/8) times this ([operations](docs/operations.md#when-the-model-stalls-or-crashes))',
    comment: [
      'Seconds the model may take for one text before its process counts as hung and is killed and',
      'started again (the questions waiting get "try again"). A batch of n texts gets (1 + n/8) times this.',
    ],
    schema: integer(1, 3600),
  },
  MODEL_RESTARTS_PER_MINUTE: {
    group: 'Embedding model',
    default: '5',
    summary:
      'most restarts of a model process that died or hung in any minute (restarts also back off: 1 s, 2 s, 4 s … up to a minute)',
    comment: [
      'Most restarts of a model process that died or hung in any minute; restarts also back off',
      '(at once, then 1 s, 2 s, 4 s … up to a minute) while the model keeps failing.',
    ],
    schema: integer(1, 60),
  },
  TOP_K: {
    group: 'Answers',
    default: '3',
    summary: 'paragraphs quoted per answer (1–10)',
    comment: ['How many paragraphs to quote (1–10).'],
    schema: integer(1, 10),
  },
  MIN_SCORE: {
    group: 'Answers',
    defaultLabel: 'calibrated per model',
    summary:
      'the dense bar (cosine, 0–1) in the decision to quote; unset, it is calibrated for the model when the index is built ([retrieval](docs/retrieval.md#the-dense-bar-calibrated-for-the-model))',
    comment: [
      'The dense bar (cosine, 0–1) in the decision to quote a passage. Unset: calibrated for the model',
      'on off-topic probe questions when the index is built (see docs/retrieval.md).',
    ],
    schema: fraction,
  },
  MAX_QUESTION_LENGTH: {
    group: 'Limits',
    default: '500',
    summary: 'longest question accepted, in characters',
    comment: ['Longest question accepted, in characters.'],
    schema: integer(10, 4000),
  },
  RATE_LIMIT_COUNT: {
    group: 'Limits',
    default: '5',
    summary: 'questions a user may ask per window; see [operations](docs/operations.md#rate-limits)',
    comment: [
      'Per-user rate limit: at most RATE_LIMIT_COUNT questions in any RATE_LIMIT_WINDOW_SECONDS',
      '(/ask, DMs and mentions together; /help, /about and the admin commands do not count).',
    ],
    schema: integer(1, 1000),
  },
  RATE_LIMIT_WINDOW_SECONDS: {
    group: 'Limits',
    default: '30',
    summary: 'the rate limit’s sliding window, in seconds',
    comment: [],
    schema: integer(1, 3600),
  },
  DATA_DIR: {
    group: 'Question log',
    default: 'data',
    summary:
      'where the question log (SQLite) and the key that hashes user ids are kept; see [operations](docs/operations.md#the-question-log)',
    comment: ['Where the question log (an SQLite database) and the key that hashes user ids are kept.'],
    schema: z.string(),
  },
  LOG_QUESTIONS: {
    group: 'Question log',
    default: 'true',
    summary: 'keep each question’s text and its asker’s hash; `false` keeps counts only',
    comment: [
      "Keep each question's text, server and its asker's keyed hash. false: counts only (time, source,",
      'language, answered or declined, quoted paragraphs, latency).',
    ],
    schema: booleanText,
  },
  LOG_DM_TEXT: {
    group: 'Question log',
    default: 'false',
    summary: 'keep the text of questions asked in DMs too (their counts are always kept)',
    comment: ['Keep the text of questions asked in direct messages too; their counts are kept either way.'],
    schema: booleanText,
  },
  LOG_RETENTION_DAYS: {
    group: 'Question log',
    default: '30',
    summary: 'questions and votes older than this many days are deleted (1–3650)',
    comment: ['Questions and feedback votes older than this many days are deleted (checked hourly).'],
    schema: integer(1, 3650),
  },
  LOG_LEVEL: {
    group: 'Logs',
    default: 'info',
    summary: '`fatal` … `trace`, or `silent`; logs go to stderr',
    comment: ['fatal, error, warn, info, debug, trace or silent. Logs go to stderr; the token is never logged.'],
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  },
  LOG_FORMAT: {
    group: 'Logs',
    default: 'auto',
    summary: '`pretty` on a terminal, JSON otherwise; or force `json` / `pretty`',
    comment: ['auto (pretty on a terminal, JSON otherwise), json or pretty.'],
    schema: z.enum(['auto', 'json', 'pretty']),
  },
  METRICS_PORT: {
    group: 'Monitoring',
    defaultLabel: 'off',
    summary:
      'serve `/metrics` (Prometheus) and `/healthz` on this port; see [operations](docs/operations.md#metrics-and-health)',
    comment: ['Serve /metrics (Prometheus) and /healthz on this port. Unset: no HTTP server at all.'],
    schema: integer(1, 65535),
  },
  METRICS_HOST: {
    group: 'Monitoring',
    default: '127.0.0.1',
    summary: 'the address `/metrics` and `/healthz` listen on (`0.0.0.0` for every interface)',
    comment: ['The address METRICS_PORT listens on: loopback only unless you say otherwise (0.0.0.0: all).'],
    schema: z.string().trim().min(1, 'expected a host name or an IP address'),
  },
  SHARD_COUNT: {
    group: 'Scaling',
    defaultLabel: "Discord's recommendation",
    summary:
      'how many gateway shards the whole bot runs, across every process; see [scaling](docs/scaling.md#several-shards-in-one-process)',
    comment: [
      'The number of gateway shards of the whole deployment (Discord requires sharding from 2,500 servers).',
      'Unset: one process runs every shard Discord recommends. Set alone: this process runs all of them.',
    ],
    schema: integer(1, 65535),
  },
  SHARD_IDS: {
    group: 'Scaling',
    defaultLabel: 'every shard',
    summary:
      'the shards this process runs, e.g. `0-3` or `0,2` (needs `SHARD_COUNT`); the process running shard 0 registers the commands',
    comment: [
      'The shards this process runs: ids and ranges such as 0-3 or 0,2, each below SHARD_COUNT.',
      'Only the process that runs shard 0 registers the slash commands.',
    ],
    schema: shardIds,
  },
  DATABASE_URL: {
    group: 'Scaling',
    defaultLabel: '— (SQLite in `DATA_DIR`)',
    summary:
      'share the question log, votes, the askers’ key, the rate limits, the corpus and the embedding cache in PostgreSQL, e.g. `postgres://bot:secret@db:5432/bot` (`CORPUS_PATH` then only seeds an empty shared corpus); see [scaling](docs/scaling.md#several-machines-sharing-postgresql)',
    comment: [
      'A PostgreSQL URL (postgres://user:password@host:5432/database): the question log, votes, the key',
      'that hashes user ids, the rate limits, the corpus and the embedding cache are kept there, shared by',
      'every process (CORPUS_PATH then only seeds an empty shared corpus). Unset: SQLite in DATA_DIR.',
    ],
    schema: databaseUrl,
    shown: maskPassword,
  },
} satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;

/** Each setting's parsed value: never undefined for a setting that has a default. */
export type SettingValues = {
  [Name in SettingName]: (typeof SETTINGS)[Name] extends { default: string }
    ? z.output<(typeof SETTINGS)[Name]['schema']>
    : z.output<(typeof SETTINGS)[Name]['schema']> | undefined;
};

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads every setting from an environment-like object, applying the
 * defaults of the table. Returns the values, or one problem per bad variable
 * naming it, its value, and what it expects.
 */
export function readSettings(env: Environment): { values: SettingValues; problems: string[] } {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, setting] of Object.entries(SETTINGS) as [SettingName, Setting][]) {
    const given = env[name];
    // Empty strings in .env mean "not set", as users expect from `FOO=`, unless empty is a value of its own.
    const isSet = given !== undefined && (setting.emptyIsValue === true || given.trim() !== '');
    const raw = isSet ? given : setting.default;
    if (raw === undefined) continue;
    const parsed = setting.schema.safeParse(raw);
    if (parsed.success) values[name] = parsed.data;
    else
      problems.push(
        ...parsed.error.issues.map(
          (issue) => `${name}=${JSON.stringify(setting.shown?.(given ?? '') ?? given ?? '')}: ${issue.message}`,
        ),
      );
  }
  return { values: values as SettingValues, problems };
}
