import { describe, expect, it } from 'vitest';
import {
  COMMAND_NAMES,
  languageOfLocale,
  languageOfText,
  localizations,
  MESSAGE_KEYS,
  t,
  type Language,
} from '../../src/bot/i18n.js';
import { slashCommandDefinitions } from '../../src/bot/register.js';
import { testConfig } from '../support/fixtures.js';

const LANGUAGES: Language[] = ['en', 'zh-Hans', 'zh-Hant'];
/** What Discord requires of a command or option name, localized or not. */
const DISCORD_NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('given the message tables', () => {
  it('then every message exists in every language with the same placeholders', () => {
    for (const key of MESSAGE_KEYS) {
      const english = t('en', key);
      for (const language of LANGUAGES) {
        const text = t(language, key);
        expect(text.trim(), `${language} ${key}`).not.toBe('');
        expect(placeholders(text), `${language} ${key}`).toEqual(placeholders(english));
      }
    }
  });

  it('then traditional Chinese is derived from simplified, and parameters are left as given', () => {
    expect(t('zh-Hans', 'questionTooLong', { length: 600, maxLength: 500 })).toBe(
      '这个问题有 600 个字符,上限是 500 个。请缩短后再问。',
    );
    expect(t('zh-Hant', 'questionTooLong', { length: 600, maxLength: 500 })).toBe(
      '這個問題有 600 個字符,上限是 500 個。請縮短後再問。',
    );
    expect(t('zh-Hant', 'reindexFailed', { reason: '简体原因' })).toBe(
      '重建失敗,之前的索引會繼續回答問題。原因:简体原因',
    );
  });
});

describe('given a Discord locale', () => {
  it('then zh-CN is simplified Chinese, zh-TW (and zh-HK) traditional, anything else English', () => {
    expect(languageOfLocale('zh-CN')).toBe('zh-Hans');
    expect(languageOfLocale('zh-TW')).toBe('zh-Hant');
    expect(languageOfLocale('zh-HK')).toBe('zh-Hant');
    for (const locale of ['en-US', 'en-GB', 'ja', 'fr', '', null, undefined])
      expect(languageOfLocale(locale)).toBe('en');
  });
});

describe('given text someone wrote', () => {
  it('then Han characters mean Chinese, traditional when the text is written in traditional characters', () => {
    expect(languageOfText('英伟达市值一天蒸发了多少?')).toBe('zh-Hans');
    expect(languageOfText('英偉達市值一天蒸發了多少?')).toBe('zh-Hant');
    expect(languageOfText('What did 博通 do?')).toBe('zh-Hans');
    expect(languageOfText('How much did Nvidia fall?')).toBe('en');
    expect(languageOfText('')).toBe('en');
  });
});

describe('given the command definitions', () => {
  const definitions = slashCommandDefinitions(testConfig({ MAX_QUESTION_LENGTH: '321' }));

  it('then every name and localized name is one Discord accepts, and every description fits its 100 characters', () => {
    const checkNamed = (item: {
      name: string;
      name_localizations?: Record<string, string | null> | null;
      description: string;
      description_localizations?: Record<string, string | null> | null;
    }) => {
      for (const name of [item.name, ...Object.values(item.name_localizations ?? {})] as string[]) {
        expect(name).toMatch(DISCORD_NAME);
        expect(name).toBe(name.toLowerCase());
      }
      for (const description of [
        item.description,
        ...Object.values(item.description_localizations ?? {}),
      ] as string[]) {
        expect(description.length).toBeGreaterThan(0);
        expect(description.length).toBeLessThanOrEqual(100);
      }
    };
    for (const definition of definitions) {
      checkNamed(definition);
      for (const option of definition.options ?? []) checkNamed(option);
    }
  });

  it('then the question option takes its maximum length from the settings', () => {
    const ask = definitions.find((definition) => definition.name === 'ask')!;
    expect(ask.options?.[0]).toMatchObject({ name: 'question', max_length: 321 });
  });

  it('then the Chinese names are the documented ones, traditional derived from simplified', () => {
    expect(localizations({ name: 'reindex' })).toEqual({ 'zh-CN': COMMAND_NAMES.reindex, 'zh-TW': '重建索引' });
    expect(localizations({ name: 'private' })).toEqual({ 'zh-CN': '仅自己可见', 'zh-TW': '僅自己可見' });
    expect(localizations({ name: 'about' })).toEqual({ 'zh-CN': '关于', 'zh-TW': '關於' });
  });
});
