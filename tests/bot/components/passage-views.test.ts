import { describe, expect, it } from 'vitest';
import { closestView, contextView, moreView } from '../../../src/bot/components/passage-views.js';
import { sourceUrlsOf } from '../../../src/bot/citation-links.js';
import { manifestOf, passage } from '../../support/answer-fixtures.js';

const SOURCE = 'https://example.com/deepseek';

/** Three paragraphs of one document added from a link, so every quote of it can lead back there. */
function linkedManifest() {
  const passages = [1, 2, 3].map((paragraph) =>
    passage(`第${paragraph}段的第一句。第二句。`, {
      id: `article.txt#${paragraph}`,
      paragraph,
      document: 'article.txt',
    }),
  );
  const manifest = manifestOf(passages);
  manifest.corpus.documents[0]!.metadata = { title: 'The article', sourceUrl: SOURCE };
  return manifest;
}

describe('given passages of a document that has a source URL', () => {
  const manifest = linkedManifest();
  const sources = sourceUrlsOf(manifest);

  it('then Context, More and the closest passage each link to the page, at the passage’s first sentence', () => {
    const views = [
      contextView(manifest, 1, 'en'),
      moreView(manifest.passages.slice(1), 'en', sources),
      closestView(manifest.passages[2]!, 'en', sources),
    ];
    for (const view of views) {
      expect(view.embeds.length).toBeGreaterThan(0);
      for (const embed of view.embeds) expect(embed.url).toMatch(/^https:\/\/example\.com\/deepseek#:~:text=%E7%AC%AC/);
    }
    expect(decodeURIComponent(contextView(manifest, 1, 'en').embeds[1]!.url!)).toBe(
      `${SOURCE}#:~:text=第2段的第一句。`,
    );
  });

  it('then without a source the same views carry no link', () => {
    const plain = manifestOf(linkedManifest().passages);
    for (const embed of contextView(plain, 1, 'en').embeds) expect(embed.url).toBeUndefined();
    expect(moreView(plain.passages, 'en', sourceUrlsOf(plain)).embeds[0]!.url).toBeUndefined();
  });
});
