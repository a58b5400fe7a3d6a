import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_MODEL, parseConfig } from '../../src/config/config.js';

describe('given an empty environment', () => {
  const config = parseConfig({}, '/srv/bot');

  it('then the defaults are the shipped corpus, embeddings/ and the e5 model with its prefixes', () => {
    expect(config.corpusPath).toBe('/srv/bot/corpus');
    expect(config.indexDir).toBe('/srv/bot/embeddings');
    expect(config.embedding.model).toBe(DEFAULT_MODEL);
    expect(config.embedding.isLocalDirectory).toBe(false);
    expect(config.embedding.queryPrefix).toBe('query: ');
    expect(config.embedding.passagePrefix).toBe('passage: ');
    expect(config.discord.registerCommands).toBe(true);
    expect(config.discord.token).toBeUndefined();
  });

  it('then the question log lives in data/, keeps question texts but not DM texts, for 30 days', () => {
    expect(config.questionLog).toEqual({
      dataDir: '/srv/bot/data',
      keepQuestions: true,
      keepDmText: false,
      retentionDays: 30,
    });
  });
});

describe('given settings', () => {
  it('then a model path is a local directory and other models get no prefixes unless set', () => {
    const config = parseConfig({ EMBEDDING_MODEL: './models/mini' }, '/srv/bot');
    expect(config.embedding.model).toBe(path.resolve('/srv/bot/models/mini'));
    expect(config.embedding.isLocalDirectory).toBe(true);
    expect(config.embedding.queryPrefix).toBe('');
  });

  it('then prefixes can be overridden, even to empty', () => {
    const config = parseConfig({ QUERY_PREFIX: '', PASSAGE_PREFIX: 'doc: ' });
    expect(config.embedding.queryPrefix).toBe('');
    expect(config.embedding.passagePrefix).toBe('doc: ');
  });

  it('then lists, booleans and numbers are parsed', () => {
    const config = parseConfig({
      ADMIN_USER_IDS: '123456789012345678, 223456789012345678',
      REGISTER_COMMANDS: 'false',
      TOP_K: '5',
      MIN_SCORE: '0.8',
      DISCORD_API_URL: 'http://127.0.0.1:9999/api/',
    });
    expect(config.discord.adminUserIds).toEqual(['123456789012345678', '223456789012345678']);
    expect(config.discord.registerCommands).toBe(false);
    expect(config.retrieval).toEqual({ topK: 5, minScore: 0.8 });
    expect(config.discord.apiUrl).toBe('http://127.0.0.1:9999/api');
  });

  it('then an empty value means "not set"', () => {
    expect(parseConfig({ DISCORD_GUILD_ID: '', TOP_K: '' }).retrieval.topK).toBe(3);
  });
});

describe('given a bad value', () => {
  it.each([
    ['TOP_K', 'lots', /TOP_K="lots": expected a whole number/],
    ['MIN_SCORE', '2', /MIN_SCORE="2": expected at most 1/],
    ['DISCORD_GUILD_ID', 'my-server', /DISCORD_GUILD_ID="my-server": expected a server id/],
    ['REGISTER_COMMANDS', 'maybe', /REGISTER_COMMANDS="maybe": expected true or false/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud"/],
    ['LOG_RETENTION_DAYS', '0', /LOG_RETENTION_DAYS="0": expected at least 1/],
    ['LOG_DM_TEXT', 'sometimes', /LOG_DM_TEXT="sometimes": expected true or false/],
    ['ADMIN_USER_IDS', 'alice', /ADMIN_USER_IDS="alice": expected a comma-separated list of user ids/],
  ])('then %s=%s stops with a message naming the variable and what it expects', (variable, value, message) => {
    expect(() => parseConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [variable]: value })).toThrow(message);
  });
});

describe('given the shard settings', () => {
  it('then unset, the process runs every shard Discord recommends', () => {
    expect(parseConfig({}).discord.shards).toBeUndefined();
  });

  it('then SHARD_COUNT alone runs every shard of that many, and SHARD_IDS takes ids and ranges', () => {
    expect(parseConfig({ SHARD_COUNT: '3' }).discord.shards).toEqual({ count: 3, ids: [0, 1, 2] });
    expect(parseConfig({ SHARD_COUNT: '8', SHARD_IDS: '6, 0-2,4' }).discord.shards).toEqual({
      count: 8,
      ids: [0, 1, 2, 4, 6],
    });
  });

  it('then a bad combination stops start-up naming the variable', () => {
    const problems = (env: Record<string, string>) => {
      try {
        parseConfig(env);
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ SHARD_IDS: '0' })).toEqual([
      'SHARD_IDS: needs SHARD_COUNT, the number of shards of the whole deployment (e.g. SHARD_COUNT=2)',
    ]);
    expect(problems({ SHARD_COUNT: '2', SHARD_IDS: '1-3' })).toEqual([
      'SHARD_IDS: shard 2, 3 is not below SHARD_COUNT=2 (shards are numbered from 0 to 1)',
    ]);
    expect(problems({ SHARD_COUNT: '2', SHARD_IDS: ' , ' })).toEqual([
      'SHARD_IDS=" , ": expected at least one shard id, e.g. 0 or 0-3',
    ]);
    expect(problems({ SHARD_COUNT: '2', SHARD_IDS: '3-1' })).toEqual([
      'SHARD_IDS="3-1": expected shard ids or ranges such as 0-3 or 0,2 (not "3-1")',
    ]);
    expect(problems({ SHARD_COUNT: '0' })).toEqual(['SHARD_COUNT="0": expected at least 1']);
  });
});

describe('given DATABASE_URL', () => {
  it('then it is kept, with a copy whose password is masked for messages', () => {
    expect(parseConfig({ DATABASE_URL: 'postgres://bot:s3cret@db.example:5432/bot' }).database).toEqual({
      url: 'postgres://bot:s3cret@db.example:5432/bot',
      shownUrl: 'postgres://bot:***@db.example:5432/bot',
    });
    expect(parseConfig({}).database).toBeUndefined();
  });

  it('then a URL that is not PostgreSQL’s stops start-up, without repeating the password', () => {
    expect(() => parseConfig({ DATABASE_URL: 'mysql://bot:s3cret@db.example/bot' })).toThrow(
      'DATABASE_URL="mysql://bot:***@db.example/bot": expected a URL such as postgres://bot:password@db.example:5432/bot',
    );
  });
});
