import { ConfigError } from '../config.js';
import { CorpusError } from '../core/corpus.js';
import { ModelLoadError } from '../core/embedder.js';
import type { BuildProgress } from '../core/knowledge-base.js';

/** Problems the user can fix: printed as a plain message, no stack trace. */
export function isExpectedStartupError(error: unknown): error is Error {
  return error instanceof ConfigError || error instanceof ModelLoadError || error instanceof CorpusError;
}

/** Runs a CLI entry point: expected failures print their message and exit 1, others their stack. */
export function runCli(main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      if (isExpectedStartupError(error)) process.stderr.write(`${error.message}\n`);
      else process.stderr.write(`Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

/** Progress on stderr: one updating line on a terminal, a line per phase change otherwise. */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): (progress: BuildProgress) => void {
  let lastPhase = '';
  let lastPercent = -1;
  return ({ phase, done, total }) => {
    const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
    if (stream.isTTY) {
      stream.write(`\r${phase.padEnd(9)} ${done}/${total} (${percent}%)`);
      if (phase === 'writing' && done === total) stream.write('\n');
      return;
    }
    // Non-terminals get a line per phase and per 25% of embedding, not a flood.
    if (phase !== lastPhase || (phase === 'embedding' && Math.floor(percent / 25) !== Math.floor(lastPercent / 25))) {
      stream.write(`${phase} ${done}/${total}\n`);
    }
    lastPhase = phase;
    lastPercent = percent;
  };
}
