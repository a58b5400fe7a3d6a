import type { BuildProgress } from '../core/knowledge-base.js';

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
