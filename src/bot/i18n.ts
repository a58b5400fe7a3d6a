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
  statsDescription: 'Questions, answers and feedback of the last days (server managers only)',
  statsDaysDescription: 'How many days to cover (default 7)',
  corpusDescription: 'Add, list or remove the documents the bot answers from (server managers only)',
  corpusAddDescription: 'Add a .txt or .md document (UTF-8 or GB18030, at most 1 MB) and rebuild the index',
  corpusFileDescription: 'The document: a .txt or .md file',
  corpusReplaceDescription: 'Replace the document of the same name, if there is one',
  corpusListDescription: 'The documents and how many passages each has',
  corpusRemoveDescription: 'Remove a document and rebuild the index',
  corpusDocumentDescription: 'The document to remove',

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
  aboutKeptHeading: 'What is kept',
  aboutKeptQuestions:
    'For the bot’s owner, each question is logged: when, how it was asked (command, DM, mention), the server, ' +
    'the language, the question, whether it was answered, the paragraphs quoted and how long it took. ' +
    'The asker is kept as a keyed hash, never as a user id.',
  aboutKeptCountsOnly:
    'For the bot’s owner, only counts are logged: when, how it was asked (command, DM, mention), the language, ' +
    'whether it was answered, the paragraphs quoted and how long it took; no question, server or asker.',
  aboutKeptNoDmText: 'The text of questions asked in DMs is not kept, only that they were asked.',
  aboutKeptDmText: 'The text of questions asked in DMs is kept too.',
  aboutKeptVotes: 'Feedback votes (👍/👎) are kept with a keyed hash of the voter, one per answer.',
  aboutKeptRetention: 'All of it is deleted after {days} days.',

  // /help
  helpTitle: 'How to ask',
  helpBody:
    'Ask anything about the article and I quote the paragraphs that answer it, each with its section, ' +
    'paragraph number and a relevance score, the best-matching sentences in **bold**.\n\n' +
    '• `/ask question:…` posts the answer in the channel; add `private:True` to see it alone.\n' +
    '• Send me a direct message: every message is a question (`help` shows this text).\n' +
    '• Mention me in a channel: `@{botName} your question`.\n' +
    '• On any message: Apps → Ask the article. `/read` reads the article to you, a page at a time.\n\n' +
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
    '{added} added, {removed} removed, {changed} changed; {embedded} embedded now, {reused} reused. ' +
    'Answers now come from the new index.',

  // /stats
  statsTitle: 'The last {days} days',
  statsDay: 'The last day',
  statsQuestions: 'Questions',
  statsAnswered: 'Answered',
  statsDeclined: 'Declined',
  statsFeedback: 'Feedback',
  statsLatency: 'Latency',
  statsLatencyValue: 'p50 {p50} ms · p95 {p95} ms',
  statsUnanswered: 'Asked most, not answered',
  statsDeclinedWithoutText: 'Plus {count} declined where the text is not kept.',
  statsMostQuoted: 'Quoted most',
  statsMostDownVoted: 'Down-voted most',
  statsPassage: '{section} · paragraph {paragraph}',
  statsTimes: '{count}×',
  statsNone: 'None',
  statsChart: 'Questions per day (UTC): 🟩 answered, ⬜ declined.',
  statsNoQuestions: 'No questions in this period.',

  // /corpus
  corpusAdding: 'Adding {name} and rebuilding the index…',
  corpusReplacing: 'Replacing {name} and rebuilding the index…',
  corpusAdded: 'Added {name} ({encoding}, {passages} passages).',
  corpusReplaced: 'Replaced {name} ({encoding}, {passages} passages).',
  corpusRemoving: 'Removing {name} and rebuilding the index…',
  corpusRemoved: 'Removed {name}.',
  corpusListTitle: 'Documents',
  corpusListEntry: '{title} ({name}): {passages} passages',
  corpusListRebuilding: 'A rebuild is running: this is the index answering until it finishes.',

  // Expected problems and apologies
  emptyQuestion: 'The question is empty. Please write what you would like to know.',
  questionTooLong: 'That question is {length} characters long; the limit is {maxLength}. Please shorten it.',
  rateLimited: 'Slow down a little: you can ask {count} questions every {window} s. Please try again in {seconds} s.',
  adminOnly: 'Only members with the Manage Server permission, or the bot’s admins, can use this command.',
  reindexNotAllowed: 'Only members with the Manage Server permission, or the bot’s admins, can rebuild the index.',
  reindexFailed: 'The rebuild failed, so the previous index keeps answering questions. Reason: {reason}',
  corpusBadExtension: 'Only .txt and .md files can be added; {name} is neither.',
  corpusBadName:
    'The file name {name} cannot be used: a document name starts with a letter or digit and holds only letters, ' +
    'digits, spaces, dots, dashes, underscores and brackets.',
  corpusTooLarge: 'The file is {size}; a document may be at most {limit}.',
  corpusEmpty: 'The file is empty: there is nothing to add.',
  corpusBinary: 'The file is not text. Please upload a .txt or .md file.',
  corpusUnknownEncoding:
    'I cannot tell the file’s encoding. Please save it as UTF-8 (GB18030 works too) and upload it again.',
  corpusNoParagraphs: 'The file has no paragraphs to answer from (paragraphs are separated by blank lines).',
  corpusExists: 'A document named {name} already exists. To replace it, add the file again with `replace:True`.',
  corpusMissing:
    'The corpus directory (CORPUS_PATH) does not exist on the server, so no document can be added or removed. ' +
    'The bot’s operator needs to create it.',
  corpusIsFile:
    'CORPUS_PATH points at a single file, not a directory, so documents cannot be added or removed from Discord. ' +
    'The bot’s operator can point it at a directory of .txt/.md files.',
  corpusUnknownDocument: 'There is no document named {name}; `/corpus list` shows them.',
  corpusLastDocument: '{name} is the only document, and the bot needs one to answer from.',
  corpusDownloadFailed: 'The file could not be downloaded from Discord. Please try again.',
  corpusRebuildFailed:
    'The rebuild failed, so nothing was changed: the documents and the index stay as they were. Reason: {reason}',
  unknownCommand: 'This bot does not know that command; its command list may be out of date.',
  unknownComponent: 'This button belongs to a version of the bot that is gone. Please ask again.',
  restarting: 'The bot is restarting. Please ask again in a minute.',
  unexpected: 'Sorry, something went wrong on my side. Please try again in a moment.',

  // Interactive answers: buttons, the closest passage, example questions
  moreButton: 'More',
  contextButton: 'Context ¶{paragraph}',
  contextPlaceholder: 'Show a quoted paragraph in context…',
  contextOption: '¶{paragraph} · {section}',
  shareButton: 'Share',
  sharedBy: 'Shared by {user}',
  closestButton: 'Show the closest passage anyway',
  closestTitle: 'The closest passage — it may not answer your question',
  exampleQuestion: 'What does the article say about {topic}?',
  moreTitle: 'More from the same ranking',
  moreNote: 'These came after the quoted paragraphs in the ranking; they may answer less well.',
  moreTitleEntry: '{section} · paragraph {paragraph}',
  contextHeading: 'In context, under “{section}”',
  contextEntry: '{marker}paragraph {paragraph} · {section}',
  contextQuoted: '▶ ',
  passageGone:
    'That paragraph is no longer in the article as it was when this was answered: the index has been rebuilt since. Please ask again.',
  voteRecordedUp: 'Thanks: your 👍 is recorded. It stays between you and the bot’s owner.',
  voteRecordedDown: 'Thanks: your 👎 is recorded, so the bot’s owner can see what the article answers badly.',
  voteChanged: 'Your vote on this answer is changed.',
  voteUnchanged: 'You had already voted that way on this answer.',
  voteUnavailable: 'Sorry, I could not record your vote just now.',
  askArticleCommand: 'Ask the article',
  messageHasNoText: 'That message has no text to ask about (only images or attachments). Try /ask instead.',

  // /read
  readDescription: 'Read the article here, a page at a time',
  readSectionDescription: 'Start at this section',
  readParagraphDescription: 'Start at this paragraph (its number in the article)',
  readEntry: 'Paragraph {paragraph} · {section}',
  paragraphLabel: 'Paragraph {paragraph}',
  readFooter: 'Paragraphs {from}–{to} of {total} · {title}',
  readPrevious: '◀ Previous',
  readNext: 'Next ▶',
  readSectionPlaceholder: 'Jump to a section…',
  readPageGone: 'The article has changed since that page was shown, so here is its beginning.',
  readNoSuchParagraph: 'The article has no paragraph {paragraph}; it has {paragraphs}.',
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
  statsDescription: '最近几天的提问、回答和反馈(仅限服务器管理者)',
  statsDaysDescription: '统计多少天(默认 7 天)',
  corpusDescription: '添加、列出或移除机器人据以回答的文档(仅限服务器管理者)',
  corpusAddDescription: '添加一份 .txt 或 .md 文档(UTF-8 或 GB18030,最大 1 MB)并重建索引',
  corpusFileDescription: '文档:一个 .txt 或 .md 文件',
  corpusReplaceDescription: '如有同名文档,替换它',
  corpusListDescription: '各份文档及其段落数',
  corpusRemoveDescription: '移除一份文档并重建索引',
  corpusDocumentDescription: '要移除的文档',

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
  aboutKeptHeading: '保留哪些数据',
  aboutKeptQuestions:
    '为机器人的管理者,每个问题都会被记录:时间、提问方式(命令、私信、提及)、服务器、语言、问题本身、是否得到回答、' +
    '引用的段落以及用时。提问者只以带密钥的哈希保存,从不保存用户 ID。',
  aboutKeptCountsOnly:
    '为机器人的管理者,只记录计数:时间、提问方式(命令、私信、提及)、语言、是否得到回答、引用的段落以及用时;' +
    '不保存问题、服务器或提问者。',
  aboutKeptNoDmText: '私信中的问题不保存原文,只记录有人提问。',
  aboutKeptDmText: '私信中的问题也会保存原文。',
  aboutKeptVotes: '反馈投票(👍/👎)与投票者的带密钥哈希一起保存,每个回答一票。',
  aboutKeptRetention: '所有记录在 {days} 天后删除。',

  helpTitle: '如何提问',
  helpBody:
    '关于这篇文章,尽管提问:我会引用能回答问题的段落,并注明所在章节、段落编号和相关度,最匹配的句子用**粗体**标出。\n\n' +
    '• `/提问 问题:…` (/ask) 在频道里公开回答;加上 `仅自己可见:True` 则只有你能看到。\n' +
    '• 直接私信我:每条消息都是一个问题(发送“帮助”显示本说明)。\n' +
    '• 在频道里提及我:`@{botName} 你的问题`。\n' +
    '• 在任意消息上:应用 → 问这篇文章。`/阅读` (/read) 一页一页地给你读这篇文章。\n\n' +
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
    '新增 {added},删除 {removed},修改 {changed};本次计算向量 {embedded} 个,复用 {reused} 个。现在的回答来自新索引。',

  statsTitle: '最近 {days} 天',
  statsDay: '最近一天',
  statsQuestions: '提问',
  statsAnswered: '已回答',
  statsDeclined: '未回答',
  statsFeedback: '反馈',
  statsLatency: '用时',
  statsLatencyValue: 'p50 {p50} 毫秒 · p95 {p95} 毫秒',
  statsUnanswered: '问得最多却没有回答的问题',
  statsDeclinedWithoutText: '另有 {count} 个未回答的问题没有保存原文。',
  statsMostQuoted: '引用最多的段落',
  statsMostDownVoted: '差评最多的段落',
  statsPassage: '{section} · 第 {paragraph} 段',
  statsTimes: '{count} 次',
  statsNone: '无',
  statsChart: '每天的提问(UTC):🟩 已回答,⬜ 未回答。',
  statsNoQuestions: '这段时间没有提问。',

  corpusAdding: '正在添加 {name} 并重建索引…',
  corpusReplacing: '正在替换 {name} 并重建索引…',
  corpusAdded: '已添加 {name}({encoding},{passages} 个段落)。',
  corpusReplaced: '已替换 {name}({encoding},{passages} 个段落)。',
  corpusRemoving: '正在移除 {name} 并重建索引…',
  corpusRemoved: '已移除 {name}。',
  corpusListTitle: '文档',
  corpusListEntry: '{title}({name}):{passages} 个段落',
  corpusListRebuilding: '正在重建索引:重建完成前,回答仍来自这里列出的索引。',

  emptyQuestion: '问题是空的,请写下你想知道什么。',
  questionTooLong: '这个问题有 {length} 个字符,上限是 {maxLength} 个。请缩短后再问。',
  rateLimited: '请慢一点:每 {window} 秒最多可以问 {count} 个问题。请 {seconds} 秒后再试。',
  adminOnly: '只有拥有“管理服务器”权限的成员或机器人管理员才能使用这个命令。',
  reindexNotAllowed: '只有拥有“管理服务器”权限的成员或机器人管理员才能重建索引。',
  reindexFailed: '重建失败,之前的索引会继续回答问题。原因:{reason}',
  corpusBadExtension: '只能添加 .txt 和 .md 文件;{name} 两者都不是。',
  corpusBadName: '文件名 {name} 不能使用:文档名须以字母或数字开头,只能包含字母、数字、空格、点、连字符、下划线和括号。',
  corpusTooLarge: '文件大小为 {size};文档最大 {limit}。',
  corpusEmpty: '文件是空的,没有可添加的内容。',
  corpusBinary: '这不是文本文件。请上传 .txt 或 .md 文件。',
  corpusUnknownEncoding: '无法识别文件的编码。请另存为 UTF-8(GB18030 也可以)后重新上传。',
  corpusNoParagraphs: '文件里没有可用来回答的段落(段落之间以空行分隔)。',
  corpusExists: '已有名为 {name} 的文档。要替换它,请加上 `替换:True` (replace:True) 重新添加。',
  corpusMissing: '服务器上不存在语料目录(CORPUS_PATH),因此无法添加或移除文档。需要由机器人的运维者创建它。',
  corpusIsFile:
    'CORPUS_PATH 指向的是单个文件而不是目录,因此无法在 Discord 中添加或移除文档。机器人的运维者可以把它改为一个存放 .txt/.md 文件的目录。',
  corpusUnknownDocument: '没有名为 {name} 的文档;`/语料库 列表` (/corpus list) 可以列出所有文档。',
  corpusLastDocument: '{name} 是唯一的文档,机器人至少需要一份文档来回答问题。',
  corpusDownloadFailed: '无法从 Discord 下载这个文件,请重试。',
  corpusRebuildFailed: '重建失败,因此没有做任何改动:文档和索引保持原样。原因:{reason}',
  unknownCommand: '机器人不认识这个命令,命令列表可能已过时。',
  unknownComponent: '这个按钮来自机器人已不再使用的版本,请重新提问。',
  restarting: '机器人正在重启,请过一分钟再问。',
  unexpected: '抱歉,我这边出了点问题,请稍后再试。',

  moreButton: '更多',
  contextButton: '上下文 第{paragraph}段',
  contextPlaceholder: '查看某个引用段落的上下文…',
  contextOption: '第{paragraph}段 · {section}',
  shareButton: '分享',
  sharedBy: '由 {user} 分享',
  closestButton: '仍然显示最接近的段落',
  closestTitle: '最接近的段落——它可能答非所问',
  exampleQuestion: '文章里关于「{topic}」说了什么?',
  moreTitle: '同一排序中的更多段落',
  moreNote: '这些段落在排序中位于已引用段落之后,可能不如它们切题。',
  moreTitleEntry: '{section} · 第 {paragraph} 段',
  contextHeading: '上下文,位于“{section}”',
  contextEntry: '{marker}第 {paragraph} 段 · {section}',
  contextQuoted: '▶ ',
  passageGone: '回答之后索引已经重建,这一段已不再是当时的样子。请重新提问。',
  voteRecordedUp: '谢谢:你的 👍 已记录,只有你和机器人的主人知道。',
  voteRecordedDown: '谢谢:你的 👎 已记录,机器人的主人会看到文章哪些地方答得不好。',
  voteChanged: '你对这个回答的评价已更改。',
  voteUnchanged: '你已经这样评价过这个回答了。',
  voteUnavailable: '抱歉,暂时无法记录你的评价。',
  askArticleCommand: '问这篇文章',
  messageHasNoText: '这条消息没有可以提问的文字(只有图片或附件)。请改用 /提问。',

  readDescription: '在这里阅读文章,一次一页',
  readSectionDescription: '从这一节开始',
  readParagraphDescription: '从这一段开始(它在文章中的编号)',
  readEntry: '第 {paragraph} 段 · {section}',
  paragraphLabel: '第 {paragraph} 段',
  readFooter: '第 {from}–{to} 段,共 {total} 段 · {title}',
  readPrevious: '◀ 上一页',
  readNext: '下一页 ▶',
  readSectionPlaceholder: '跳到某一节…',
  readPageGone: '那一页显示之后文章已经变了,这里是文章的开头。',
  readNoSuchParagraph: '文章没有第 {paragraph} 段;它共有 {paragraphs} 段。',
};

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
  replace: '替换',
  document: '文档',
  read: '阅读',
  section: '章节',
  paragraph: '段落',
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
