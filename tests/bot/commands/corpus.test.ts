import { readdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_USER_ID,
  errorLines,
  HEARTBEAT_MS,
  MANAGE_GUILD_PERMISSIONS,
  startBot,
  type RunningBot,
} from '../../support/bot-harness.js';
import { FakeDiscord, type AttachmentInput, type InteractionState } from '../../support/fake-discord.js';
import { ARTICLE_PATH, makeTinyModel, removeTempDirs } from '../../support/fixtures.js';

const ARTICLE = 'wang-weijia-deepseek-wall-street.txt';
const NOTE =
  '# 补充说明\n\n苹果公司没有参与这场竞争,它在人工智能上另有打算。\n\n台积电的产能依旧紧张,先进封装供不应求。\n';
/** 补充说明 / 苹果公司。 in GB18030, as a Chinese Windows editor saves it. */
const GB18030_NOTE = Buffer.from([
  0x23, 0x20, 0xb2, 0xb9, 0xb3, 0xe4, 0xcb, 0xb5, 0xc3, 0xf7, 0x0a, 0x0a, 0xc6, 0xbb, 0xb9, 0xfb, 0xb9, 0xab, 0xcb,
  0xbe, 0xa1, 0xa3, 0x0a,
]);
const ADMIN = { memberPermissions: MANAGE_GUILD_PERMISSIONS };
const REBUILT =
  /Index rebuilt in \d+\.\d s: \d+ passages \(before: \d+\); \d+ added, \d+ removed, \d+ changed; \d+ embedded now, \d+ reused\./;

let fake: FakeDiscord;
let running: RunningBot;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, callbackDeadlineMs: 3000 });
  running = await startBot(fake, { modelDir: await makeTinyModel() });
});

afterAll(async () => {
  await running?.bot.stop();
  await fake?.close();
  await removeTempDirs();
});

/** A reply is final once it lists documents, or says what was done or why not: progress edits come before it. */
function isFinal(state: InteractionState): boolean {
  if (state.embeds.length > 0) return true;
  return Boolean(state.content) && !/^(Adding|Replacing|Removing) /.test(state.content!);
}

function corpus(
  subcommand: 'add' | 'list' | 'remove',
  options: Record<string, string | boolean | AttachmentInput> = {},
  who: Partial<Parameters<FakeDiscord['sendInteraction']>[0]> = ADMIN,
): Promise<InteractionState> {
  const handle = fake.sendInteraction({ name: 'corpus', subcommand, options, ...who });
  return handle.waitFor(isFinal, 20_000).then(() => handle.settled(20_000));
}

function add(file: AttachmentInput, extra: Record<string, boolean> = {}): Promise<InteractionState> {
  return corpus('add', { file, ...extra });
}

async function documentsOnDisk(): Promise<string[]> {
  return (await readdir(running.corpusPath)).sort();
}

describe('given the bot starts', () => {
  it('then /corpus is registered hidden from members without Manage Server, with add (a file or a link), list and remove (autocompleted)', () => {
    const command = fake.globalCommands.find((candidate) => candidate.name === 'corpus')!;
    expect(command.default_member_permissions).toBe('32');
    expect(command.options).toMatchObject([
      {
        type: 1,
        name: 'add',
        options: [
          { name: 'file', type: 11, required: false },
          { name: 'url', type: 3, required: false, max_length: 2000 },
          { name: 'replace', type: 5, required: false },
        ],
      },
      { type: 1, name: 'list' },
      { type: 1, name: 'remove', options: [{ name: 'document', type: 3, required: true, autocomplete: true }] },
    ]);
  });
});

describe('given an admin adds a link to a loopback address, with ALLOW_PRIVATE_URLS off', () => {
  it('then it is refused, saying why, and nothing is fetched', async () => {
    const state = await corpus('add', { url: 'http://127.0.0.1:9/article' });
    expect(state.ephemeral).toBe(true);
    expect(state.content).toBe(
      '127.0.0.1 is at 127.0.0.1, a loopback, private or link-local address: the bot does not fetch from those (ALLOW_PRIVATE_URLS is off).',
    );
  });
});

