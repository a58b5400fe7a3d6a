import { describe, expect, it } from 'vitest';
import { formatAnswer } from '../../src/bot/answer-format.js';
import type { ReplyPayload } from '../../src/bot/discord-limits.js';
import { embedText, expectWithinDiscordLimits } from '../support/bot-harness.js';
import {
  answer,
  highlightOf,
  LONE_SURROGATE,
  random,
  randomText,
  result,
  SECTIONS,
} from '../support/answer-fixtures.js';

describe('given a short passage', () => {
  const text = '19世纪英国经济学家杰文斯发现当蒸汽机效率大幅提高时,煤炭消耗量不减反增。这是第二句。';

  it('then it is quoted whole, the highlighted sentence in bold, with section, paragraph and relevance', () => {
    const reply = formatAnswer(
      answer([
        result(text, [highlightOf(text, '19世纪英国经济学家杰文斯发现当蒸汽机效率大幅提高时,煤炭消耗量不减反增。')], {
          passage: { paragraph: 9 },
        }),
      ]),
      {
        language: 'en',
        sections: SECTIONS,
        echoQuestion: true,
      },
    );

    expect(reply.content).toBe('**Question:** 什么是杰文斯悖论?');
    expect(reply.embeds).toHaveLength(1);
    expect(reply.embeds[0]).toMatchObject({
      title: '1. 暴风雨的前夜 · paragraph 9',
      description: '**19世纪英国经济学家杰文斯发现当蒸汽机效率大幅提高时,煤炭消耗量不减反增。**这是第二句。',
      footer: { text: 'Relevance 0.91' },
    });
  });

  it('then in Chinese the words are Chinese, a passage before the first heading is "opening", and lexical coverage is shown when known', () => {
    const reply = formatAnswer(
      answer([result(text, [], { coverage: 0.5, passage: { section: null, paragraph: 2 } })]),
      {
        language: 'zh-Hant',
        sections: SECTIONS,
        echoQuestion: false,
      },
    );
    expect(reply.content).toBe('');
    expect(reply.embeds[0]!.title).toBe('1. 開篇 · 第 2 段');
    expect(reply.embeds[0]!.footer?.text).toBe('相關度 0.91 · 包含問題中 50% 的詞語');
  });

  it('then adjacent highlighted sentences become one bold run', () => {
    const reply = formatAnswer(
      answer([
        result(text, [
          highlightOf(text, '19世纪英国经济学家杰文斯发现当蒸汽机效率大幅提高时,煤炭消耗量不减反增。'),
          highlightOf(text, '这是第二句。'),
        ]),
      ]),
      {
        language: 'en',
        sections: SECTIONS,
        echoQuestion: false,
      },
    );
    expect(reply.embeds[0]!.description).toBe(`**${text}**`);
  });
});

describe('given quoted text full of markdown and mentions', () => {
  it('then a question with markdown is echoed literally too', () => {
    const reply = formatAnswer(answer([result('杰文斯')], '**x** ||y||'), {
      language: 'en',
      sections: SECTIONS,
      echoQuestion: true,
    });
    expect(reply.content).toBe('**Question:** \\*\\*x\\*\\* \\|\\|y\\|\\|');
  });

  it('then the links of an echoed question are shown without previews, in angle brackets, as written', () => {
    const reply = formatAnswer(
      answer([result('杰文斯')], 'is https://evil.example/a_b?c=1 right? see [this](https://e.example/x).'),
      { language: 'en', sections: SECTIONS, echoQuestion: true },
    );
    expect(reply.content).toBe(
      '**Question:** is <https://evil.example/a_b?c=1> right? see \\[this](<https://e.example/x>).',
    );
  });
});

describe('given an answer that is not relevant enough', () => {
  it('then the reply says plainly the article does not seem to cover it, points to /help and lists the sections', () => {
    const reply = formatAnswer(answer([], 'What is the weather on Mars?'), {
      language: 'en',
      sections: SECTIONS,
      echoQuestion: true,
    });
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
          passage: {
            paragraph: Math.floor(next() * 100_000),
            section: next() < 0.2 ? null : randomText(next, Math.floor(next() * 600)),
          },
        });
      });
      const question = randomText(next, Math.floor(next() * 4000));
      const language = (['en', 'zh-Hans', 'zh-Hant'] as const)[trial % 3]!;
      let reply: ReplyPayload | undefined;
      expect(
        () =>
          (reply = formatAnswer(answer(results, question), {
            language,
            sections: SECTIONS,
            echoQuestion: next() < 0.5,
          })),
      ).not.toThrow();
      expectWithinDiscordLimits(reply!);
      expect(reply!.embeds).toHaveLength(count);
      expect(reply!.content + reply!.embeds.map(embedText).join('')).not.toMatch(LONE_SURROGATE);
    }
  });

  it('then the passages share the room: three long paragraphs get more than a thousand characters each', () => {
    const text = '杰文斯悖论。'.repeat(2000);
    const reply = formatAnswer(answer([result(text), result(text), result(text)]), {
      language: 'en',
      sections: SECTIONS,
      echoQuestion: true,
    });
    expectWithinDiscordLimits(reply);
    for (const embed of reply.embeds) expect(embed.description!.length).toBeGreaterThan(1000);
  });
});

describe('given a corpus of several documents', () => {
  it('then each quoted passage names its document’s title above it, and a single document does not', () => {
    const quoted = answer([result('杰文斯悖论', [], { passage: { title: 'The Jevons paradox, explained' } })]);
    const several = formatAnswer(quoted, {
      language: 'en',
      sections: SECTIONS,
      echoQuestion: false,
      multipleDocuments: true,
    });
    expect(several.embeds[0]!.author).toEqual({ name: 'The Jevons paradox, explained' });
    expectWithinDiscordLimits(several);
    const single = formatAnswer(quoted, { language: 'en', sections: SECTIONS, echoQuestion: false });
    expect(single.embeds[0]!.author).toBeUndefined();
  });
});
