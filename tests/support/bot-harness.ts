import { expect } from 'vitest';
import type { APIEmbed } from 'discord.js';
import type { Config } from '../../src/config/config.js';
import type { Logger } from '../../src/logger.js';
import type { KnowledgeBase } from '../../src/core/knowledge-base.js';
import { createBot, type Bot } from '../../src/bot/bot.js';
import type { QuestionStore } from '../../src/store/question-store.js';
import type { FakeDiscord, JsonObject } from './fake-discord.js';
import { capturingLogger, copyOfCorpus, tempDir, testConfig, type CapturedLogger } from './fixtures.js';

/** Gateway heartbeats this often keep tests quick without flooding the fake. */
export const HEARTBEAT_MS = 250;

/** A user id listed in ADMIN_USER_IDS by {@link startBot}. */
export const ADMIN_USER_ID = '100000000000000001';

/** Manage Server (plus the everyday permissions), as a decimal string like Discord sends. */
export const MANAGE_GUILD_PERMISSIONS = ((1n << 5n) | (1n << 10n) | (1n << 11n) | (1n << 31n)).toString();

export interface RunningBot {
  bot: Bot;
  config: Config;
  log: CapturedLogger;
  corpusPath: string;
}

export interface StartBotOptions {
  /** Extra settings, as environment variables. */
  env?: Record<string, string>;
  /** The tiny model's directory; required unless openKnowledgeBase is given. */
  modelDir?: string;
  corpusPath?: string;
  /** Loads the knowledge base instead of the configured model (given the bot's settings and logger). */
  openKnowledgeBase?: (config: Config, logger: Logger) => Promise<KnowledgeBase>;
  /** Wait for the knowledge base too (default true). */
  waitForKnowledgeBase?: boolean;
  /** The captured log's level (default info). */
  logLevel?: string;
  /** The question log, to read what was recorded; by default one in a temporary DATA_DIR. */
  questionLog?: QuestionStore;
  /** An index directory to reuse (a restart); a fresh one by default. */
  indexDir?: string;
}

/**
 * The bot, in-process, pointed at the fake Discord through DISCORD_API_URL:
 * a fresh corpus copy and index directory, every question answered
 * (MIN_SCORE=0: the tiny model has no semantics, so its scores mean little),
 * and its log kept in memory.
 */
export async function startBot(fake: FakeDiscord, options: StartBotOptions = {}): Promise<RunningBot> {
  const corpusPath = options.corpusPath ?? (await copyOfCorpus());
  const config = testConfig({
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    ...(options.modelDir ? { EMBEDDING_MODEL: options.modelDir } : {}),
    CORPUS_PATH: corpusPath,
    INDEX_DIR: options.indexDir ?? (await tempDir('index-')),
    MIN_SCORE: '0',
    ADMIN_USER_IDS: ADMIN_USER_ID,
    ...options.env,
  });
  // The program's own logger, scrubbing the token as `npm start` does.
  const log = capturingLogger(options.logLevel ?? 'info', [fake.token]);
  const open = options.openKnowledgeBase;
  const bot = createBot({
    config,
    logger: log.logger,
    openKnowledgeBase: open ? () => open(config, log.logger) : undefined,
    questionLog: options.questionLog,
    clientOptions: fake.clientOptions(),
  });
  await bot.start();
  if (options.waitForKnowledgeBase ?? true) await bot.ready;
  return { bot, config, log, corpusPath };
}

/** Every text of an embed, for searching it. */
export function embedText(embed: JsonObject | APIEmbed): string {
  return [
    embed.title,
    embed.description,
    embed.footer?.text,
    embed.author?.name,
    ...(embed.fields ?? []).flatMap((field: { name: string; value: string }) => [field.name, field.value]),
  ]
    .filter(Boolean)
    .join('\n');
}

/** Asserts every limit Discord puts on a message. */
export function expectWithinDiscordLimits(message: {
  content?: string | null;
  embeds?: Array<JsonObject | APIEmbed>;
}): void {
  const length = (text: unknown) => (typeof text === 'string' ? [...text].length : 0);
  expect(length(message.content)).toBeLessThanOrEqual(2000);
  const embeds = message.embeds ?? [];
  expect(embeds.length).toBeLessThanOrEqual(10);
  let total = 0;
  for (const embed of embeds) {
    expect(length(embed.title)).toBeLessThanOrEqual(256);
    expect(length(embed.description)).toBeLessThanOrEqual(4096);
    expect(length(embed.footer?.text)).toBeLessThanOrEqual(2048);
    expect(length(embed.author?.name)).toBeLessThanOrEqual(256);
    expect((embed.fields ?? []).length).toBeLessThanOrEqual(25);
    total += length(embed.title) + length(embed.description) + length(embed.footer?.text) + length(embed.author?.name);
    for (const field of embed.fields ?? []) {
      expect(length(field.name)).toBeLessThanOrEqual(256);
      expect(length(field.value)).toBeLessThanOrEqual(1024);
      total += length(field.name) + length(field.value);
    }
  }
  expect(total).toBeLessThanOrEqual(6000);
}

/** Log lines at error level or above: a healthy run has none. */
export function errorLines(log: CapturedLogger): Array<Record<string, unknown>> {
  return log.lines().filter((line) => typeof line.level === 'number' && line.level >= 50);
}

/** A promise and the functions that settle it, for controlling when a "slow" step finishes. */
export function controllable<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
