import { describe, expect, it } from 'vitest';
import type { Passage } from '../../src/core/corpus.js';
import type { Manifest } from '../../src/core/index-store.js';
import type { Answer, AnswerPassage } from '../../src/core/knowledge-base.js';
import type { Highlight } from '../../src/core/retrieval.js';
import {
  displayModelName,
  enforceLimits,
  escapeQuoted,
  excerpt,
  formatAbout,
  formatAnswer,
  formatHelp,
  type ReplyPayload,
} from '../../src/bot/reply-format.js';
import { embedText, expectWithinDiscordLimits } from '../support/bot-harness.js';

const SECTIONS = ['暴风雨的前夜', '散户投资人和一线从业者的三大差距', '下一步最关键的疑问是什么?'];
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function passage(text: string, overrides: Partial<Passage> = {}): Passage {
  return { id: 'article.txt#1', document: 'article.txt', title: 'The article', paragraph: 1, section: SECTIONS[0]!, text, ...overrides };
}

function result(
  text: string,
  highlights: Highlight[] = [],
  overrides: Omit<Partial<AnswerPassage>, 'passage'> & { passage?: Partial<Passage> } = {},
): AnswerPassage {
  const { passage: passageOverrides, ...rest } = overrides;
  return { rank: 1, score: 0.91, coverage: 0, passage: passage(text, passageOverrides), highlights, ...rest };
}

function answer(results: AnswerPassage[], question = '什么是杰文斯悖论?'): Answer {
  const answered = results.length > 0;
  return {
    question,
    answered,
    results: results.map((entry, index) => ({ ...entry, rank: index + 1 })),
    threshold: 0.82,
    bestScore: answered ? 0.91 : 0.4,
    coverageThreshold: 0.25,
    bestCoverage: 0,
  };
}

function highlightOf(text: string, sentence: string): Highlight {
  const start = text.indexOf(sentence);
  if (start < 0) throw new Error(`"${sentence}" is not in the text`);
  return { start, end: start + sentence.length };
}

