/** A question log that cannot be used as it is: start-up stops with this message, which says what to do. */
export class QuestionLogError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QuestionLogError';
  }
}

/** The shared corpus's database cannot be used at start-up: start-up stops with this message, which says what to do. */
export class SharedCorpusError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SharedCorpusError';
  }
}

/**
 * The shared database cannot be reached just now (DATABASE_URL): what needed
 * it was not done, nothing committed is lost, and it may be tried again later.
 */
export class DatabaseUnavailableError extends Error {
  constructor(database: string, options: { cause: unknown }) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`the shared database ${database} cannot be reached just now (${reason})`, options);
    this.name = 'DatabaseUnavailableError';
  }
}
