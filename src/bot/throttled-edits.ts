/**
 * Sends the latest of a stream of updates at most once per interval, in
 * order, one at a time: progress shown by editing a message without hitting
 * Discord's rate limits. Updates that arrive faster are coalesced (only the
 * newest is sent).
 */
export class ThrottledEdits {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private pending: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly send: (text: string) => Promise<unknown>,
    private readonly minIntervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  update(text: string): void {
    if (this.closed) return;
    this.pending = text;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.untilNextAllowed());
  }

  /**
   * Stops sending updates. Resolves once the last one went out and the
   * interval since it has passed, so that the caller's final edit keeps the pace.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    await this.sending;
    await new Promise((resolve) => setTimeout(resolve, this.untilNextAllowed()));
  }

  private untilNextAllowed(): number {
    return Math.max(0, this.lastSentAt + this.minIntervalMs - Date.now());
  }

  private flush(): void {
    this.sending = this.sending.then(async () => {
      await new Promise((resolve) => setTimeout(resolve, this.untilNextAllowed()));
      const text = this.pending;
      this.pending = undefined;
      if (text === undefined || this.closed) return;
      this.lastSentAt = Date.now();
      try {
        await this.send(text);
      } catch (error) {
        this.onError(error);
      }
    });
  }
}