describe('given an admin adds a short document', () => {
  it('then it is written, the index is rebuilt with progress, embedding only its paragraphs, and it answers questions', async () => {
    const knowledgeBase = await running.bot.ready;
    const windows = knowledgeBase.manifest.windows.length;

    const state = await add({ filename: 'note.md', data: NOTE });

    expect(state.callbacks[0]).toMatchObject({ type: 5, data: { flags: 64 } });
    expect(state.ephemeral).toBe(true);
    expect(String(state.edits[0]!.content)).toMatch(/^Adding note\.md and rebuilding the index…/);
    const [added, summary] = state.content!.split('\n');
    expect(added).toBe('Added note.md (UTF-8, 2 passages).');
    expect(summary).toMatch(REBUILT);
    expect(summary).toContain('27 passages (before: 25); 2 added, 0 removed, 0 changed;');
    expect(summary).toContain(`; 2 embedded now, ${windows} reused.`);
    expect(await readFile(path.join(running.corpusPath, 'note.md'), 'utf8')).toBe(NOTE);

    const reindexed = running.log
      .lines()
      .filter((line) => line.msg === 'reindexed')
      .at(-1);
    expect(reindexed).toMatchObject({ embedded: 2, reused: windows, added: 2 });

    const answer = await fake.sendInteraction({ name: 'ask', options: { question: '台积电的先进封装' } }).done;
    expect(answer.embeds[0]!.title).toMatch(/paragraph 2$/);
    expect(answer.embeds[0]!.description).toContain('先进封装');
  }, 30_000);

  it('then /corpus list shows both documents with their passage counts', async () => {
    const state = await corpus('list');
    expect(state.ephemeral).toBe(true);
    expect(state.embeds[0]!.title).toBe('Documents');
    const title = (await running.bot.ready).manifest.corpus.documents.find(
      (document) => document.name === ARTICLE,
    )!.title;
    expect(state.embeds[0]!.description).toBe(`• 补充说明 (note.md): 2 passages\n• ${title} (${ARTICLE}): 25 passages`);
  });

  it('then the same name again is refused, ephemerally, and replace:True replaces it', async () => {
    const refused = await add({ filename: 'note.md', data: '# 新\n\n新的内容。\n' });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe(
      'A document named note.md already exists. To replace it, add the file again with `replace:True`.',
    );
    expect(await readFile(path.join(running.corpusPath, 'note.md'), 'utf8')).toBe(NOTE);

    const replaced = await add({ filename: 'note.md', data: '# 新\n\n新的内容。\n' }, { replace: true });
    expect(replaced.content!.split('\n')[0]).toBe('Replaced note.md (UTF-8, 1 passages).');
    expect(await readFile(path.join(running.corpusPath, 'note.md'), 'utf8')).toBe('# 新\n\n新的内容。\n');
  }, 30_000);

  it('then a GB18030 file is detected and stored as UTF-8', async () => {
    const state = await add({ filename: 'gbk.txt', data: GB18030_NOTE });
    expect(state.content!.split('\n')[0]).toBe('Added gbk.txt (GB18030, 1 passages).');
    expect(await readFile(path.join(running.corpusPath, 'gbk.txt'), 'utf8')).toBe('# 补充说明\n\n苹果公司。\n');
  }, 30_000);
});

describe('given bad attachments', () => {
  it.each<[string, AttachmentInput, string]>([
    [
      'a binary file',
      { filename: 'image.txt', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]) },
      'The file is not text. Please upload a .txt or .md file.',
    ],
    ['an empty file', { filename: 'empty.md', data: '' }, 'The file is empty: there is nothing to add.'],
    [
      'a Latin-1 file',
      { filename: 'latin.txt', data: Buffer.from('Le café est très bon. Où est la gare?\n', 'latin1') },
      'I cannot tell the file’s encoding. Please save it as UTF-8 (GB18030 works too) and upload it again.',
    ],
    [
      'a PDF',
      { filename: 'paper.pdf', data: '%PDF-1.7' },
      'Only .txt and .md files can be added; paper.pdf is neither.',
    ],
    [
      'a hidden file name',
      { filename: '.env.md', data: NOTE },
      'The file name .env.md cannot be used: a document name starts with a letter or digit and holds only letters, digits, spaces, dots, dashes, underscores and brackets.',
    ],
    [
      'a name with markdown in it (shown literally, not as bold or a spoiler)',
      { filename: '**bold**||x||.md', data: NOTE },
      'The file name \\*\\*bold\\*\\*\\|\\|x\\|\\|.md cannot be used: a document name starts with a letter or digit and holds only letters, digits, spaces, dots, dashes, underscores and brackets.',
    ],
    [
      'a name that is a masked link (shown literally, not as a link)',
      { filename: '[click](https://evil.example).pdf', data: '%PDF-1.7' },
      'Only .txt and .md files can be added; \\[click](https://evil.example).pdf is neither.',
    ],
    [
      'a title without paragraphs',
      { filename: 'title.md', data: '# Only a title\n' },
      'The file has no paragraphs to answer from (paragraphs are separated by blank lines).',
    ],
  ])('then %s gets a clear, ephemeral reply and changes nothing', async (_case, file, message) => {
    const before = await documentsOnDisk();
    const rebuilds = running.log.lines().filter((line) => line.msg === 'reindexed').length;
    const state = await add(file);
    expect(state.ephemeral).toBe(true);
    expect(state.content).toBe(message);
    expect(await documentsOnDisk()).toEqual(before);
    expect(running.log.lines().filter((line) => line.msg === 'reindexed')).toHaveLength(rebuilds);
  });

  it('then a file over 1 MB is refused from its size, without downloading it', async () => {
    const downloads = fake.cdnRequests.length;
    const state = await add({ filename: 'big.txt', data: Buffer.alloc(1_000_001, 'a') });
    expect(state.responseType).toBe(4);
    expect(state.ephemeral).toBe(true);
    expect(state.content).toBe('The file is 1.0 MB; a document may be at most 1.0 MB.');
    expect(fake.cdnRequests.length).toBe(downloads);
  });

  it('then a missing corpus directory is said to be missing', async () => {
    const hidden = `${running.corpusPath}.hidden`;
    await rename(running.corpusPath, hidden);
    try {
      const state = await add({ filename: 'more.md', data: NOTE });
      expect(state.content).toMatch(/^The corpus directory \(CORPUS_PATH\) does not exist on the server/);
    } finally {
      await rename(hidden, running.corpusPath);
    }
  });
});

