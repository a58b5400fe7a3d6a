import { QuestionLog } from '../../src/store/question-log.js';

/**
 * A process that writes questions to the log in DATA_DIR (argv[2]) as fast
 * as it can, one committed batch after another, printing `committed N` after
 * each commit: the test kills it mid-write and counts what survived.
 */
const log = QuestionLog.open({ dataDir: process.argv[2]!, keepQuestions: true, keepDmText: false, retentionDays: 30 });
let committed = 0;
for (;;) {
  for (let index = 0; index < 10; index++) {
    committed += 1;
    log.recordQuestion({
      answerId: `answer-${committed}`,
      askedAt: Date.now(),
      source: 'slash',
      guildId: '271828182845904523',
      userId: '314159265358979323',
      language: 'en',
      question: `question number ${committed}`,
      outcome: committed % 3 !== 0 ? 'answered' : 'declined',
      missing: [],
      quoted: [{ passageId: `article.txt#${committed % 25}`, score: 0.5 }],
      latencyMs: committed % 500,
    });
  }
  await log.flush();
  process.stdout.write(`committed ${committed}\n`);
}
