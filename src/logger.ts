import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

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
 * Replaces every occurrence of a secret in the text. Whole lines pass through
 * here, after serialisation, so a token hidden in an error message, a URL or a
 * nested object is caught just the same.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) scrubbed = scrubbed.split(secret).join(REDACTED);
  return scrubbed;
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
  const secrets = (options.secrets ?? []).filter((secret): secret is string => typeof secret === 'string' && secret.length >= 8);
  const scrubbed = new ScrubbingStream(target, secrets);
  const usePretty = options.format === 'pretty' || (options.format === 'auto' && (target as NodeJS.WriteStream).isTTY === true);
  const stream = usePretty ? pretty({ destination: scrubbed, colorize: true, sync: true }) : scrubbed;
  return pino(
    {
      level: options.level,
      base: undefined,
      redact: {
        paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization'],
        censor: REDACTED,
      },
    },
    stream,
  );
}

/** A logger that drops everything, for library code used without one. */
export const silentLogger: Logger = pino({ level: 'silent' });