/** A deterministic pseudo-random generator (mulberry32), so that a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['杰文斯悖论', '英伟达', '。', ',', ' ', '\n', '**', '*', '_', '__', '~~', '||', '`', '```', '> ', '# ', '-# ', '- ', '1. ', '[x](https://e.com)', '@everyone', '<@&123456789012345678>', '<@123456789012345678>', '\\', '😀', '👨‍👩‍👧', 'word', 'Broadcom', 'é'];

function randomText(next: () => number, length: number): string {
  let text = '';
  while (text.length < length) text += PIECES[Math.floor(next() * PIECES.length)];
  return text;
}

describe('given a short passage', () => {
  const text = '19世纪英国经济学家杰文斯发现当蒸汽机效率大幅提高时,煤炭消耗量不减反增。这是第二句。';

  it('then it is quoted whole, the highlighted sentence in bold, with section, paragraph and relevance', () => {
    const reply = formatAnswer(answer([result(text, [highlightOf(text, '19世纪英国经济学家杰文斯发现当蒸汽机效率大幅提高时,煤炭消耗量不减反增。')], { passage: { paragraph: 9 } })]), {
      language: 'en',
      sections: SECTIONS,
      echoQuestion: true,
    });

    expect(reply.content).toBe('**Question:** 什么是杰文斯悖论?');
    expect(reply.embeds).toHaveLength(1);
    expect(reply.embeds[0]).toMatchObject({
      title: '1. 暴风雨的前夜 · paragraph 9',
      description: '**19世纪英国经济学家杰文斯发现当蒸汽机效率大幅提高时,煤炭消耗量不减反增。**这是第二句。',
      footer: { text: 'Relevance 0.91' },
    });
  });

  it('then in Chinese the words are Chinese, a passage before the first heading is "opening", and lexical coverage is shown when known', () => {
    const reply = formatAnswer(answer([result(text, [], { coverage: 0.5, passage: { section: null, paragraph: 2 } })]), {
      language: 'zh-Hant',
      sections: SECTIONS,
      echoQuestion: false,
    });
    expect(reply.content).toBe('');
    expect(reply.embeds[0]!.title).toBe('1. 開篇 · 第 2 段');
    expect(reply.embeds[0]!.footer?.text).toBe('相關度 0.91 · 包含問題中 50% 的詞語');
  });

  it('then adjacent highlighted sentences become one bold run', () => {
    const reply = formatAnswer(answer([result(text, [highlightOf(text, '19世纪英国经济学家杰文斯发现当蒸汽机效率大幅提高时,煤炭消耗量不减反增。'), highlightOf(text, '这是第二句。')])]), {
      language: 'en',
      sections: SECTIONS,
      echoQuestion: false,
    });
    expect(reply.embeds[0]!.description).toBe(`**${text}**`);
  });
});

describe('given a passage longer than its share of the message', () => {
  const filler = '这一段讲的是别的事情,和问题没有什么关系。';
  const key = '杰文斯发现效率提高时煤炭消耗量不减反增。';
  const text = `${filler.repeat(120)}${key}${filler.repeat(120)}`;

  it('then the excerpt is cut around the highlighted sentence, an ellipsis at each cut, within the limit', () => {
    const quoted = excerpt(text, [highlightOf(text, key)], 500);
    expect(quoted.length).toBeLessThanOrEqual(500);
    expect(quoted.length).toBeGreaterThan(450);
    expect(quoted.startsWith('…')).toBe(true);
    expect(quoted.endsWith('…')).toBe(true);
    expect(quoted).toContain(`**${key}**`);
  });

  it('then a highlight longer than the limit is cut itself, still bold and within the limit', () => {
    const long = `${key.repeat(50)}`;
    const quoted = excerpt(long, [{ start: 0, end: long.length }], 300);
    expect(quoted.length).toBeLessThanOrEqual(300);
    expect(quoted.startsWith('**')).toBe(true);
    expect(quoted).toMatch(/\*\*…$/);
  });

  it('then two distant highlights are both shown, joined by an ellipsis', () => {
    const second = '第二个要点在这里。';
    const twoPoints = `${key}${filler.repeat(200)}${second}${filler.repeat(50)}`;
    const quoted = excerpt(twoPoints, [highlightOf(twoPoints, key), highlightOf(twoPoints, second)], 400);
    expect(quoted.length).toBeLessThanOrEqual(400);
    expect(quoted).toContain(`**${key}**`);
    expect(quoted).toContain(`**${second}**`);
    expect(quoted.indexOf(' … ')).toBeGreaterThan(quoted.indexOf(key));
    expect(quoted.indexOf(' … ')).toBeLessThan(quoted.indexOf(second));
  });

  it('then without highlights the beginning is shown', () => {
    const quoted = excerpt(text, [], 200);
    expect(quoted.startsWith(filler)).toBe(true);
    expect(quoted.endsWith('…')).toBe(true);
    expect(quoted.length).toBeLessThanOrEqual(200);
  });

  it('then English is not cut in the middle of a word', () => {
    const english = `${'The market worried about spending on chips. '.repeat(40)}Jevons found that coal use rose as engines improved. ${'Investors sold quickly. '.repeat(40)}`;
    const quoted = excerpt(english, [highlightOf(english, 'Jevons found that coal use rose as engines improved.')], 300);
    expect(quoted).toMatch(/^…\S/);
    const words = new Set(english.split(/\s+/));
    const shown = quoted.replace(/\*\*/g, '').replace(/…/g, ' ').split(/\s+/).filter(Boolean);
    for (const word of [shown[0]!, shown.at(-1)!]) expect(words.has(word)).toBe(true);
  });

  it('then an emoji at a cut is never split in half', () => {
    const emoji = '😀'.repeat(1000);
    for (const limit of [1, 2, 3, 50, 51, 333]) {
      const quoted = excerpt(emoji, [{ start: 501, end: 600 }], limit);
      expect(quoted.length).toBeLessThanOrEqual(limit);
      expect(quoted).not.toMatch(LONE_SURROGATE);
    }
  });
});

