/**
 * The bot's words in English: the reference table. Every key here must be
 * in the simplified-Chinese table too (TypeScript checks it); traditional
 * Chinese is derived from the simplified table (see ../i18n.ts).
 */
export const english = {
  // Slash command descriptions (names are fixed in English; see COMMAND_NAMES for their translations).
  askDescription: 'Ask a question about the article',
  askQuestionDescription: 'Your question, in Chinese or English',
  askPrivateDescription: 'Show the answer to you only (the default in a server that did not add the bot)',
  aboutDescription: 'What the bot knows: the article, its passages, the model and when the index was built',
  helpDescription: 'How to ask, with example questions',
  reindexDescription: 'Re-read the article and rebuild the index (server managers only)',
  statsDescription: 'Questions, answers and feedback of the last days (server managers only)',
  statsDaysDescription: 'How many days to cover (default 7)',
  corpusDescription: 'Add, list or remove the documents the bot answers from (server managers only)',
  corpusAddDescription: 'Add a .txt or .md document (at most 1 MB) or an article from a link, and rebuild the index',
  corpusFileDescription: 'The document: a .txt or .md file (UTF-8 or GB18030)',
  corpusUrlDescription: 'Or a link to the article: an http(s) web page, at most 5 MB',
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
  // A partial answer: what the article has of the question, and what it lacks, above the closest passages.
  partialMentions: 'The article mentions {covered} but never mentions {missing}. The closest passages:',
  partialMissing: 'The article never mentions {missing}. The closest passages:',
  partialWord: '‘{word}’',
  wordSeparator: ', ',

  // /about
  aboutIntro: 'I answer questions about this article by quoting the passages that answer them.',
  aboutPassages: 'Passages',
  aboutModel: 'Model',
  aboutBuilt: 'Index built',
  aboutSections: 'Sections',
  aboutDocuments: 'Documents',
  aboutRebuilding: 'A rebuild is running; answers come from this index until it finishes.',
  aboutBar: 'Relevance bar',
  aboutBarCalibrated: '{bar}, calibrated for this model on {probes} off-topic questions',
  aboutBarMinScore: '{bar}, set by MIN_SCORE',
  aboutShards: 'Shards of this process',
  aboutShardsValue: '{ids} of {count}',
  aboutCorpus: 'Shared corpus',
  aboutCorpusValue:
    'Version {version}, the same for every process of the bot. This process embedded {embedded} passages for its index and took {reused} from the shared cache.',
  aboutKeptHeading: 'What is kept',
  aboutKeptQuestions:
    'For the bot’s owner, each question is logged: when, how and where it was asked (command, DM, mention; server, DM or group DM), the server, ' +
    'the language, the question, whether it was answered, the paragraphs quoted and how long it took. ' +
    'The asker is kept as a keyed hash, never as a user id.',
  aboutKeptCountsOnly:
    'For the bot’s owner, only counts are logged: when, how and where it was asked (command, DM, mention; server, DM or group DM), the language, ' +
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
  statsPartial: 'Partly answered',
  statsDeclined: 'Declined',
  statsFeedback: 'Feedback',
  statsLatency: 'Latency',
  statsLatencyValue: 'p50 {p50} ms · p95 {p95} ms',
  statsUnanswered: 'Asked most, not answered',
  statsCoverageGaps: 'What the article lacks (words partial answers found missing)',
  statsDeclinedWithoutText: 'Plus {count} declined where the text is not kept.',
  statsMostQuoted: 'Quoted most',
  statsMostDownVoted: 'Down-voted most',
  statsPassage: '{section} · paragraph {paragraph}',
  statsTimes: '{count}×',
  statsNone: 'None',
  statsChart: 'Questions per day (UTC): 🟩 answered, ⬜ declined.',
  statsNoQuestions: 'No questions in this period.',
  statsWhere: 'Where asked',
  statsWhereValue:
    'servers with the bot {server} · servers through a user’s install {userInServer} · DMs with the bot {botDm} · group and other DMs {privateChannel}',

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
  corpusBadUrl:
    'The bot follows only http:// and https:// links without a user name or password, and {url} is not one.',
  corpusPrivateAddress:
    '{host} is at {address}, a loopback, private or link-local address: the bot does not fetch from those (ALLOW_PRIVATE_URLS is off).',
  corpusTooManyRedirects: 'The link redirects more than {limit} times, so the bot stopped following it.',
  corpusFetchTimeout:
    'The page did not arrive within {seconds} s. Try again later, or save it and upload it as a file.',
  corpusPageTooLarge:
    'The page is larger than {limit}, more than the bot fetches. Save its text and upload it as a file.',
  corpusHttpStatus: 'The site answered HTTP {status}: there is no page to add.',
  corpusUnreachable: 'The page could not be fetched ({reason}).',
  corpusUnsupportedType:
    'The link gives {contentType}, not a web page: only HTML, XHTML and plain text pages can be added. Save its text as a .txt file and upload that instead.',
  corpusFileOrUrl: 'Give `file:` or `url:`, one of the two.',
  corpusAddedFrom: 'Added {name} from {url} ({passages} passages).',
  corpusReplacedFrom: 'Replaced {name} from {url} ({passages} passages).',
  corpusDownloadFailed: 'The file could not be downloaded from Discord. Please try again.',
  corpusRebuildFailed:
    'The rebuild failed, so nothing was changed: the documents and the index stay as they were. Reason: {reason}',
  corpusChangeKept:
    'The rebuild failed, and the change could not be undone: it stays in the corpus, and the previous index keeps answering until a rebuild succeeds. Reason: {reason}',
  sharedDatabaseUnavailable:
    'The database the bot’s processes share cannot be reached just now, so nothing was changed. Questions are still answered from the current index. Please try again later.',
  unknownCommand: 'This bot does not know that command; its command list may be out of date.',
  unknownComponent: 'This button belongs to a version of the bot that is gone. Please ask again.',
  restarting: 'The bot is restarting. Please ask again in a minute.',
  modelUnavailable: 'The language model is not answering right now. Please try again in a moment.',
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
