import type { Answer } from '../core/knowledge-base.js';

/** The documented `ask --json` shape: stable for scripts, independent of internal types. */
export function answerToJson(answer: Answer) {
  return {
    question: answer.question,
    answered: answer.answered,
    results: answer.results.map((result) => ({
      rank: result.rank,
      score: Number(result.score.toFixed(4)),
      paragraph: result.passage.paragraph,
      section: result.passage.section,
      text: result.passage.text,
    })),
  };
}

/** Readable text: each paragraph with its place in the article, best sentences between » «. */
export function answerToText(answer: Answer): string {
  if (!answer.answered) {
    return (
      `The article does not seem to answer that: no paragraph is similar enough ` +
      `(best ${answer.bestScore.toFixed(2)}, needed ${answer.threshold.toFixed(2)}) ` +
      `or shares enough of the question's words (best ${answer.bestCoverage.toFixed(2)}, needed ${answer.coverageThreshold.toFixed(2)}).\n`
    );
  }
  return answer.results
    .map((result) => {
      const { passage } = result;
      let text = passage.text;
      for (const { start, end } of [...result.highlights].reverse()) {
        text = `${text.slice(0, start)}»${text.slice(start, end)}«${text.slice(end)}`;
      }
      const where = [passage.section, `paragraph ${passage.paragraph}`].filter(Boolean).join(' · ');
      return `#${result.rank}  ${where}  (score ${result.score.toFixed(3)})\n${text}\n`;
    })
    .join('\n');
}
