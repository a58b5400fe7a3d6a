import { scriptConverter, toTaiwan, traditionalCharacters } from '../core/corpus/script-converter.js';
import { english, type MessageKey } from './messages/english.js';
import { simplified } from './messages/simplified.js';

export type { MessageKey } from './messages/english.js';

/**
 * The languages the bot speaks. Traditional Chinese is not a second table:
 * it is derived from the simplified one with OpenCC, so the two never drift.
 */
export type Language = 'en' | 'zh-Hans' | 'zh-Hant';

export type MessageParams = Readonly<Record<string, string | number>>;

/** The command and option names in Chinese; Discord requires them lowercase and without spaces. */
export const COMMAND_NAMES = {
  ask: '提问',
  question: '问题',
  private: '仅自己可见',
  about: '关于',
  help: '帮助',
  reindex: '重建索引',
  stats: '统计',
  days: '天数',
  corpus: '语料库',
  add: '添加',
  list: '列表',
  remove: '移除',
  file: '文件',
  url: '链接',
  replace: '替换',
  document: '文档',
  read: '阅读',
  section: '章节',
  paragraph: '段落',
} as const;

/** Tables' texts in traditional characters (Taiwan), under the same keys: converted together, in one pass. */
async function inTraditional<Key extends string>(
  ...tables: ReadonlyArray<Readonly<Record<Key, string>>>
): Promise<Array<Record<Key, string>>> {
  const entries = tables.map((table) => Object.entries(table) as Array<[Key, string]>);
  const converted = await toTaiwan(entries.flat().map(([, text]) => text));
  let next = 0;
  return entries.map(
    (pairs) => Object.fromEntries(pairs.map(([key]) => [key, converted[next++]])) as Record<Key, string>,
  );
}
const [traditional, traditionalNames] = (await inTraditional<string>(simplified, COMMAND_NAMES)) as [
  Record<MessageKey, string>,
  Record<keyof typeof COMMAND_NAMES, string>,
];
const toSimplified = scriptConverter('tw', 'cn');
// Which script a text is in: character by character is enough to count what would change.
const toTraditionalCharacters = traditionalCharacters();

const tables: Record<Language, Record<MessageKey, string>> = {
  en: english,
  'zh-Hans': simplified,
  'zh-Hant': traditional,
};

/**
 * The bot's words in a language. Parameters are filled in after any script
 * conversion, so quoted text (a question, a section of the article) reaches
 * the user exactly as written.
 */
export function t(language: Language, key: MessageKey, params: MessageParams = {}): string {
  return tables[language][key].replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    name in params ? String(params[name]) : placeholder,
  );
}

/** Discord's localization map for a command's name or description: zh-CN simplified, zh-TW traditional. */
export function localizations(text: { key: MessageKey } | { name: keyof typeof COMMAND_NAMES }): {
  'zh-CN': string;
  'zh-TW': string;
} {
  if ('key' in text) return { 'zh-CN': simplified[text.key], 'zh-TW': traditional[text.key] };
  return { 'zh-CN': COMMAND_NAMES[text.name], 'zh-TW': traditionalNames[text.name] };
}

/** The language of a Discord locale (`interaction.locale`): Chinese for zh-*, English otherwise. */
export function languageOfLocale(locale: string | null | undefined): Language {
  const normalized = (locale ?? '').toLowerCase();
  if (normalized === 'zh-tw' || normalized === 'zh-hk' || normalized === 'zh-mo' || normalized === 'zh-hant')
    return 'zh-Hant';
  if (normalized.startsWith('zh')) return 'zh-Hans';
  return 'en';
}

const HAN = /\p{Script=Han}/u;

function differingCharacters(left: string, right: string): number {
  const a = [...left];
  const b = [...right];
  if (a.length !== b.length) return Math.abs(a.length - b.length) + 1;
  return a.reduce((count, character, index) => count + (character === b[index] ? 0 : 1), 0);
}

/**
 * The language of text someone wrote (a DM, a mention): Chinese when it has
 * Han characters, traditional when more of them are traditional-only than
 * simplified-only; English otherwise.
 */
export function languageOfText(text: string): Language {
  if (!HAN.test(text)) return 'en';
  return differingCharacters(text, toSimplified(text)) > differingCharacters(text, toTraditionalCharacters(text))
    ? 'zh-Hant'
    : 'zh-Hans';
}

/** Every key of the tables, for tests that check nothing is missing. */
export const MESSAGE_KEYS = Object.keys(english) as MessageKey[];
