import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type pretty from 'pino-pretty';

// pino-pretty (~7 MiB resident) is loaded only for a terminal: a bot logging JSON never carries it.
const require = createRequire(import.meta.url);

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  format: 'auto' | 'json' | 'pretty';
  /** Strings that must never reach a log line (the bot token). */
  secrets?: readonly (string | undefined)[];
  /** Where lines go; stderr by default so that stdout stays clean for `ask --json`. */
  destination?: NodeJS.WritableStream;
}

const REDACTED = '[redacted]';

/**
 * An interaction's token in a URL (`/interactions/<id>/<token>/callback`,
 * `/webhooks/<application>/<token>/…`): for 15 minutes it lets anyone answer
 * as the bot, so it is scrubbed like the bot token.
 */
const INTERACTION_TOKEN_IN_URL = /(\/(?:interactions|webhooks)\/\d{17,20}\/)[\w.-]{20,}/g;

/**
 * Replaces every occurrence of a secret in the text, and interaction tokens
 * in URLs. Whole lines pass through here, after serialisation, so a token
 * hidden in an error message, a URL or a nested object is caught just the same.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) scrubbed = scrubbed.split(secret).join(REDACTED);
  return scrubbed.replace(INTERACTION_TOKEN_IN_URL, `$1${REDACTED}`);
}

/**
 * Errors as pino serialises them, without the body of a failed Discord
 * request (discord.js attaches the whole reply to its errors): the route,
 * status and message say what failed; the reply text is not worth a log line.
 */
function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  if (serialized && typeof serialized === 'object') delete serialized.requestBody;
  return serialized;
}

/**
 * Writes straight to stderr, as a program does for the messages it prints
 * itself (a start-up failure), with the same scrubbing as the log: an error
 * from Discord may quote the request, token included.
 */
export function scrubbedStderr(secrets: readonly (string | undefined)[]): (text: string) => void {
  const usable = secrets.filter((secret): secret is string => typeof secret === 'string' && secret.length >= 8);
  return (text) => void process.stderr.write(scrubSecrets(text, usable));
}

class ScrubbingStream extends Writable {
  constructor(
    private readonly target: NodeJS.WritableStream,
    private readonly secrets: readonly string[],
  ) {
    super();
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.target.write(scrubSecrets(chunk.toString(), this.secrets));
    callback();
  }
}

export function createLogger(options: LoggerOptions): Logger {
  const target = options.destination ?? process.stderr;
  // Short secrets would redact ordinary words; a Discord token is ~70 characters.
  const secrets = (options.secrets ?? []).filter(
    (secret): secret is string => typeof secret === 'string' && secret.length >= 8,
  );
  const scrubbed = new ScrubbingStream(target, secrets);
  const usePretty =
    options.format === 'pretty' || (options.format === 'auto' && (target as NodeJS.WriteStream).isTTY === true);
  const stream = usePretty
    ? (require('pino-pretty') as typeof pretty)({ destination: scrubbed, colorize: true, sync: true })
    : scrubbed;
  return pino(
    {
      level: options.level,
      base: undefined,
      serializers: { err: serializeError },
      redact: {
        paths: [
          'token',
          '*.token',
          'authorization',
          '*.authorization',
          'headers.authorization',
          '*.headers.authorization',
        ],
        censor: REDACTED,
      },
    },
    stream,
  );
}

/** A logger that drops everything, for library code used without one. */
export const silentLogger: Logger = pino({ level: 'silent' });
