import { describe, expect, it } from 'vitest';
import { parseDocumentFile } from '../../../src/core/corpus/corpus.js';
import { formatFrontMatter, splitFrontMatter } from '../../../src/core/corpus/document-metadata.js';

const METADATA = {
  title: 'DeepSeek为何能血洗美股',
  byline: '王维嘉 "WW"',
  siteName: '示例新闻',
  published: '2025-01-28T08:00:00Z',
  sourceUrl: 'https://news.example/deepseek?id=1#top',
  fetchedAt: '2026-12-04T16:00:00.000Z',
};

describe('given a document with front matter', () => {
  it('then its metadata is read back exactly as written, and its body follows', () => {
    const text = `${formatFrontMatter(METADATA)}\n# DeepSeek为何能血洗美股\n\n第一段。\n`;
    expect(text.startsWith('---\ntitle: "DeepSeek为何能血洗美股"\nbyline: "王维嘉 \\"WW\\""\nsite_name:')).toBe(true);
    expect(splitFrontMatter(text)).toEqual({ metadata: METADATA, body: '\n# DeepSeek为何能血洗美股\n\n第一段。\n' });
  });

  it('then the document takes its title from it and keeps it, and the front matter is never a passage', () => {
    const document = parseDocumentFile(
      'a.md',
      `${formatFrontMatter(METADATA)}\n# DeepSeek为何能血洗美股\n\n第一段的文字,没有句号\n\n第二段的文字。\n`,
    );
    expect(document.title).toBe(METADATA.title);
    expect(document.metadata).toEqual(METADATA);
    expect(document.passages.map((passage) => passage.text)).toEqual(['第一段的文字,没有句号', '第二段的文字。']);
  });
});

describe('given a document without front matter', () => {
  it('then it is read as before: no metadata, the first line its title', () => {
    const document = parseDocumentFile('b.txt', '标题\n\n第一段的文字。\n');
    expect(document.metadata).toBeUndefined();
    expect(document.title).toBe('标题');
    expect(splitFrontMatter('---\nnot closed\n\ntext')).toEqual({
      metadata: undefined,
      body: '---\nnot closed\n\ntext',
    });
  });
});
