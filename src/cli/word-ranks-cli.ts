import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { WORD_RANKS_FILE } from '../core/search/relevance/specificity.js';
import { renderRankedWords, rankWords } from '../core/search/relevance/word-frequency-lists.js';
import { runProgram } from '../startup/run-program.js';

/** `npm run word-ranks`: writes src/core/search/relevance/word-ranks.json from the word-frequency lists (after updating them). */
runProgram(async () => {
  // Written into the sources, not into dist/: the file is shipped with the code.
  const target = fileURLToPath(WORD_RANKS_FILE).replace(/([\\/])dist([\\/])/, '$1src$2');
  await writeFile(target, renderRankedWords(rankWords()));
  process.stderr.write(`Wrote ${target}.\n`);
  return 0;
});
