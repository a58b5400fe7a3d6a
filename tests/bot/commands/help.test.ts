import { describe, expect, it } from 'vitest';
import { formatHelp } from '../../../src/bot/commands/help.js';
import { embedText } from '../../support/bot-harness.js';

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
