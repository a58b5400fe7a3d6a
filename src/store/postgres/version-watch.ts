import type pg from 'pg';
import type { Logger } from '../../logger.js';
import { pgClient } from './connection.js';

/** The channel a commit of the shared corpus is announced on; its payload is the new version. */
export const CORPUS_CHANNEL = 'article_bot_corpus';

const CONNECT_TIMEOUT_MS = 3000;
/** Waits between attempts to listen again double from `relistenMs` up to this. */
const MAX_RELISTEN_MS = 30_000;

export interface VersionWatchOptions {
  url: string;
  logger: Logger;
  /** Reads the latest version (throws while the database cannot be reached). */
  latest: () => Promise<number>;
  /** How often the latest version is read anyway: a LISTEN connection can die without a word. */
  pollMs: number;
  /** How long after losing the LISTEN connection it tries again, first. */
  relistenMs: number;
}

/**
 * Tells a process of every new version of the shared corpus: at once through
 * PostgreSQL's LISTEN/NOTIFY (a connection of its own), and by reading the
 * latest version every `pollMs`, when that connection comes back, and at
 * the start, since notices sent while nobody listened are lost. The listener
 * may hear a version more than once.
 */
export class VersionWatch {
  private client: pg.Client | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private relistenTimer: NodeJS.Timeout | undefined;
  private relistenMs: number;
  private stopped = false;
  private listening = true;
  private reading = true;
  private checking = false;

  constructor(
    private readonly options: VersionWatchOptions,
    private readonly listener: (version: number) => void,
  ) {
    this.relistenMs = options.relistenMs;
    this.pollTimer = setInterval(() => void this.check(), options.pollMs);
    this.pollTimer.unref();
    this.listen();
    void this.check();
  }

  /** Whether the LISTEN connection is up (for tests and diagnostics). */
  get isListening(): boolean {
    return this.client !== undefined;
  }

  private listen(): void {
    if (this.stopped) return;
    const client = new (pgClient().Client)({
      connectionString: this.options.url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
    });
    let lost = false;
    const onLost = (error?: unknown) => {
      if (lost || this.stopped) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      void client.end().catch(() => undefined);
      if (this.listening) {
        this.listening = false;
        this.options.logger.warn(
          { err: error, pollSeconds: this.options.pollMs / 1000 },
          'stopped listening for changes of the shared corpus; reading its version regularly until listening again',
        );
      }
      this.relistenTimer = setTimeout(() => this.listen(), this.relistenMs);
      this.relistenTimer.unref();
      this.relistenMs = Math.min(this.relistenMs * 2, MAX_RELISTEN_MS);
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', ({ payload }) => {
      const version = Number(payload);
      if (Number.isSafeInteger(version)) this.listener(version);
    });
    client
      .connect()
      .then(() => client.query(`LISTEN ${CORPUS_CHANNEL}`))
      .then(() => {
        if (this.stopped || lost) return void client.end().catch(() => undefined);
        this.client = client;
        this.relistenMs = this.options.relistenMs;
        if (!this.listening) {
          this.listening = true;
          this.options.logger.info('listening for changes of the shared corpus again');
        }
        // What was committed while nobody listened was announced to nobody.
        void this.check();
      }, onLost);
  }

  /** Reads the latest version and tells the listener; a failure is logged once until a read succeeds again. */
  private async check(): Promise<void> {
    if (this.checking || this.stopped) return;
    this.checking = true;
    try {
      const version = await this.options.latest();
      if (!this.reading) {
        this.reading = true;
        this.options.logger.info('the shared corpus can be read again');
      }
      if (!this.stopped) this.listener(version);
    } catch (error) {
      if (this.reading) {
        this.reading = false;
        this.options.logger.warn(
          { err: error },
          'cannot read the shared corpus for changes; answering from the index in force until it can be read',
        );
      }
    } finally {
      this.checking = false;
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.relistenTimer);
    void this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
