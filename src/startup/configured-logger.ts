import type { Config } from '../config/config.js';
import { createLogger, type Logger } from '../logger.js';

/** The program's logger as the settings ask for it, scrubbing the bot token from every line. */
export function configuredLogger(config: Config): Logger {
  return createLogger({ level: config.log.level, format: config.log.format, secrets: [config.discord.token] });
}
