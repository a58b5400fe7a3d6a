import { ConfigError } from '../config/config.js';
import { CorpusError } from '../core/corpus/corpus.js';
import { ModelLoadError } from '../core/embedding/embedder.js';
import { IndexLockedError } from '../core/index/index-lock.js';
import { QuestionLogError, SharedCorpusError } from '../store/errors.js';

/** Problems the user can fix: printed as a plain message, no stack trace. */
export function isExpectedStartupError(error: unknown): error is Error {
  return (
    error instanceof ConfigError ||
    error instanceof ModelLoadError ||
    error instanceof CorpusError ||
    error instanceof IndexLockedError ||
    error instanceof QuestionLogError ||
    error instanceof SharedCorpusError
  );
}

/**
 * Runs a command-line entry point (the CLI's and `npm run register`):
 * expected failures print their message and exit 1, others their stack.
 */
export function runProgram(main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      if (isExpectedStartupError(error)) process.stderr.write(`${error.message}\n`);
      else
        process.stderr.write(
          `Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
      process.exitCode = 1;
    },
  );
}
