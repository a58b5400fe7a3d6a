import { describe, expect, it } from 'vitest';
import { displayModelName, formatAbout } from '../../../src/bot/commands/about.js';
import type { Manifest } from '../../../src/core/index-store.js';
import { SECTIONS } from '../../support/answer-fixtures.js';

describe('given /about', () => {
  const manifest = {
    model: { id: '/home/someone/models/tiny-model' },
    corpus: { documents: [{ name: 'article.txt', title: '王维嘉 DeepSeek为何能血洗美股', sections: SECTIONS }] },
    passages: Array.from({ length: 25 }, () => ({})),
    builtAt: '2025-01-28T09:30:00.000Z',
  } as unknown as Manifest;

  it('then it shows the title, the passage count, the model by name (not its path) and the build time as a Discord timestamp', () => {
    const reply = formatAbout(manifest, { language: 'en', isRebuilding: false });
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe('王维嘉 DeepSeek为何能血洗美股');
    expect(embed.fields).toEqual([
      { name: 'Passages', value: '25', inline: true },
      { name: 'Model', value: 'tiny-model', inline: true },
      { name: 'Index built', value: '<t:1738056600:f> (<t:1738056600:R>)', inline: true },
      { name: 'Sections', value: SECTIONS.map((section) => `• ${section}`).join('\n'), inline: false },
    ]);
    expect(embed.description).not.toContain('rebuild');
  });

  it('then during a rebuild it says answers still come from this index', () => {
    expect(formatAbout(manifest, { language: 'en', isRebuilding: true }).embeds[0]!.description).toContain('A rebuild is running');
  });

  it('then a hub model keeps its id', () => {
    expect(displayModelName('Xenova/multilingual-e5-small')).toBe('Xenova/multilingual-e5-small');
  });
});
