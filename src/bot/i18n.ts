import { scriptConverter, traditionalCharacters, unsharedScriptConverter } from '../core/script-converter.js';

/**
 * The languages the bot speaks. Traditional Chinese is not a second table:
 * it is derived from the simplified one with OpenCC, so the two never drift.
 */
export type Language = 'en' | 'zh-Hans' | 'zh-Hant';

const english = {
  // Slash command descriptions (names are fixed in English; see COMMAND_NAMES for their translations).
  askDescription: 'Ask a question about the article',
  askQuestionDescription: 'Your question, in Chinese or English',
  askPrivateDescription: 'Show the answer to you only',
  aboutDescription: 'What the bot knows: the article, its passages, the model and when the index was built',
  helpDescription: 'How to ask, with example questions',
  reindexDescription: 'Re-read the article and rebuild the index (server managers only)',

  // Answers
  questionEcho: '**Question:** {question}',
  passageTitle: '{rank}. {section} · paragraph {paragraph}',
  passageFooter: 'Relevance {score}',
  passageFooterWithWords: 'Relevance {score} · contains {coverage}% of the question’s words',
  openingSection: 'Opening',
  notCoveredTitle: 'Not covered by the article',
  notCoveredBody:
    "The article doesn't seem to cover that, so rather than quote something unrelated I'm telling you plainly. " +
    'Try asking with words the article would use, or see /help for example questions.',
  sectionsHeading: "The article's sections:",

  // /about
  aboutIntro: 'I answer questions about this article by quoting the passages that answer them.',
  aboutPassages: 'Passages',
  aboutModel: 'Model',
  aboutBuilt: 'Index built',
  aboutSections: 'Sections',
  aboutRebuilding: 'A rebuild is running; answers come from this index until it finishes.',
  aboutBar: 'Relevance bar',
  aboutBarCalibrated: '{bar}, calibrated for this model on {probes} off-topic questions',
  aboutBarMinScore: '{bar}, set by MIN_SCORE',

  // /help
  helpTitle: 'How to ask',
  helpBody:
    'Ask anything about the article and I quote the paragraphs that answer it, each with its section, ' +
    'paragraph number and a relevance score, the best-matching sentences in **bold**.\n\n' +
    '• `/ask question:…` posts the answer in the channel; add `private:True` to see it alone.\n' +
    '• Send me a direct message: every message is a question (`help` shows this text).\n' +
    '• Mention me in a channel: `@{botName} your question`.\n\n' +
    'Questions can be up to {maxLength} characters. `/about` shows the article and the index.',
  helpExamplesHeading: 'Example questions',
  helpExample1: "How much did Nvidia's stock fall in a single day?",
  helpExample2: 'What is the Jevons paradox?',
  helpExample3: "Why did Broadcom's stock rise?",

  // /reindex
  reindexStarted: 'Rebuilding the index…',
  reindexJoined: 'A rebuild was already running, so I am following it instead of starting another.',
  reindexReading: 'Reading the article…',
  reindexEmbedding: 'Embedding passages: {done}/{total} ({percent}%)',
  reindexWriting: 'Writing the index…',
  reindexDone:
    'Index rebuilt in {seconds} s: {passages} passages (before: {previousPassages}); ' +
    '{added} added, {removed} removed, {changed} changed. Answers now come from the new index.',

  // Expected problems and apologies
  emptyQuestion: 'The question is empty. Please write what you would like to know.',
  questionTooLong: 'That question is {length} characters long; the limit is {maxLength}. Please shorten it.',
  rateLimited: 'Slow down a little: you can ask {count} questions every {window} s. Please try again in {seconds} s.',
  reindexNotAllowed: 'Only members with the Manage Server permission, or the bot’s admins, can rebuild the index.',
  reindexFailed: 'The rebuild failed, so the previous index keeps answering questions. Reason: {reason}',
  unknownCommand: 'This bot does not know that command; its command list may be out of date.',
  restarting: 'The bot is restarting. Please ask again in a minute.',
  unexpected: 'Sorry, something went wrong on my side. Please try again in a moment.',
} as const;

export type MessageKey = keyof typeof english;
export type MessageParams = Readonly<Record<string, string | number>>;

