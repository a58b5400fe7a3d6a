import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocumentFile } from '../../../../src/core/corpus/corpus.js';
import { CorpusEditError } from '../../../../src/core/corpus/corpus-edit-error.js';
import { documentNameFor, webDocument } from '../../../../src/core/corpus/web/web-document.js';
import { ARTICLE_PARAGRAPHS, articlePage, page, startWebServer, type WebServer } from '../../../support/web-server.js';

let server: WebServer;
const FETCHED_AT = new Date('2026-12-04T16:00:00Z');
const options = { allowPrivate: true, now: () => FETCHED_AT };

beforeAll(async () => {
  server = await startWebServer({
    '/deepseek': page('text/html; charset=utf-8', articlePage()),
    '/empty': page(
      'text/html',
      '<!doctype html><html><head><title></title></head><body><img src="a.png"><script>var x = 1;</script></body></html>',
    ),
    '/binary': page('text/plain', Buffer.from(Array.from({ length: 400 }, (_, index) => (index % 7 === 0 ? 1 : 65)))),
    '/notes.txt': page('text/plain', '补充说明\n\n苹果公司没有参与这场竞争,它在人工智能上另有打算。\n'),
  });
});

afterAll(() => server?.close());

describe('given the article as a web page, wrapped in navigation, a sidebar and comments', () => {
  it('then the document holds the article’s paragraphs, in order, and none of the page around them', async () => {
    const document = await webDocument(`${server.origin}/deepseek`, options);
    const text = document.bytes.toString('utf8');
    const parsed = parseDocumentFile(document.name, text);

    const bodyParagraphs = ARTICLE_PARAGRAPHS.filter((block) => [...block].length > 24);
    expect(parsed.passages.map((passage) => passage.text)).toEqual(bodyParagraphs);
    for (const noise of ['首页', '登录注册', '热门文章', '苹果发布新款手机', '沙发', '广告', '版权所有'])
      expect(text, noise).not.toContain(noise);
    expect(parsed.sections).toContain('暴风雨的前夜');
  });

  it('then its title, byline, site name, date and address are its metadata, and name it', async () => {
    const document = await webDocument(`${server.origin}/deepseek`, options);
    expect(document.metadata).toEqual({
      title: 'DeepSeek为何能血洗美股',
      byline: '王维嘉',
      siteName: '示例新闻',
      published: '2025-01-28T08:00:00Z',
      sourceUrl: `${server.origin}/deepseek`,
      fetchedAt: '2026-12-04T16:00:00.000Z',
    });
    expect(document.name).toBe('DeepSeek为何能血洗美股.md');
    const parsed = parseDocumentFile(document.name, document.bytes.toString('utf8'));
    expect(parsed.title).toBe('DeepSeek为何能血洗美股');
    expect(parsed.metadata).toEqual(document.metadata);
    expect(parsed.passages[0]!.title).toBe('DeepSeek为何能血洗美股');
  });
});

describe('given pages that hold no article', () => {
  it('then a page whose extraction is empty is refused as an empty upload is', async () => {
    const error = await webDocument(`${server.origin}/empty`, options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CorpusEditError);
    expect((error as CorpusEditError).problem).toEqual({ kind: 'empty' });
  });

  it('then a text page that is mostly control characters is refused as a binary upload is', async () => {
    const error = await webDocument(`${server.origin}/binary`, options).catch((caught: unknown) => caught);
    expect((error as CorpusEditError).problem).toEqual({ kind: 'binary' });
  });
});

describe('given a plain text page', () => {
  it('then its text is the document, with its address as metadata', async () => {
    const document = await webDocument(`${server.origin}/notes.txt`, options);
    expect(document.metadata.sourceUrl).toBe(`${server.origin}/notes.txt`);
    const parsed = parseDocumentFile(document.name, document.bytes.toString('utf8'));
    expect(parsed.title).toBe('补充说明');
    expect(parsed.passages).toHaveLength(1);
  });
});

describe('given a page’s title or address', () => {
  it('then the document’s name is a safe one made from it', () => {
    expect(documentNameFor('DeepSeek: why? / 美股', 'https://a.example/x')).toBe('DeepSeek why 美股.md');
    expect(documentNameFor(undefined, 'https://news.example.com/2025/deepseek')).toBe(
      'news.example.com 2025 deepseek.md',
    );
    expect(documentNameFor('...', 'https://news.example.com/')).toBe('news.example.com.md');
  });
});
