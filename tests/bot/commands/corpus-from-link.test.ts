import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  errorLines,
  HEARTBEAT_MS,
  MANAGE_GUILD_PERMISSIONS,
  startBot,
  type RunningBot,
} from '../../support/bot-harness.js';
import { FakeDiscord, type InteractionState } from '../../support/fake-discord.js';
import { makeTinyModel, removeTempDirs } from '../../support/fixtures.js';
import { articlePage, page, redirect, startWebServer, type WebServer } from '../../support/web-server.js';

/**
 * `/corpus add url:` against pages served from 127.0.0.1. The bot here runs with
 * ALLOW_PRIVATE_URLS=true, as it must to reach a loopback server; the refusals of private
 * addresses (with the setting off) are in tests/core/corpus/web/page-fetch.test.ts and corpus.test.ts.
 */

const ADMIN = { memberPermissions: MANAGE_GUILD_PERMISSIONS };
const TITLE = 'DeepSeek为何能血洗美股';

let fake: FakeDiscord;
let running: RunningBot;
let web: WebServer;

beforeAll(async () => {
  web = await startWebServer({
    '/deepseek': page('text/html; charset=utf-8', articlePage()),
    '/moved': redirect('/deepseek', 301),
    '/empty': page('text/html', '<html><body><img src="a.png"></body></html>'),
    '/paper.pdf': page('application/pdf', Buffer.from('%PDF-1.7\n')),
    '/huge': page('text/html', `<p>${'大'.repeat(2_100_000)}</p>`),
  });
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, callbackDeadlineMs: 3000 });
  running = await startBot(fake, { modelDir: await makeTinyModel(), env: { ALLOW_PRIVATE_URLS: 'true' } });
});

afterAll(async () => {
  await running?.bot.stop();
  await fake?.close();
  await web?.close();
  await removeTempDirs();
});

function isFinal(state: InteractionState): boolean {
  if (state.embeds.length > 0) return true;
  return Boolean(state.content) && !/^(Adding|Replacing|Removing) /.test(state.content!);
}

function addLink(url: string, extra: Record<string, string | boolean> = {}): Promise<InteractionState> {
  const handle = fake.sendInteraction({ name: 'corpus', subcommand: 'add', options: { url, ...extra }, ...ADMIN });
  return handle.waitFor(isFinal, 30_000).then(() => handle.settled(30_000));
}

describe('given an admin adds the article from a link to its web page', () => {
  let state: InteractionState;
  beforeAll(async () => {
    state = await addLink(`${web.origin}/moved`);
  }, 60_000);

  it('then the article’s text, without the page around it, is added under its title, with its metadata beside it', async () => {
    expect(state.ephemeral).toBe(true);
    expect(state.content!.split('\n')[0]).toBe(`Added ${TITLE}.md from <${web.origin}/deepseek> (25 passages).`);
    const file = await readFile(path.join(running.corpusPath, `${TITLE}.md`), 'utf8');
    expect(file).toMatch(
      new RegExp(
        `^---\\ntitle: "${TITLE}"\\nbyline: "王维嘉"\\nsite_name: "示例新闻"\\npublished: "2025-01-28T08:00:00Z"\\nsource_url: "${web.origin}/deepseek"\\nfetched_at: "[^"]+"\\n---\\n`,
      ),
    );
    for (const noise of ['登录注册', '热门文章', '沙发', '版权所有']) expect(file).not.toContain(noise);
    const document = (await running.bot.ready).manifest.corpus.documents.find((entry) => entry.name === `${TITLE}.md`);
    expect(document?.metadata?.sourceUrl).toBe(`${web.origin}/deepseek`);
    expect(errorLines(running.log)).toEqual([]);
  });

  it('then a quote from it links to the quoted sentence on the page, and /about lists it with its byline and link', async () => {
    const answer = await fake.sendInteraction({ name: 'ask', options: { question: '杰文斯悖论是什么?' } }).done;
    const fromPage = answer.embeds.filter((embed) => embed.author?.name === TITLE);
    expect(fromPage.length).toBeGreaterThan(0);
    for (const embed of answer.embeds) {
      if (embed.author?.name !== TITLE) expect(embed.url).toBeUndefined();
      else {
        expect(embed.url).toMatch(new RegExp(`^${web.origin}/deepseek#:~:text=%`));
        expect(embed.url.length).toBeLessThanOrEqual(2048);
        const sentence = decodeURIComponent(embed.url.split('#:~:text=')[1].split(',')[0]);
        expect(embed.description.replace(/\*\*/g, '')).toContain(sentence.slice(0, 10));
      }
    }
    const about = await fake.sendInteraction({ name: 'about' }).done;
    const documents = about.embeds[0]!.fields.find((field: { name: string }) => field.name === 'Documents');
    expect(documents.value).toContain(`• [${TITLE}](${web.origin}/deepseek) — 王维嘉 · 示例新闻`);
  });

  it('then the same link again is refused as a name clash, and replace:True replaces it', async () => {
    const again = await addLink(`${web.origin}/deepseek`);
    expect(again.content).toBe(
      `A document named ${TITLE}.md already exists. To replace it, add the file again with \`replace:True\`.`,
    );
    const replaced = await addLink(`${web.origin}/deepseek`, { replace: true });
    expect(replaced.content!.split('\n')[0]).toBe(`Replaced ${TITLE}.md from <${web.origin}/deepseek> (25 passages).`);
  }, 60_000);
});

describe('given links that give no article', () => {
  it('then each gets its own ephemeral reply, and the corpus is unchanged', async () => {
    const documents = (await running.bot.ready).manifest.corpus.documents.length;
    const replies = {
      empty: await addLink(`${web.origin}/empty`),
      pdf: await addLink(`${web.origin}/paper.pdf`),
      huge: await addLink(`${web.origin}/huge`),
      ftp: await addLink('ftp://example.com/a.txt'),
    };
    expect(replies.empty.content).toBe('The file is empty: there is nothing to add.');
    expect(replies.pdf.content).toBe(
      'The link gives application/pdf, not a web page: only HTML, XHTML and plain text pages can be added. Save its text as a .txt file and upload that instead.',
    );
    expect(replies.huge.content).toBe(
      'The page is larger than 5.0 MB, more than the bot fetches. Save its text and upload it as a file.',
    );
    expect(replies.ftp.content).toBe(
      'The bot follows only http:// and https:// links without a user name or password, and ftp://example.com/a.txt is not one.',
    );
    for (const reply of Object.values(replies)) expect(reply.ephemeral).toBe(true);
    expect((await running.bot.ready).manifest.corpus.documents).toHaveLength(documents);
  }, 60_000);

  it('then a file and a link together, or neither, is refused', async () => {
    const neither = await fake.sendInteraction({ name: 'corpus', subcommand: 'add', options: {}, ...ADMIN }).done;
    const both = await fake.sendInteraction({
      name: 'corpus',
      subcommand: 'add',
      options: { file: { filename: 'note.txt', data: '标题\n\n一段。\n' }, url: `${web.origin}/deepseek` },
      ...ADMIN,
    }).done;
    for (const state of [neither, both]) expect(state.content).toBe('Give `file:` or `url:`, one of the two.');
  });
});
