/** A question log that cannot be used as it is: start-up stops with this message, which says what to do. */
export class QuestionLogError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QuestionLogError';
  }
}
