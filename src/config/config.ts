import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { maskPassword, readSettings, type Environment, type SettingValues } from './settings.js';

export { DEFAULT_MODEL } from './settings.js';

/**
 * Every setting of the program, parsed once at start-up. Nothing else in the
 * code base reads `process.env`: entry points call {@link readConfig} and pass
 * the typed object down. Defaults live in `settings.ts`, nowhere else.
 */
export interface Config {
  discord: {
    token: string | undefined;
    guildId: string | undefined;
    apiUrl: string | undefined;
    registerCommands: boolean;
    adminUserIds: readonly string[];
    /** The gateway shards this process runs (SHARD_COUNT, SHARD_IDS); undefined: every shard, as Discord recommends. */
    shards: { count: number; ids: readonly number[] } | undefined;
  };
  /** PostgreSQL shared by every process (DATABASE_URL); undefined: SQLite in DATA_DIR, this process only. */
  database:
    | {
        url: string;
        /** The URL with its password masked, for messages and logs. */
        shownUrl: string;
      }
    | undefined;
  corpusPath: string;
  /** Articles may be fetched from loopback, private and link-local addresses (ALLOW_PRIVATE_URLS). */
  allowPrivateUrls: boolean;
  indexDir: string;
  embedding: {
    model: string;
    /** True when `model` names a local directory: nothing is ever fetched then. */
    isLocalDirectory: boolean;
    cacheDir: string;
    /** Where hub models are downloaded from (HF_ENDPOINT): the hub or a mirror. */
    hubEndpoint: string;
    quantized: boolean;
    queryPrefix: string;
    passagePrefix: string;
    batchSize: number;
    /** Seconds one text may take in the model before its process counts as hung. */
    timeoutSeconds: number;
    maxRestartsPerMinute: number;
  };
  retrieval: {
    topK: number;
    /** Overrides the per-model calibrated "relevant enough to quote" threshold. */
    minScore: number | undefined;
  };
  limits: {
    maxQuestionLength: number;
    rateLimitCount: number;
    rateLimitWindowMs: number;
  };
  /** The question log: where it lives and what it may keep (docs/operations.md#privacy). */
  questionLog: {
    dataDir: string;
    /** Keep question texts, servers and askers' hashes; false keeps counts only. */
    keepQuestions: boolean;
    /** Keep the text of questions asked outside servers (DMs). */
    keepDmText: boolean;
    retentionDays: number;
  };
  log: {
    level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
    format: 'auto' | 'json' | 'pretty';
  };
  /** The /metrics and /healthz server; off when `port` is undefined. */
  metrics: {
    port: number | undefined;
    host: string;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration (set these in the environment or in .env; see .env.example):\n` +
        problems.map((problem) => `  - ${problem}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** e5-family models were trained with these prefixes and score poorly without them. */
function defaultPrefixes(model: string): { query: string; passage: string } {
  return /(^|[/_-])e5([_-]|$)/i.test(model) ? { query: 'query: ', passage: 'passage: ' } : { query: '', passage: '' };
}

/** A model setting is a directory when it is written as a path (a model id is `owner/name`). */
function looksLikePath(model: string): boolean {
  return (
    path.isAbsolute(model) ||
    model.startsWith('./') ||
    model.startsWith('../') ||
    model.startsWith('~') ||
    model === '.'
  );
}

function isDirectory(candidate: string): boolean {
  return existsSync(candidate) && statSync(candidate).isDirectory();
}

/** SHARD_IDS means nothing without SHARD_COUNT, and every id must be below it. */
function shardProblems(values: SettingValues): string[] {
  const ids = values.SHARD_IDS;
  if (ids === undefined) return [];
  if (values.SHARD_COUNT === undefined)
    return ['SHARD_IDS: needs SHARD_COUNT, the number of shards of the whole deployment (e.g. SHARD_COUNT=2)'];
  const beyond = ids.filter((id) => id >= values.SHARD_COUNT!);
  return beyond.length === 0
    ? []
    : [
        `SHARD_IDS: shard ${beyond.join(', ')} is not below SHARD_COUNT=${values.SHARD_COUNT} (shards are numbered from 0 to ${values.SHARD_COUNT - 1})`,
      ];
}

/**
 * Parses settings from an environment-like object. Pure: it never reads
 * `process.env` itself, so tests pass exactly what they mean.
 */
export function parseConfig(env: Environment, cwd = process.cwd()): Config {
  const { values, problems } = readSettings(env);
  if (problems.length === 0) problems.push(...shardProblems(values));
  if (problems.length > 0) throw new ConfigError(problems);
  const resolve = (value: string) =>
    path.resolve(cwd, value.startsWith('~') ? value.replace(/^~/, env.HOME ?? '~') : value);
  const model = values.EMBEDDING_MODEL;
  const isLocalDirectory = looksLikePath(model) || isDirectory(resolve(model));
  const prefixes = defaultPrefixes(model);

  return {
    discord: {
      token: values.DISCORD_TOKEN,
      guildId: values.DISCORD_GUILD_ID,
      apiUrl: values.DISCORD_API_URL?.replace(/\/+$/, ''),
      registerCommands: values.REGISTER_COMMANDS,
      adminUserIds: values.ADMIN_USER_IDS ?? [],
      shards:
        values.SHARD_COUNT === undefined
          ? undefined
          : {
              count: values.SHARD_COUNT,
              ids: values.SHARD_IDS ?? Array.from({ length: values.SHARD_COUNT }, (_, id) => id),
            },
    },
    database: values.DATABASE_URL
      ? { url: values.DATABASE_URL, shownUrl: maskPassword(values.DATABASE_URL) }
      : undefined,
    corpusPath: resolve(values.CORPUS_PATH),
    allowPrivateUrls: values.ALLOW_PRIVATE_URLS,
    indexDir: resolve(values.INDEX_DIR),
    embedding: {
      model: isLocalDirectory ? resolve(model) : model,
      isLocalDirectory,
      cacheDir: resolve(values.MODEL_CACHE_DIR),
      hubEndpoint: values.HF_ENDPOINT.replace(/\/+$/, ''),
      quantized: values.MODEL_QUANTIZED,
      queryPrefix: values.QUERY_PREFIX ?? prefixes.query,
      passagePrefix: values.PASSAGE_PREFIX ?? prefixes.passage,
      batchSize: values.EMBED_BATCH_SIZE,
      timeoutSeconds: values.MODEL_TIMEOUT_SECONDS,
      maxRestartsPerMinute: values.MODEL_RESTARTS_PER_MINUTE,
    },
    retrieval: {
      topK: values.TOP_K,
      minScore: values.MIN_SCORE,
    },
    limits: {
      maxQuestionLength: values.MAX_QUESTION_LENGTH,
      rateLimitCount: values.RATE_LIMIT_COUNT,
      rateLimitWindowMs: values.RATE_LIMIT_WINDOW_SECONDS * 1000,
    },
    questionLog: {
      dataDir: resolve(values.DATA_DIR),
      keepQuestions: values.LOG_QUESTIONS,
      keepDmText: values.LOG_DM_TEXT,
      retentionDays: values.LOG_RETENTION_DAYS,
    },
    log: {
      level: values.LOG_LEVEL,
      format: values.LOG_FORMAT,
    },
    metrics: {
      port: values.METRICS_PORT,
      host: values.METRICS_HOST,
    },
  };
}

/**
 * The one place that touches the process environment: loads `.env` (without
 * overriding variables already set) and parses the result.
 */
export function readConfig(): Config {
  dotenv.config({ quiet: true });
  return parseConfig(process.env);
}
