import type { Logger } from 'pino';
import type { ReindexReport } from './answer.js';
import type { CorpusSource } from './corpus-source.js';

/** Rebuilds in a row for one notice at most: a version that a rebuild never reaches is not chased forever. */
const MAX_REBUILDS_PER_NOTICE = 3;

interface Target {
  /** The version the served index was built from. */
  inForce(): number | undefined;
  /** A rebuild from the shared documents as they are (joining one in progress). */
  rebuild(): Promise<ReindexReport>;
  /** Resolves once the rebuilds and changes queued so far are done. */
  idle(): Promise<void>;
  logger: Logger;
}

/**
 * Keeps one process's index on the latest version of a shared corpus. The
 * source tells it of versions (as they are committed, and regularly in case
 * a notice was lost); a version newer than the one in force starts a rebuild,
 * which serves the old index until the new one is ready. A failed rebuild is
 * logged, and tried again at the next notice.
 */
export class CorpusFollower {
  private latest = 0;
  private catchingUp: Promise<void> | undefined;
  private readonly stopFollowing: () => void;
  private stopped = false;

  constructor(
    follow: NonNullable<CorpusSource['follow']>,
    private readonly target: Target,
  ) {
    this.stopFollowing = follow((version) => this.notice(version));
  }

  private behind(): boolean {
    return (this.target.inForce() ?? 0) < this.latest;
  }

  private notice(version: number): void {
    this.latest = Math.max(this.latest, version);
    if (this.stopped || this.catchingUp || !this.behind()) return;
    this.catchingUp = this.catchUp().finally(() => (this.catchingUp = undefined));
  }

  private async catchUp(): Promise<void> {
    for (let attempt = 0; attempt < MAX_REBUILDS_PER_NOTICE && !this.stopped; attempt++) {
      // A change this process is making announces itself: once it is done, its version is in force already.
      await this.target.idle();
      if (!this.behind() || this.stopped) return;
      const from = this.target.inForce();
      try {
        const report = await this.target.rebuild();
        this.target.logger.info(
          {
            from,
            to: this.target.inForce(),
            embedded: report.embedded,
            reused: report.reused,
            passages: report.passages,
          },
          'rebuilt the index from a new version of the shared corpus',
        );
      } catch (error) {
        this.target.logger.warn(
          { err: error, inForce: from, latest: this.latest },
          'could not rebuild from the new version of the shared corpus; answering from the index in force, and trying again at the next check',
        );
        return;
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.stopFollowing();
  }
}
