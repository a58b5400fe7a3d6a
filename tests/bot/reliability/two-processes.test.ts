import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_USER_ID, embedText, HEARTBEAT_MS } from '../../support/bot-harness.js';
import { FakeDiscord, shardOf, type InteractionState, type MessageRecord } from '../../support/fake-discord.js';
import { copyOfCorpus, makeTinyModel, removeTempDirs, tempDir } from '../../support/fixtures.js';
import { freeLoopbackPort, startPostgres, type TestPostgres } from '../../support/postgres.js';
import { runScript, type Running } from '../../support/processes.js';
import { quotedParagraphs, replyTo } from '../../support/reliability.js';

/**
 * Two bot processes, as two machines would run them: `npm start` with
 * SHARD_COUNT=2 and SHARD_IDS=0 or 1, one PostgreSQL between them, and the
 * fake Discord serving a guild on each shard, and DMs (which arrive on shard 0).
 */
interface BotProcess {
  running: Running;
  metricsPort: number;
}

let fake: FakeDiscord;
let server: TestPostgres;
let processes: BotProcess[];
/** The guild on shard 0 and the guild on shard 1. */
let guilds: [string, string];

const RATE_LIMIT = 3;
/** A document for /corpus add: its second paragraph answers 台积电的先进封装. */
const NOTE =
  '# 补充说明\n\n苹果公司没有参与这场竞争,它在人工智能上另有打算。\n\n台积电的产能依旧紧张,先进封装供不应求。\n';

async function startProcess(shard: number, common: Record<string, string>): Promise<BotProcess> {
  const metricsPort = await freeLoopbackPort();
  const running = await runScript('src/bot/main.ts', [], {
    ...common,
    SHARD_IDS: String(shard),
    INDEX_DIR: await tempDir('index-'),
    METRICS_PORT: String(metricsPort),
  });
  return { running, metricsPort };
}

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, guildCount: 2 });
  guilds = [0, 1].map((shard) => fake.guildIds.find((guildId) => shardOf(guildId, 2) === shard)!) as [string, string];
  server = await startPostgres();
  const common = {
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    EMBEDDING_MODEL: await makeTinyModel(),
    CORPUS_PATH: await copyOfCorpus(),
    MIN_SCORE: '0',
    ADMIN_USER_IDS: ADMIN_USER_ID,
    RATE_LIMIT_COUNT: String(RATE_LIMIT),
    DATABASE_URL: await server.createDatabase(),
    SHARD_COUNT: '2',
    LOG_FORMAT: 'json',
  };
  processes = await Promise.all([startProcess(0, common), startProcess(1, common)]);
  await Promise.all(
    processes.map(({ running }) =>
      running.waitForStderr((stderr) => stderr.includes('"msg":"ready: answering questions"'), 90_000, 'ready'),
    ),
  );
}, 120_000);

afterAll(async () => {
  for (const { running } of processes ?? []) {
    if (running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill('SIGTERM');
      await running.exited;
    }
  }
  await fake?.close();
  await server?.stop();
  await removeTempDirs();
});

let users = 0;
function newUser(): string {
  users += 1;
  return `20000000000000${String(users).padStart(4, '0')}`;
}

function mention(guildId: string, authorId = newUser(), content = 'What is the Jevons paradox?'): MessageRecord {
  return fake.sendMessage({ content, mentionBot: true, guildId, authorId });
}

function dm(authorId = newUser()): MessageRecord {
  return fake.sendMessage({ content: 'What is the Jevons paradox?', dm: true, authorId });
}

/** Questions a process counted, by its /metrics. */
async function questionsCounted({ metricsPort }: BotProcess): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return [...text.matchAll(/^article_bot_questions_total\{[^}]*\} (\d+)$/gm)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
}

