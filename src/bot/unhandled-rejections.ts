import { channel } from 'node:diagnostics_channel';
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import type { Logger } from '../logger.js';

/**
 * What `npm start` does with a promise rejection nobody handled.
 *
 * - From Discord or the network (a REST error, a refused or reset connection,
 *   anything thrown inside discord.js or its WebSocket and HTTP clients): the
 *   bot carries on. discord.js reconnects and resumes by itself, every
 *   question's reply is sent independently, and nothing of the bot's own state
 *   depends on such a promise: exiting would turn a hiccup of Discord's into
 *   an outage of the bot.
 * - From the bot's own code (the index swap, the question log, a handler):
 *   the bot stops, as gracefully as a SIGTERM, and exits 1, so that its
 *   supervisor starts it again (docs/operations.md#running-it-under-a-supervisor).
 *   Such a rejection is a bug that left some operation half done, and a
 *   restart reloads a known state: the index as last made current on disk,
 *   the log as committed.
 *
 * Either way it is logged with its origin and stack, and counted in /metrics.
 */

export type RejectionOrigin = 'discord' | 'network' | 'program';

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/** Libraries whose promises are Discord's connection, not the bot's state. */
const DISCORD_LIBRARIES = /[\\/]node_modules[\\/](?:discord\.js|@discordjs[\\/][\w-]+|undici|ws)[\\/]/;

export function rejectionOrigin(reason: unknown): RejectionOrigin {
  if (reason instanceof DiscordAPIError || reason instanceof HTTPError || reason instanceof RateLimitError)
    return 'discord';
  const error = reason as { code?: unknown; name?: unknown; stack?: unknown } | null | undefined;
  if (typeof error?.code === 'string' && (NETWORK_CODES.has(error.code) || error.code.startsWith('UND_ERR_')))
    return 'network';
  if (error?.name === 'AbortError' || error?.name === 'ConnectTimeoutError') return 'network';
  if (typeof error?.stack === 'string') {
    // The frame that threw decides: the library's own code, or ours calling it.
    const thrower = error.stack.split('\n').find((line) => /^\s+at /.test(line));
    if (thrower && DISCORD_LIBRARIES.test(thrower)) return 'discord';
  }
  return 'program';
}

const rejections = channel('article-bot:unhandled-rejections');

/** Calls `listener` with the origin of every unhandled rejection until the returned function is called. */
export function onUnhandledRejection(listener: (origin: RejectionOrigin) => void): () => void {
  const handler = (message: unknown) => listener(message as RejectionOrigin);
  rejections.subscribe(handler);
  return () => rejections.unsubscribe(handler);
}

/** Logs, counts and answers one unhandled rejection: carries on, or calls `restart` (see above). */
export function handleUnhandledRejection(
  reason: unknown,
  context: { logger: Logger; restart: () => void },
): RejectionOrigin {
  const origin = rejectionOrigin(reason);
  if (rejections.hasSubscribers) rejections.publish(origin);
  if (origin === 'program') {
    context.logger.fatal(
      { err: reason, origin },
      'unhandled promise rejection in the bot’s own code: stopping, for the supervisor to start it again',
    );
    context.restart();
  } else {
    context.logger.error(
      { err: reason, origin },
      'unhandled promise rejection from Discord or the network; carrying on (discord.js reconnects by itself)',
    );
  }
  return origin;
}
