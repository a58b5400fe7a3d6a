/**
 * Waiting for the fake to reach a state: every module calls notify() after it changes something,
 * and each pending wait re-checks its condition then. Timers are tracked so close() leaves none.
 */

interface Waiter {
  check: () => boolean;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class ChangeNotifier {
  private readonly waiters = new Set<Waiter>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly defaultTimeoutMs: number) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** Re-checks every pending wait; call after any change a test could be waiting for. */
  notify(): void {
    for (const waiter of [...this.waiters]) {
      let satisfied: boolean;
      try {
        satisfied = waiter.check();
      } catch (error) {
        this.waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.reject(error as Error);
        continue;
      }
      if (satisfied) {
        this.waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.resolve();
      }
    }
  }

  /**
   * Resolves when `check()` returns true (re-checked on every fake-side event, and every
   * `pollMs` if given); rejects after timeoutMs with the description.
   */
  waitFor(
    check: () => boolean,
    timeoutMs: number = this.defaultTimeoutMs,
    description: string | (() => string) = 'condition',
    pollMs?: number,
  ): Promise<void> {
    if (this.closed) return Promise.reject(new Error('FakeDiscord is closed'));
    if (check()) return Promise.resolve();
    const waiting = new Promise<void>((resolve, reject) => {
      let poll: NodeJS.Timeout | undefined;
      const cleanup = (): void => {
        if (poll) {
          clearInterval(poll);
          this.timers.delete(poll);
        }
        this.timers.delete(timer);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        cleanup();
        const what = typeof description === 'function' ? description() : description;
        reject(new Error(`FakeDiscord: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.timers.add(timer);
      const waiter: Waiter = {
        check,
        resolve: () => {
          cleanup();
          resolve();
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
        timer,
      };
      this.waiters.add(waiter);
      // Conditions that depend on time passing (a quiet period) are not announced by any change.
      if (pollMs !== undefined) {
        poll = setInterval(() => this.notify(), Math.max(10, pollMs / 2));
        this.timers.add(poll);
      }
    });
    waiting.catch(() => {});
    return waiting;
  }

  /** Waits for a condition and resolves with what `find` found then. */
  waitForValue<T>(
    find: () => T | undefined,
    timeoutMs: number | undefined,
    description: string | (() => string),
  ): Promise<T> {
    let found: T | undefined;
    const waiting = this.waitFor(
      () => {
        found = find();
        return found !== undefined;
      },
      timeoutMs,
      description,
    ).then(() => found!);
    waiting.catch(() => {});
    return waiting;
  }

  sleep(milliseconds: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, milliseconds);
      this.timers.add(timer);
    });
  }

  /** Rejects pending waits and clears every timer. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('FakeDiscord closed'));
    }
    this.waiters.clear();
    for (const timer of this.timers) {
      clearTimeout(timer);
      clearInterval(timer);
    }
    this.timers.clear();
  }
}