describe('given quoted text full of markdown and mentions', () => {
  const text = '**bold** __under__ ~~strike~~ ||spoiler|| `code` ```block``` [one](https://a.example) [two](https://b.example) \\ @everyone <@&123456789012345678>\n> quote\n# heading\n-# small\n- item\n1. item';

  it('then every construct is escaped, so the quote displays literally and cannot change the formatting around it', () => {
    const escaped = escapeQuoted(text);
    for (const marker of ['**', '__', '~~', '||', '\n>', '\n#', '\n-#', '\n-', '\n1.']) {
      expect(escaped).not.toContain(marker);
    }
    expect(escaped).not.toMatch(/(^|[^\\])[`[]/); // no backtick, no masked link opens unescaped
    expect(escaped).toContain('\\*\\*bold\\*\\*');
    expect(escaped).toContain('\\[two](https://b.example)');
    expect(escaped).toContain('\\\\ @everyone'); // a lone backslash cannot escape what follows
    expect(escaped).toContain('<@&123456789012345678\\>'); // shown as text, not as a role
  });

  it('then a question with markdown is echoed literally too', () => {
    const reply = formatAnswer(answer([result('杰文斯')], '**x** ||y||'), { language: 'en', sections: SECTIONS, echoQuestion: true });
    expect(reply.content).toBe('**Question:** \\*\\*x\\*\\* \\|\\|y\\|\\|');
  });
});

describe('given an answer that is not relevant enough', () => {
  it('then the reply says plainly the article does not seem to cover it, points to /help and lists the sections', () => {
    const reply = formatAnswer(answer([], 'What is the weather on Mars?'), { language: 'en', sections: SECTIONS, echoQuestion: true });
    expect(reply.content).toBe('**Question:** What is the weather on Mars?');
    expect(reply.embeds).toHaveLength(1);
    expect(reply.embeds[0]!.title).toBe('Not covered by the article');
    expect(reply.embeds[0]!.description).toBe(
      "The article doesn't seem to cover that, so rather than quote something unrelated I'm telling you plainly. " +
        'Try asking with words the article would use, or see /help for example questions.\n\n' +
        "The article's sections:\n• 暴风雨的前夜\n• 散户投资人和一线从业者的三大差距\n• 下一步最关键的疑问是什么?",
    );
  });

  it('then in simplified Chinese it points to /帮助', () => {
    const reply = formatAnswer(answer([]), { language: 'zh-Hans', sections: SECTIONS, echoQuestion: false });
    expect(reply.embeds[0]!.title).toBe('文章里似乎没有讲到');
    expect(reply.embeds[0]!.description).toContain('/帮助 (/help)');
  });

  it('then hundreds of long section names still fit', () => {
    const sections = Array.from({ length: 400 }, (_, index) => `第${index}节 ${'很长的标题'.repeat(60)}`);
    const reply = formatAnswer(answer([]), { language: 'en', sections, echoQuestion: true });
    expectWithinDiscordLimits(reply);
  });
});

describe('given answers of any shape', () => {
  it('then the reply always fits every Discord limit, never throws, and never splits a character', () => {
    const next = random(20240127);
    for (let trial = 0; trial < 300; trial++) {
      const count = 1 + Math.floor(next() * 10);
      const results = Array.from({ length: count }, () => {
        const text = randomText(next, Math.floor(next() * (next() < 0.3 ? 20_000 : 3000)));
        const highlights = Array.from({ length: Math.floor(next() * 3) }, () => {
          const start = Math.floor(next() * (text.length + 10)) - 5;
          return { start, end: start + Math.floor(next() * 3000) };
        });
        return result(text, highlights, {
          score: next() * 2 - 0.5,
          coverage: next(),
          passage: { paragraph: Math.floor(next() * 100_000), section: next() < 0.2 ? null : randomText(next, Math.floor(next() * 600)) },
        });
      });
      const question = randomText(next, Math.floor(next() * 4000));
      const language = (['en', 'zh-Hans', 'zh-Hant'] as const)[trial % 3]!;
      let reply: ReplyPayload | undefined;
      expect(() => (reply = formatAnswer(answer(results, question), { language, sections: SECTIONS, echoQuestion: next() < 0.5 }))).not.toThrow();
      expectWithinDiscordLimits(reply!);
      expect(reply!.embeds).toHaveLength(count);
      expect(reply!.content + reply!.embeds.map(embedText).join('')).not.toMatch(LONE_SURROGATE);
    }
  });

  it('then the passages share the room: three long paragraphs get more than a thousand characters each', () => {
    const text = '杰文斯悖论。'.repeat(2000);
    const reply = formatAnswer(answer([result(text), result(text), result(text)]), { language: 'en', sections: SECTIONS, echoQuestion: true });
    expectWithinDiscordLimits(reply);
    for (const embed of reply.embeds) expect(embed.description!.length).toBeGreaterThan(1000);
  });
});

describe('given a payload over the limits', () => {
  it('then enforceLimits cuts each part and drops embeds past the total', () => {
    const big = 'x'.repeat(10_000);
    const fitted = enforceLimits({
      content: big,
      embeds: Array.from({ length: 12 }, () => ({ title: big, description: big, footer: { text: big }, fields: [{ name: big, value: big }] })),
    });
    expectWithinDiscordLimits(fitted);
    expect(fitted.embeds.length).toBeGreaterThanOrEqual(1);
  });
});

describe('given /about', () => {
  const manifest = {
    model: { id: '/home/someone/models/tiny-model' },
    corpus: { documents: [{ name: 'article.txt', title: '王维嘉 DeepSeek为何能血洗美股', sections: SECTIONS }] },
    passages: Array.from({ length: 25 }, () => ({})),
    builtAt: '2025-01-28T09:30:00.000Z',
  } as unknown as Manifest;

  it('then it shows the title, the passage count, the model by name (not its path) and the build time as a Discord timestamp', () => {
    const reply = formatAbout(manifest, { language: 'en', isRebuilding: false });
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe('王维嘉 DeepSeek为何能血洗美股');
    expect(embed.fields).toEqual([
      { name: 'Passages', value: '25', inline: true },
      { name: 'Model', value: 'tiny-model', inline: true },
      { name: 'Index built', value: '<t:1738056600:f> (<t:1738056600:R>)', inline: true },
      { name: 'Sections', value: SECTIONS.map((section) => `• ${section}`).join('\n'), inline: false },
    ]);
    expect(embed.description).not.toContain('rebuild');
  });

  it('then during a rebuild it says answers still come from this index', () => {
    expect(formatAbout(manifest, { language: 'en', isRebuilding: true }).embeds[0]!.description).toContain('A rebuild is running');
  });

  it('then a hub model keeps its id', () => {
    expect(displayModelName('Xenova/multilingual-e5-small')).toBe('Xenova/multilingual-e5-small');
  });
});

describe('given /help', () => {
  it('then it lists the ways to ask and three example questions, in the asker’s language', () => {
    const english = formatHelp({ language: 'en', botName: 'Article_Bot', maxQuestionLength: 500 });
    const text = embedText(english.embeds[0]!);
    expect(text).toContain('`/ask question:…`');
    expect(text).toContain('`@Article\\_Bot your question`');
    expect(text).toContain('up to 500 characters');
    expect(english.embeds[0]!.fields![0]!.value.split('\n')).toHaveLength(3);

    const chinese = formatHelp({ language: 'zh-Hans', botName: 'bot', maxQuestionLength: 500 });
    expect(embedText(chinese.embeds[0]!)).toContain('英伟达市值一天蒸发了多少?');
  });
});