const simplified: Record<MessageKey, string> = {
  askDescription: '就这篇文章提问',
  askQuestionDescription: '你的问题,中文或英文均可',
  askPrivateDescription: '只有你能看到回答',
  aboutDescription: '机器人知道什么:文章、段落数、模型以及索引建立的时间',
  helpDescription: '如何提问,附示例问题',
  reindexDescription: '重新读取文章并重建索引(仅限服务器管理者)',

  questionEcho: '**问题:** {question}',
  passageTitle: '{rank}. {section} · 第 {paragraph} 段',
  passageFooter: '相关度 {score}',
  passageFooterWithWords: '相关度 {score} · 包含问题中 {coverage}% 的词语',
  openingSection: '开篇',
  notCoveredTitle: '文章里似乎没有讲到',
  notCoveredBody:
    '这篇文章似乎没有涉及这个问题,与其引用不相关的段落,不如直说。试着用文章里可能出现的词语提问,或用 /帮助 (/help) 查看示例问题。',
  sectionsHeading: '文章的各个部分:',

  aboutIntro: '我引用这篇文章中能回答问题的段落来回答问题。',
  aboutPassages: '段落数',
  aboutModel: '模型',
  aboutBuilt: '索引建立于',
  aboutSections: '章节',
  aboutRebuilding: '正在重建索引;重建完成前,回答仍来自当前索引。',
  aboutBar: '相关度门槛',
  aboutBarCalibrated: '{bar},用 {probes} 个无关问题为这个模型校准',
  aboutBarMinScore: '{bar},由 MIN_SCORE 设定',

  helpTitle: '如何提问',
  helpBody:
    '关于这篇文章,尽管提问:我会引用能回答问题的段落,并注明所在章节、段落编号和相关度,最匹配的句子用**粗体**标出。\n\n' +
    '• `/提问 问题:…` (/ask) 在频道里公开回答;加上 `仅自己可见:True` 则只有你能看到。\n' +
    '• 直接私信我:每条消息都是一个问题(发送“帮助”显示本说明)。\n' +
    '• 在频道里提及我:`@{botName} 你的问题`。\n\n' +
    '问题最长 {maxLength} 个字符。`/关于` (/about) 显示文章和索引的信息。',
  helpExamplesHeading: '示例问题',
  helpExample1: '英伟达市值一天蒸发了多少?',
  helpExample2: '什么是杰文斯悖论?',
  helpExample3: '博通的股价为什么上涨?',

  reindexStarted: '正在重建索引…',
  reindexJoined: '已经有一次重建在进行,我会跟进它,而不是另起一次。',
  reindexReading: '正在读取文章…',
  reindexEmbedding: '正在计算段落向量:{done}/{total} ({percent}%)',
  reindexWriting: '正在写入索引…',
  reindexDone:
    '索引已重建,用时 {seconds} 秒:共 {passages} 个段落(之前 {previousPassages} 个);' +
    '新增 {added},删除 {removed},修改 {changed}。现在的回答来自新索引。',

  emptyQuestion: '问题是空的,请写下你想知道什么。',
  questionTooLong: '这个问题有 {length} 个字符,上限是 {maxLength} 个。请缩短后再问。',
  rateLimited: '请慢一点:每 {window} 秒最多可以问 {count} 个问题。请 {seconds} 秒后再试。',
  reindexNotAllowed: '只有拥有“管理服务器”权限的成员或机器人管理员才能重建索引。',
  reindexFailed: '重建失败,之前的索引会继续回答问题。原因:{reason}',
  unknownCommand: '机器人不认识这个命令,命令列表可能已过时。',
  restarting: '机器人正在重启,请过一分钟再问。',
  unexpected: '抱歉,我这边出了点问题,请稍后再试。',
};

/** The command and option names in Chinese; Discord requires them lowercase and without spaces. */
export const COMMAND_NAMES = {
  ask: '提问',
  question: '问题',
  private: '仅自己可见',
  about: '关于',
  help: '帮助',
  reindex: '重建索引',
} as const;

// The phrase-level converter's dictionaries take ~60 MiB: it converts the fixed texts once, here, and is not kept.
const [traditional, traditionalNames] = ((toTraditional: (text: string) => string) => [
  Object.fromEntries(Object.entries(simplified).map(([key, text]) => [key, toTraditional(text)])) as Record<
    MessageKey,
    string
  >,
  Object.fromEntries(Object.entries(COMMAND_NAMES).map(([name, text]) => [name, toTraditional(text)])) as Record<
    keyof typeof COMMAND_NAMES,
    string
  >,
])(unsharedScriptConverter('cn', 'tw'));
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
