import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { DiscordAPIError } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { startBot, type RunningBot } from '../../support/bot-harness.js';
import { FakeDiscord, snowflake } from '../../support/fake-discord.js';
import { makeTinyModel, PROJECT_ROOT, removeTempDirs, tempDir } from '../../support/fixtures.js';
import { runScript, STACK_FRAME } from '../../support/processes.js';
import { KNOWN_ANSWERS, quotedParagraphs, replyTo } from '../../support/reliability.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** A token shaped like Discord's: the bot id, a timestamp, and the secret HMAC part. */
const TOKEN = `${Buffer.from(snowflake()).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(28).toString('base64url')}`;
const SECRET_PART = TOKEN.split('.')[2]!;

function expectNoToken(text: string): void {
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(SECRET_PART);
}

describe('given a log line that carries the token, at every level and in both formats', () => {
  it.each(LEVELS.flatMap((level) => (['json', 'pretty'] as const).map((format) => [level, format] as const)))(
    'then at %s (%s) the line is written, with the token scrubbed wherever it was',
    (level, format) => {
      let text = '';
      const destination = new Writable({
        write(chunk, _encoding, callback) {
          text += chunk.toString();
          callback();
        },
      });
      const logger = createLogger({ level, format, destination, secrets: [TOKEN] });
      const apiError = new DiscordAPIError(
        { message: `Unauthorized: Bot ${TOKEN}`, code: 0 },
        0,
        401,
        'POST',
        `https://discord.com/api/v10/channels/1/messages?token=${TOKEN}`,
        { body: { content: TOKEN }, files: undefined },
      );
      logger[level](
        {
          err: apiError,
          token: TOKEN,
          headers: { authorization: `Bot ${TOKEN}` },
          nested: { deeper: [`url https://x/${TOKEN}/y`] },
        },
        `the token is ${TOKEN}`,
      );

      expect(text.length).toBeGreaterThan(0);
      expect(text).toContain('[redacted]');
      expectNoToken(text);
    },
  );
});

describe('given the bot running at LOG_LEVEL=trace', () => {
  let fake: FakeDiscord;
  let running: RunningBot;

  beforeAll(async () => {
    fake = await FakeDiscord.start({ token: TOKEN, heartbeatIntervalMs: 200, callbackDeadlineMs: 3000 });
    running = await startBot(fake, { modelDir: await makeTinyModel(), logLevel: 'trace' });
  });

  afterAll(async () => {
    await running?.bot.stop();
    await fake?.close();
  });

  it('then through login, questions, a reconnect and REST errors that quote the token, no log line holds it', async () => {
    expect(fake.identifyPayloads[0]?.token).toBe(TOKEN); // it did log in with it

    const state = await fake.sendInteraction({ name: 'ask', options: { question: KNOWN_ANSWERS[0]!.question } }).done;
    expect(quotedParagraphs(state)[0]).toBe(KNOWN_ANSWERS[0]!.paragraph);

    // A reply refused with an error that quotes the request, token and all (as a misbehaving proxy might).
    const refusedUser = snowflake();
    const refusedChannel = fake.dmChannelId(refusedUser);
    fake.failNext({
      method: 'POST',
      pathPattern: new RegExp(`^/channels/${refusedChannel}/messages$`),
      status: 403,
      body: {
        message: `Missing Access (Authorization: Bot ${TOKEN}; ${fake.apiUrl}/v10/channels/${refusedChannel}/messages)`,
        code: 50001,
      },
    });
    fake.sendMessage({ content: KNOWN_ANSWERS[1]!.question, dm: true, authorId: refusedUser });
    await fake.waitFor(
      () => running.log.lines().some((line) => line.msg === 'a reply could not be delivered'),
      5000,
      'the refusal to be logged',
    );

    // A reply that fails for good (an error line), and one rate limited (a warning).
    const failingUser = snowflake();
    const failingChannel = fake.dmChannelId(failingUser);
    fake.failNext({
      method: 'POST',
      pathPattern: new RegExp(`^/channels/${failingChannel}/messages$`),
      status: 500,
      count: 8,
    });
    fake.sendMessage({ content: KNOWN_ANSWERS[2]!.question, dm: true, authorId: failingUser });
    await fake.waitFor(
      () => running.log.lines().some((line) => line.msg === 'could not deliver the error reply'),
      10_000,
      'the failure to be logged',
    );
    const limitedUser = snowflake();
    fake.failNext({
      method: 'POST',
      pathPattern: new RegExp(`^/channels/${fake.dmChannelId(limitedUser)}/messages$`),
      status: 429,
      retryAfter: 0.05,
    });
    await replyTo(fake, fake.sendMessage({ content: KNOWN_ANSWERS[3]!.question, dm: true, authorId: limitedUser }));

    // A gateway reconnect: more chatter at trace.
    const resumes = fake.resumeCount;
    fake.requestReconnect();
    await fake.waitFor(() => fake.resumeCount > resumes, 5000, 'a resume');
    await fake.waitForGatewayReady(5000);
    expect(
      quotedParagraphs(await replyTo(fake, fake.sendMessage({ content: KNOWN_ANSWERS[4]!.question, dm: true }))).at(0),
    ).toBe(KNOWN_ANSWERS[4]!.paragraph);

    const lines = running.log.lines();
    // Every level the bot logs at was exercised, discord.js's own gateway and REST chatter included.
    expect(new Set(lines.map((line) => line.level))).toEqual(new Set([10, 30, 40, 50]));
    expect(lines.some((line) => line.source === 'gateway' && /Provided token/.test(String(line.msg)))).toBe(true);
    expect(lines.some((line) => line.source === 'rest')).toBe(true);
    // The token reached the logger (in the refusal's message) and was scrubbed.
    expect(lines.find((line) => line.msg === 'a reply could not be delivered')?.err).toMatchObject({
      message: expect.stringContaining('Bot [redacted]'),
    });
    expectNoToken(running.log.text());
  });
});

