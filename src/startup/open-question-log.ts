import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import { PostgresQuestionLog } from '../store/postgres/question-log.js';
import { QuestionLog } from '../store/question-log.js';
import type { QuestionStore } from '../store/question-store.js';

/**
 * The configured question log, keeping what the privacy settings allow: shared
 * by the bot and `npm run stats`. PostgreSQL when DATABASE_URL is set (its
 * `start()` connects and migrates), SQLite in DATA_DIR otherwise (opened here).
 */
export function openQuestionLog(config: Config, logger: Logger): QuestionStore {
  const settings = config.questionLog;
  const privacy = {
    keepQuestions: settings.keepQuestions,
    keepDmText: settings.keepDmText,
    retentionDays: settings.retentionDays,
  };
  if (config.database)
    return new PostgresQuestionLog({
      url: config.database.url,
      shownUrl: config.database.shownUrl,
      ...privacy,
      logger,
    });
  return QuestionLog.open({ dataDir: settings.dataDir, ...privacy, logger });
}