/** Passage windows a process's index builds embedded, and took from the shared cache, by its /metrics. */
async function windowsBuilt({ metricsPort }: BotProcess): Promise<{ embedded: number; fromCache: number }> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const sample = (vector: string) =>
    Number(new RegExp(`^article_bot_index_windows_built_total\\{vector="${vector}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
  return { embedded: sample('embedded'), fromCache: sample('from_cache') };
}

function stats(guildId: string): Promise<InteractionState> {
  return fake.sendInteraction({ name: 'stats', guildId, userId: ADMIN_USER_ID }).settled(10_000);
}

function field(state: InteractionState, name: string): string | undefined {
  return state.embeds[0]?.fields?.find((candidate: { name: string }) => candidate.name === name)?.value;
}

/** Asks /stats through the process of `guildId` until `check` holds (the other process writes its log after replying). */
async function statsUntil(guildId: string, check: (state: InteractionState) => boolean): Promise<InteractionState> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const state = await stats(guildId);
    if (check(state) || Date.now() > deadline) return state;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

let answerOnShard0: MessageRecord;

describe('given two processes, one per shard, sharing PostgreSQL', () => {
  it('then each registers nothing but the process of shard 0, which registers once', () => {
    expect(fake.requestsTo('PUT', /commands$/)).toHaveLength(1);
    expect(fake.identifyPayloads.map((identify) => identify.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
  });

  it('then every question is answered exactly once, by the process that owns its shard', async () => {
    const asked = [mention(guilds[0]), mention(guilds[1]), dm()];
    const replies = await Promise.all(asked.map((message) => replyTo(fake, message)));
    for (const reply of replies) expect(quotedParagraphs(reply).length).toBeGreaterThan(0);
    answerOnShard0 = replies[0]!;

    // The guild on shard 0 and the DM went to the first process, the guild on shard 1 to the second. A process
    // counts a question once its handler is done, just after the reply: wait for the three to be counted.
    const deadline = Date.now() + 10_000;
    const counted = async () => (await Promise.all(processes.map(questionsCounted))).reduce((sum, n) => sum + n, 0);
    while ((await counted()) < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await questionsCounted(processes[0]!)).toBe(2);
    expect(await questionsCounted(processes[1]!)).toBe(1);
    for (const message of asked)
      expect(fake.botMessages(message.channelId).filter((reply) => reply.replyTo === message.id)).toHaveLength(1);
  });

  it('then /stats through either process counts the questions of both', async () => {
    for (const guildId of guilds) {
      const state = await statsUntil(guildId, (candidate) => field(candidate, 'Questions') === '3');
      expect(field(state, 'Questions')).toBe('3');
    }
  });

  it('then a vote cast through one process is seen by the other', async () => {
    const down = answerOnShard0.components
      .flatMap((row) => row.components as Array<{ custom_id?: string }>)
      .map((component) => component.custom_id)
      .find((customId) => customId?.startsWith('ans1:d:'));
    const vote = await fake.clickButton(answerOnShard0, down!, { userId: newUser() }).done;
    expect(vote.content).toContain('👎');

    const state = await statsUntil(guilds[1], (candidate) => field(candidate, 'Feedback') === '👍 0 · 👎 1');
    expect(field(state, 'Feedback')).toBe('👍 0 · 👎 1');
  });

  it('then a user who reached the limit in DMs (shard 0) is limited in a server on shard 1 too', async () => {
    const user = newUser();
    for (let index = 0; index < RATE_LIMIT; index++) {
      const reply = await replyTo(fake, dm(user));
      expect(quotedParagraphs(reply).length).toBeGreaterThan(0);
    }
    const refused = await replyTo(fake, mention(guilds[1], user));
    expect([refused.content, ...refused.embeds.map(embedText)].join('\n')).toMatch(
      /Slow down a little: you can ask 3 questions every 30 s/,
    );
  });

  it('then the article was embedded once between them: one process built its index, the other took every vector from the shared cache', async () => {
    const built = await Promise.all(processes.map(windowsBuilt));
    const [builder, reuser] = built[0]!.embedded > 0 ? built : [built[1]!, built[0]!];
    expect(builder!.embedded).toBeGreaterThan(0);
    expect(reuser).toEqual({ embedded: 0, fromCache: builder!.embedded });
  });

  it('then /corpus add through the process of shard 1 is answered from by the process of shard 0 within 10 s, which embedded it 0 times itself', async () => {
    const [before0, before1] = await Promise.all(processes.map(windowsBuilt));
    const sent = Date.now();
    const added = fake.sendInteraction({
      name: 'corpus',
      subcommand: 'add',
      options: { file: { filename: 'note.md', data: NOTE } },
      guildId: guilds[1],
      userId: ADMIN_USER_ID,
    });
    await added.waitFor((state) => /^Added /.test(state.content ?? ''), 20_000);
    expect((await added.settled()).content!.split('\n')[0]).toBe('Added note.md (UTF-8, 2 passages).');

    // Shard 0's process learns of the change and rebuilds; asked until it answers from the new document, for 10 s.
    let fromNote: MessageRecord | undefined;
    while (!fromNote && Date.now() - sent < 10_000) {
      const reply = await replyTo(fake, mention(guilds[0], newUser(), '台积电的先进封装'));
      if (reply.embeds.some((embed) => String(embed.description).includes('先进封装'))) fromNote = reply;
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(fromNote, 'an answer from note.md through shard 0 within 10 s').toBeDefined();

    const [after0, after1] = await Promise.all(processes.map(windowsBuilt));
    expect(after0!.embedded - before0!.embedded).toBe(0);
    expect(after1!.embedded - before1!.embedded).toBe(2);
    const about = await fake.sendInteraction({ name: 'about', guildId: guilds[0] }).settled(10_000);
    expect(field(about, 'Shared corpus')).toBe(
      `Version 2, the same for every process of the bot. This process embedded ${after0!.embedded} passages for its index and took ${after0!.fromCache} from the shared cache.`,
    );
  });

  it('then, the second process killed, the first keeps answering its own shard and DMs', async () => {
    const second = processes[1]!.running;
    second.child.kill('SIGKILL');
    await second.exited;
    for (const message of [mention(guilds[0]), dm()]) {
      const reply = await replyTo(fake, message);
      expect(quotedParagraphs(reply).length).toBeGreaterThan(0);
    }
  });
});
