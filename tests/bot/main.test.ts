import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_MS } from '../support/bot-harness.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { copyOfCorpus, makeTinyModel, PROJECT_ROOT, removeTempDirs, tempDir } from '../support/fixtures.js';

const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = path.join(PROJECT_ROOT, 'src', 'bot', 'main.ts');
const REGISTER = path.join(PROJECT_ROOT, 'src', 'bot', 'deploy-commands.ts');

interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<Exited>;
}

/**
 * `npm start` as a real process, in an empty directory (so a developer's
 * .env cannot interfere) and with only the settings given (not the parent's
 * environment, which may hold a real token).
 */
async function startMain(env: Record<string, string>, script = MAIN): Promise<Running> {
  const cwd = await tempDir('bot-cwd-');
  const child = spawn(TSX, [script], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exited>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const STACK_FRAME = /^\s+at /m;

afterAll(async () => {
  await removeTempDirs();
});

describe('given no DISCORD_TOKEN', () => {
  it('then `npm start` exits 1 with how to create a token, where to put it, and that `npm run ask` works without Discord', async () => {
    const main = await startMain({ DISCORD_TOKEN: '' });
    const { code } = await main.exited;

    expect(code).toBe(1);
    const message = main.stderr();
    expect(message).toContain('DISCORD_TOKEN is not set');
    expect(message).toContain('https://discord.com/developers/applications');
    expect(message).toContain('Reset Token');
    expect(message).toContain('DISCORD_TOKEN=your-token-here');
    expect(message).toContain('.env');
    expect(message).toContain('scope=bot+applications.commands');
    expect(message).toContain('npm run ask -- "your question"');
    expect(message).not.toMatch(STACK_FRAME);
  });
});

describe('given an invalid setting', () => {
  it('then `npm start` exits 1 naming it, without a stack trace', async () => {
    const main = await startMain({ DISCORD_TOKEN: 'x'.repeat(70), TOP_K: '99' });
    const { code } = await main.exited;

    expect(code).toBe(1);
    expect(main.stderr()).toContain('TOP_K="99": expected at most 10');
    expect(main.stderr()).not.toMatch(STACK_FRAME);
  });
});

describe('given a running bot process', () => {
  let fake: FakeDiscord;

  beforeAll(async () => {
    fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS });
  });

  afterAll(async () => {
    await fake?.close();
  });

  it('then it answers, and on SIGTERM it closes the gateway connection and exits 0, the token never logged', async () => {
    const main = await startMain({
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      EMBEDDING_MODEL: await makeTinyModel(),
      CORPUS_PATH: await copyOfCorpus(),
      INDEX_DIR: await tempDir('index-'),
      MIN_SCORE: '0',
      LOG_FORMAT: 'json',
    });
    try {
      await waitUntil(
        () => main.stderr().includes('ready: answering questions') || main.child.exitCode !== null,
        30_000,
        'the bot to be ready',
      );
      expect(main.child.exitCode, 'the bot exited before it was ready').toBeNull();
      expect(fake.globalCommands.map((command) => command.name)).toEqual([
        'ask',
        'read',
        'about',
        'help',
        'reindex',
        'stats',
        'corpus',
        'Ask the article',
      ]);

      const state = await fake.sendInteraction({ name: 'ask', options: { question: '博通' } }).settled(15_000);
      expect(state.embeds[0]!.title).toMatch(/paragraph 24$/);

      main.child.kill('SIGTERM');
      const { code } = await main.exited;
      expect(code).toBe(0);
      expect(fake.gatewayCloses.some((close) => close.by === 'client')).toBe(true);
      expect(main.stderr()).toContain('"msg":"stopped"');
      expect(main.stderr()).not.toContain(fake.token);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- the bot's stderr ---\n${main.stderr()}`, { cause: error });
    } finally {
      if (main.child.exitCode === null) main.child.kill('SIGKILL');
    }
  });
});

describe('given `npm run register`', () => {
  let fake: FakeDiscord;

  beforeAll(async () => {
    fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS });
  });

  afterAll(async () => {
    await fake?.close();
  });

  it('then it registers the commands to DISCORD_GUILD_ID without logging in to the gateway, says so, and exits 0', async () => {
    const register = await startMain(
      { DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, DISCORD_GUILD_ID: fake.guildId },
      REGISTER,
    );
    const { code } = await register.exited;

    expect(code, register.stderr()).toBe(0);
    expect(register.stdout()).toBe(
      `Registered /ask, /read, /about, /help, /reindex, /stats, /corpus and the message command “Ask the article” in the server ${fake.guildId}; they are available there now.\n`,
    );
    expect(fake.guildCommands.get(fake.guildId)?.map((command) => command.name)).toEqual([
      'ask',
      'read',
      'about',
      'help',
      'reindex',
      'stats',
      'corpus',
      'Ask the article',
    ]);
    expect(fake.connectionCount).toBe(0);
  });

  it('then a rejected token is explained, without a stack trace', async () => {
    fake.failNext({ method: 'GET', pathPattern: /^\/applications\/@me$/, status: 401 });
    const register = await startMain({ DISCORD_TOKEN: 'y'.repeat(70), DISCORD_API_URL: fake.apiUrl }, REGISTER);
    const { code } = await register.exited;

    expect(code).toBe(1);
    expect(register.stderr()).toContain('Discord rejected DISCORD_TOKEN');
    expect(register.stderr()).not.toMatch(STACK_FRAME);
  });
});
