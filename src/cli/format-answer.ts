import type { Manifest } from '../core/index/index-store.js';
import type { Answer } from '../core/knowledge-base.js';

/**
 * The documented `ask --json` shape: stable for scripts, independent of internal types. A
 * result from a document with a source (an article added from a link) carries its `source_url`.
 */
export function answerToJson(answer: Answer, documents: Manifest['corpus']['documents'] = []) {
  const sources = new Map(documents.map((document) => [document.name, document.metadata?.sourceUrl]));
  return {
    question: answer.question,
    outcome: answer.outcome,
    answered: answer.answered,
    missing: answer.missing,
    results: answer.results.map((result) => ({
      rank: result.rank,
      score: Number(result.score.toFixed(4)),
      document: result.passage.document,
      title: result.passage.title,
      paragraph: result.passage.paragraph,
      section: result.passage.section,
      text: result.passage.text,
      ...((sourceUrl) => (sourceUrl ? { source_url: sourceUrl } : {}))(sources.get(result.passage.document)),
    })),
  };
}

const fixed = (value: number) => value.toFixed(2);

/**
 * Readable text: each paragraph with its place in the article (and the
 * document's title when the corpus has several), best sentences between » «.
 */
export function answerToText(answer: Answer, options: { multipleDocuments: boolean }): string {
  if (answer.outcome === 'declined') {
    const { best, bar } = answer;
    return (
      `The article does not seem to answer that: no paragraph has enough evidence ` +
      `(best ${fixed(best.score)} of the 1.00 needed: dense ${fixed(best.dense)} against the bar ${fixed(bar.bar)}, ` +
      `lexical ${fixed(best.lexical)}, content the article lacks ${fixed(best.gap)}).\n`
    );
  }
  const quote = (words: readonly string[]) => words.map((word) => `“${word}”`).join(', ');
  const caveat =
    answer.outcome !== 'partial'
      ? ''
      : answer.covered.length > 0
        ? `The article mentions ${answer.covered.slice(0, 3).join(', ')} but never mentions ${quote(answer.missing)}. The closest passages:\n\n`
        : `The article never mentions ${quote(answer.missing)}. The closest passages:\n\n`;
  return (
    caveat +
    answer.results
      .map((result) => {
        const { passage } = result;
        let text = passage.text;
        for (const { start, end } of [...result.highlights].reverse()) {
          text = `${text.slice(0, start)}»${text.slice(start, end)}«${text.slice(end)}`;
        }
        const where = [
          options.multipleDocuments ? passage.title : null,
          passage.section,
          `paragraph ${passage.paragraph}`,
        ]
          .filter(Boolean)
          .join(' · ');
        return `#${result.rank}  ${where}  (score ${result.score.toFixed(3)})\n${text}\n`;
      })
      .join('\n')
  );
}
