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
