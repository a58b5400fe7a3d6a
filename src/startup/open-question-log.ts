import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import { QuestionLog } from '../store/question-log.js';

/** The question log in DATA_DIR, keeping what the privacy settings allow: shared by the bot and `npm run stats`. */
export function openQuestionLog(config: Config, logger: Logger): QuestionLog {
  const settings = config.questionLog;
  return QuestionLog.open({
    dataDir: settings.dataDir,
    keepQuestions: settings.keepQuestions,
    keepDmText: settings.keepDmText,
    retentionDays: settings.retentionDays,
    logger,
  });
}