describe('given a start-up failure whose message quotes the token', () => {
  it('then `npm start` and `npm run register` print it scrubbed, and exit 1 without a stack trace', async () => {
    const fake = await FakeDiscord.start({ heartbeatIntervalMs: 200 });
    try {
      const body = { message: `Missing Access for Bot ${TOKEN}`, code: 50001 };
      fake.failNext({ method: 'GET', pathPattern: /^\/gateway\/bot$/, status: 403, body });
      fake.failNext({ method: 'GET', pathPattern: /^\/applications\/@me$/, status: 403, body });
      const env = {
        DISCORD_TOKEN: TOKEN,
        DISCORD_API_URL: fake.apiUrl,
        EMBEDDING_MODEL: await makeTinyModel(),
        INDEX_DIR: await tempDir('index-'),
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'trace',
      };
      const [bot, register] = await Promise.all([
        runScript('src/bot/main.ts', [], env),
        runScript('src/bot/deploy-commands.ts', [], env),
      ]);
      const [botExit, registerExit] = await Promise.all([bot.exited, register.exited]);

      for (const [run, exit] of [
        [bot, botExit],
        [register, registerExit],
      ] as const) {
        expect(exit.code, run.stderr()).toBe(1);
        expect(run.stderr()).toContain('Discord refused the request (403: Missing Access for Bot [redacted])');
        expect(run.stderr()).not.toMatch(STACK_FRAME);
        expectNoToken(run.stderr() + run.stdout());
      }
    } finally {
      await fake.close();
    }
  }, 30_000);
});

describe('given the repository', () => {
  it('then .env (where the token goes) is git-ignored, and .env.example is not', async () => {
    if (existsSync(path.join(PROJECT_ROOT, '.git'))) {
      const run = promisify(execFile);
      await expect(run('git', ['check-ignore', '--quiet', '.env'], { cwd: PROJECT_ROOT })).resolves.toBeDefined();
      await expect(
        run('git', ['check-ignore', '--quiet', '.env.example'], { cwd: PROJECT_ROOT }),
      ).rejects.toMatchObject({ code: 1 });
    } else {
      const ignored = readFileSync(path.join(PROJECT_ROOT, '.gitignore'), 'utf8')
        .split('\n')
        .map((line) => line.trim());
      expect(ignored).toContain('.env');
      expect(ignored).not.toContain('.env.example');
    }
  });
});

afterAll(async () => {
  await removeTempDirs();
});