describe('given /corpus remove', () => {
  it('then autocomplete offers the documents on disk to admins, and nothing to others', async () => {
    const admin = await fake.sendAutocomplete({
      name: 'corpus',
      subcommand: 'remove',
      focused: 'document',
      value: 'NO',
      ...ADMIN,
    }).done;
    expect(admin.choices).toEqual([{ name: 'note.md', value: 'note.md' }]);
    const all = await fake.sendAutocomplete({
      name: 'corpus',
      subcommand: 'remove',
      focused: 'document',
      value: '',
      ...ADMIN,
    }).done;
    expect(all.choices!.map((choice) => choice.value)).toEqual(['gbk.txt', 'note.md', ARTICLE]);
    const member = await fake.sendAutocomplete({ name: 'corpus', subcommand: 'remove', focused: 'document', value: '' })
      .done;
    expect(member.choices).toEqual([]);
  });

  it('then a document is removed and the index rebuilt without it, embedding nothing', async () => {
    const state = await corpus('remove', { document: 'gbk.txt' });
    const [removed, summary] = state.content!.split('\n');
    expect(removed).toBe('Removed gbk.txt.');
    expect(summary).toMatch(REBUILT);
    expect(summary).toContain('1 removed');
    expect(summary).toContain('; 0 embedded now,');
    expect(await documentsOnDisk()).toEqual(['note.md', ARTICLE]);
  }, 30_000);

  it('then an unknown document is refused, and so is the last one', async () => {
    expect((await corpus('remove', { document: 'missing.md' })).content).toBe(
      'There is no document named missing.md; `/corpus list` shows them.',
    );
    await corpus('remove', { document: 'note.md' });
    expect((await corpus('remove', { document: ARTICLE })).content).toBe(
      `${ARTICLE} is the only document, and the bot needs one to answer from.`,
    );
    expect(await documentsOnDisk()).toEqual([ARTICLE]);
  }, 30_000);
});

describe('given someone who is not an admin', () => {
  it('then every subcommand is refused, ephemerally, in a server and in a DM, and nothing changes', async () => {
    for (const state of [
      await corpus('add', { file: { filename: 'x.md', data: NOTE } }, {}),
      await corpus('list', {}, { dm: true }),
      await corpus('remove', { document: ARTICLE }, {}),
    ]) {
      expect(state.ephemeral).toBe(true);
      expect(state.content).toBe(
        'Only members with the Manage Server permission, or the bot’s admins, can use this command.',
      );
    }
    expect(await documentsOnDisk()).toEqual([ARTICLE]);
  });

  it('then an admin of ADMIN_USER_IDS may list from a DM', async () => {
    const state = await corpus('list', {}, { dm: true, userId: ADMIN_USER_ID });
    expect(state.embeds[0]!.description).toContain(`(${ARTICLE}): 25 passages`);
  });

  it('then nothing was logged as an error', () => {
    expect(errorLines(running.log)).toEqual([]);
  });
});

describe('given CORPUS_PATH pointing at a single file', () => {
  let single: RunningBot;
  let singleFake: FakeDiscord;

  beforeAll(async () => {
    singleFake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS });
    single = await startBot(singleFake, { modelDir: await makeTinyModel(), corpusPath: ARTICLE_PATH });
  });

  afterAll(async () => {
    await single?.bot.stop();
    await singleFake?.close();
  });

  it('then adding and removing say so, and listing still works', async () => {
    // Waited for until final: a refusal found after the progress heading went out comes up to a second later.
    const send = (subcommand: string, options: Record<string, string | AttachmentInput>) => {
      const handle = singleFake.sendInteraction({ name: 'corpus', subcommand, options, ...ADMIN });
      return handle.waitFor(isFinal, 10_000).then(() => handle.settled(10_000));
    };
    const isFile =
      'CORPUS_PATH points at a single file, not a directory, so documents cannot be added or removed from Discord. The bot’s operator can point it at a directory of .txt/.md files.';
    expect((await send('add', { file: { filename: 'note.md', data: NOTE } })).content).toBe(isFile);
    expect((await send('remove', { document: ARTICLE })).content).toBe(isFile);
    expect((await send('list', {})).embeds[0]!.description).toContain('25 passages');
  });
});
