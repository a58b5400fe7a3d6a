import { describe, expect, it } from 'vitest';
import { describeKept, displayModelName, formatAbout } from '../../../src/bot/commands/about.js';
import type { Manifest } from '../../../src/core/index/index-store.js';
import { SECTIONS } from '../../support/answer-fixtures.js';

const CALIBRATED = { bar: 0.8312, spread: 0.03, source: 'calibrated' as const, probes: 72 };
/** The defaults: question texts kept, DM texts not, for 30 days. */
const KEPT = { questions: true, dmText: false, retentionDays: 30 };

describe('given /about', () => {
  const manifest = {
    model: { id: '/home/someone/models/tiny-model' },
    corpus: { documents: [{ name: 'article.txt', title: '王维嘉 DeepSeek为何能血洗美股', sections: SECTIONS }] },
    passages: Array.from({ length: 25 }, () => ({})),
    builtAt: '2025-01-28T09:30:00.000Z',
  } as unknown as Manifest;

  it('then it shows the title, the passage count, the model by name (not its path) and the build time as a Discord timestamp', () => {
    const reply = formatAbout(manifest, { language: 'en', isRebuilding: false, bar: CALIBRATED, kept: KEPT });
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe('王维嘉 DeepSeek为何能血洗美股');
    expect(embed.fields).toEqual([
      { name: 'Passages', value: '25', inline: true },
      { name: 'Model', value: 'tiny-model', inline: true },
      { name: 'Index built', value: '<t:1738056600:f> (<t:1738056600:R>)', inline: true },
      { name: 'Relevance bar', value: '0.83, calibrated for this model on 72 off-topic questions', inline: false },
      { name: 'Documents', value: '• 王维嘉 DeepSeek为何能血洗美股', inline: false },
      { name: 'Sections', value: SECTIONS.map((section) => `• ${section}`).join('\n'), inline: false },
      { name: 'What is kept', value: describeKept(KEPT, 'en'), inline: false },
    ]);
    expect(embed.description).not.toContain('rebuild');
  });

  it('then during a rebuild it says answers still come from this index', () => {
    expect(
      formatAbout(manifest, { language: 'en', isRebuilding: true, bar: CALIBRATED, kept: KEPT }).embeds[0]!.description,
    ).toContain('A rebuild is running');
  });

  it('then with a shared corpus it shows the version in force and what this process embedded, after the documents, in the asker’s language', () => {
    const sharedCorpus = { version: 7, embedded: 2, reused: 59 };
    const english = formatAbout(manifest, {
      language: 'en',
      isRebuilding: false,
      bar: CALIBRATED,
      kept: KEPT,
      sharedCorpus,
    }).embeds[0]!.fields!;
    expect(english.map((field) => field.name).slice(4, 6)).toEqual(['Documents', 'Shared corpus']);
    expect(english[5]!.value).toBe(
      'Version 7, the same for every process of the bot. This process embedded 2 passages for its index and took 59 from the shared cache.',
    );
    const chinese = formatAbout(manifest, {
      language: 'zh-Hans',
      isRebuilding: false,
      bar: CALIBRATED,
      kept: KEPT,
      sharedCorpus,
    }).embeds[0]!.fields!;
    expect(chinese.find((field) => field.name === '共享语料库')?.value).toBe(
      '第 7 版,机器人的每个进程都相同。本进程为索引嵌入了 2 个段落,从共享缓存取用了 59 个。',
    );
  });

  it('then a bar set by MIN_SCORE says so, in the asker’s language', () => {
    const bar = { ...CALIBRATED, bar: 0.5, source: 'MIN_SCORE' as const };
    const fields = formatAbout(manifest, { language: 'zh-Hans', isRebuilding: false, bar, kept: KEPT }).embeds[0]!
      .fields!;
    expect(fields.find((field) => field.name === '相关度门槛')?.value).toBe('0.50,由 MIN_SCORE 设定');
  });

  it('then it says what the question log keeps and for how long, as the privacy settings say', () => {
    expect(describeKept(KEPT, 'en')).toBe(
      'For the bot’s owner, each question is logged: when, how and where it was asked (command, DM, mention; server, DM or group DM), the server, ' +
        'the language, the question, whether it was answered, the paragraphs quoted and how long it took. ' +
        'The asker is kept as a keyed hash, never as a user id. ' +
        'The text of questions asked in DMs is not kept, only that they were asked. ' +
        'Feedback votes (👍/👎) are kept with a keyed hash of the voter, one per answer. ' +
        'All of it is deleted after 30 days.',
    );
    expect(describeKept({ questions: true, dmText: true, retentionDays: 7 }, 'en')).toContain(
      'The text of questions asked in DMs is kept too. Feedback votes (👍/👎) are kept with a keyed hash of the voter, one per answer. All of it is deleted after 7 days.',
    );
    const countsOnly = describeKept({ questions: false, dmText: false, retentionDays: 30 }, 'zh-Hans');
    expect(countsOnly).toMatch(/^为机器人的管理者,只记录计数/);
    expect(countsOnly).not.toContain('私信中的问题');
    expect(countsOnly).toContain('所有记录在 30 天后删除。');
  });

  it('then each document is listed with its title linking to its source, its byline and its site', () => {
    const withSource = {
      ...manifest,
      corpus: {
        documents: [
          ...manifest.corpus.documents,
          {
            name: 'deepseek.md',
            title: 'DeepSeek *and* Wall Street',
            sections: [],
            metadata: { byline: '王维嘉', siteName: '示例新闻', sourceUrl: 'https://news.example/a_(b) c' },
          },
        ],
      },
    } as unknown as Manifest;
    const fields = formatAbout(withSource, { language: 'en', isRebuilding: false, bar: CALIBRATED, kept: KEPT })
      .embeds[0]!.fields!;
    expect(fields.find((field) => field.name === 'Documents')?.value).toBe(
      '• 王维嘉 DeepSeek为何能血洗美股\n' +
        '• [DeepSeek \\*and\\* Wall Street](https://news.example/a_%28b%29%20c) — 王维嘉 · 示例新闻',
    );
  });

  it('then a hub model keeps its id', () => {
    expect(displayModelName('Xenova/multilingual-e5-small')).toBe('Xenova/multilingual-e5-small');
  });
});
