import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { z } from 'zod';

/**
 * Every setting of the program, parsed once at start-up. Nothing else in the
 * code base reads `process.env`: entry points call {@link readConfig} and pass
 * the typed object down.
 */
export interface Config {
  discord: {
    token: string | undefined;
    guildId: string | undefined;
    apiUrl: string | undefined;
    registerCommands: boolean;
    adminUserIds: readonly string[];
  };
  corpusPath: string;
  indexDir: string;
  embedding: {
    model: string;
    /** True when `model` names a local directory: nothing is ever fetched then. */
    isLocalDirectory: boolean;
    cacheDir: string;
    quantized: boolean;
    queryPrefix: string;
    passagePrefix: string;
    batchSize: number;
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
  log: {
    level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
    format: 'auto' | 'json' | 'pretty';
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

export const DEFAULT_MODEL = 'Xenova/multilingual-e5-small';

const snowflake = /^\d{17,20}$/;

const booleanText = z
  .string()
  .trim()
  .toLowerCase()
  .refine((value) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(value), {
    message: 'expected true or false',
  })
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

function integer(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, `expected a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `expected at least ${min}`).max(max, `expected at most ${max}`));
}

/** Empty strings in .env mean "not set", as users expect from `FOO=`. */
function optional<T extends z.ZodTypeAny>(schema: T) {
  return z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional());
}

const environmentSchema = z.object({
  DISCORD_TOKEN: optional(z.string().trim().min(20, 'expected the bot token from the Discord developer portal (Bot → Reset Token)')),
  DISCORD_GUILD_ID: optional(z.string().trim().regex(snowflake, 'expected a server id (a 17–20 digit number; right-click the server → Copy Server ID)')),
  DISCORD_API_URL: optional(z.string().trim().url('expected a URL such as https://discord.com/api')),
  REGISTER_COMMANDS: optional(booleanText),
  ADMIN_USER_IDS: optional(
    z
      .string()
      .transform((value) => value.split(/[\s,]+/).filter(Boolean))
      .refine((ids) => ids.every((id) => snowflake.test(id)), {
        message: 'expected a comma-separated list of user ids (17–20 digit numbers)',
      }),
  ),
  CORPUS_PATH: optional(z.string()),
  INDEX_DIR: optional(z.string()),
  EMBEDDING_MODEL: optional(z.string().trim()),
  MODEL_CACHE_DIR: optional(z.string()),
  MODEL_QUANTIZED: optional(booleanText),
  // Prefixes may legitimately be set to an empty string, so no `optional()` emptiness rule here.
  QUERY_PREFIX: z.string().optional(),
  PASSAGE_PREFIX: z.string().optional(),
  EMBED_BATCH_SIZE: optional(integer(1, 256)),
  TOP_K: optional(integer(1, 10)),
  MIN_SCORE: optional(
    z
      .string()
      .trim()
      .regex(/^-?\d+(\.\d+)?$/, 'expected a number between 0 and 1, e.g. 0.82')
      .transform(Number)
      .pipe(z.number().min(0, 'expected at least 0').max(1, 'expected at most 1')),
  ),
  MAX_QUESTION_LENGTH: optional(integer(10, 4000)),
  RATE_LIMIT_COUNT: optional(integer(1, 1000)),
  RATE_LIMIT_WINDOW_SECONDS: optional(integer(1, 3600)),
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
  LOG_FORMAT: optional(z.enum(['auto', 'json', 'pretty'])),
});

/** e5-family models were trained with these prefixes and score poorly without them. */
function defaultPrefixes(model: string): { query: string; passage: string } {
  return /(^|[/_-])e5([_-]|$)/i.test(model) ? { query: 'query: ', passage: 'passage: ' } : { query: '', passage: '' };
}

/** A model setting is a directory when it is written as a path (a model id is `owner/name`). */
function looksLikePath(model: string): boolean {
  return path.isAbsolute(model) || model.startsWith('./') || model.startsWith('../') || model.startsWith('~') || model === '.';
}

function isDirectory(candidate: string): boolean {
  return existsSync(candidate) && statSync(candidate).isDirectory();
}

/**
 * Parses settings from an environment-like object. Pure: it never reads
 * `process.env` itself, so tests pass exactly what they mean.
 */
export function parseConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = issue.path.join('.') || '(environment)';
        return `${variable}=${JSON.stringify(env[variable] ?? '')}: ${issue.message}`;
      }),
    );
  }
  const values = parsed.data;
  const model = values.EMBEDDING_MODEL ?? DEFAULT_MODEL;
  const resolve = (value: string) => path.resolve(cwd, value.startsWith('~') ? value.replace(/^~/, env.HOME ?? '~') : value);
  const isLocalDirectory = looksLikePath(model) || isDirectory(resolve(model));
  const prefixes = defaultPrefixes(model);

  return {
    discord: {
      token: values.DISCORD_TOKEN,
      guildId: values.DISCORD_GUILD_ID,
      apiUrl: values.DISCORD_API_URL?.replace(/\/+$/, ''),
      registerCommands: values.REGISTER_COMMANDS ?? true,
      adminUserIds: values.ADMIN_USER_IDS ?? [],
    },
    corpusPath: resolve(values.CORPUS_PATH ?? 'corpus'),
    indexDir: resolve(values.INDEX_DIR ?? 'embeddings'),
    embedding: {
      model: isLocalDirectory ? resolve(model) : model,
      isLocalDirectory,
      cacheDir: resolve(values.MODEL_CACHE_DIR ?? '.cache/models'),
      quantized: values.MODEL_QUANTIZED ?? true,
      queryPrefix: values.QUERY_PREFIX ?? prefixes.query,
      passagePrefix: values.PASSAGE_PREFIX ?? prefixes.passage,
      batchSize: values.EMBED_BATCH_SIZE ?? 16,
    },
    retrieval: {
      topK: values.TOP_K ?? 3,
      minScore: values.MIN_SCORE,
    },
    limits: {
      maxQuestionLength: values.MAX_QUESTION_LENGTH ?? 500,
      rateLimitCount: values.RATE_LIMIT_COUNT ?? 5,
      rateLimitWindowMs: (values.RATE_LIMIT_WINDOW_SECONDS ?? 30) * 1000,
    },
    log: {
      level: values.LOG_LEVEL ?? 'info',
      format: values.LOG_FORMAT ?? 'auto',
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
