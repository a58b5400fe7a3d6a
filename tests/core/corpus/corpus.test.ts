import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CorpusError, loadCorpus, parseDocument, stripBoilerplate } from '../../../src/core/corpus/corpus.js';
import { ARTICLE_PATH, PROJECT_ROOT, removeTempDirs, tempDir } from '../../support/fixtures.js';

afterAll(removeTempDirs);

describe('given the shipped article', async () => {
  const corpus = await loadCorpus(path.join(PROJECT_ROOT, 'corpus'));
  const [document] = corpus.documents;

  it('then it is one document whose title is the first line', () => {
    expect(corpus.documents).toHaveLength(1);
    expect(document!.title).toBe('王维嘉 DeepSeek为何能血洗美股 (王维嘉的老婆)');
  });

  it('then it has the 25 body paragraphs a reader counts, numbered from 1', () => {
    expect(corpus.passages).toHaveLength(25);
    expect(corpus.passages.map((passage) => passage.paragraph)).toEqual(
      Array.from({ length: 25 }, (_, index) => index + 1),
    );
    expect(corpus.passages[0]!.text.startsWith('元月27日DeepSeek的出现')).toBe(true);
    expect(corpus.passages[24]!.text.startsWith('如今,业界真正关键的疑问')).toBe(true);
  });

  it('then the byline, the title and the headings are not paragraphs', () => {
    const texts = corpus.passages.map((passage) => passage.text);
    expect(texts.some((text) => text.includes('阅读数'))).toBe(false);
    expect(texts.some((text) => text.includes('王维嘉的老婆'))).toBe(false);
    expect(texts).not.toContain('暴风雨的前夜');
  });

  it('then the three headings become the sections of the paragraphs under them', () => {
    expect(document!.sections).toEqual([
      '暴风雨的前夜',
      '散户投资人和一线从业者的三大差距',
      '下一步最关键的疑问是什么?',
    ]);
    expect(corpus.passages[0]!.section).toBeNull();
    expect(corpus.passages[1]!.section).toBe('暴风雨的前夜');
    expect(corpus.passages[10]!.section).toBe('散户投资人和一线从业者的三大差距');
    expect(corpus.passages[19]!.section).toBe('下一步最关键的疑问是什么?');
    expect(corpus.passages[24]!.section).toBe('下一步最关键的疑问是什么?');
  });

  it('then the copyright notice and the "hot posts" trailer are never passages', () => {
    const all = corpus.passages.map((passage) => passage.text).join('\n');
    for (const boilerplate of ['版权声明', '本文来自网络', '未经许可', '热门']) expect(all).not.toContain(boilerplate);
  });

  it('then every passage carries document, paragraph, section and the text verbatim', async () => {
    const { readFile } = await import('node:fs/promises');
    const raw = await readFile(ARTICLE_PATH, 'utf8');
    for (const passage of corpus.passages) {
      expect(passage.document).toBe('wang-weijia-deepseek-wall-street.txt');
      expect(passage.id).toBe(`${passage.document}#${passage.paragraph}`);
      expect(raw).toContain(passage.text);
    }
  });
});

describe('given a directory of .txt and .md files', () => {
  it('then every such file is a document, markdown headings are sections and other files are ignored', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'b.md'), '# Guide\n\n## Setup\n\nInstall it first.\n\n## Use\n\nThen run it.\n');
    await writeFile(path.join(dir, 'a.txt'), 'A title\n\nThe only paragraph of a.\n');
    await writeFile(path.join(dir, 'notes.json'), '{"not": "a document"}');
    const corpus = await loadCorpus(dir);
    expect(corpus.documents.map((document) => document.name)).toEqual(['a.txt', 'b.md']);
    expect(corpus.documents[1]!.title).toBe('Guide');
    expect(corpus.documents[1]!.passages.map((passage) => [passage.section, passage.paragraph, passage.text])).toEqual([
      ['Setup', 1, 'Install it first.'],
      ['Use', 2, 'Then run it.'],
    ]);
  });

  it('then a change to any file changes the content hash', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'a.txt'), 'Title\n\nFirst version.\n');
    const before = await loadCorpus(dir);
    await writeFile(path.join(dir, 'a.txt'), 'Title\n\nSecond version.\n');
    const after = await loadCorpus(dir);
    expect(after.contentHash).not.toBe(before.contentHash);
  });
});

describe('given a corpus path that cannot be used', () => {
  it('then a missing path is a CorpusError naming CORPUS_PATH', async () => {
    await expect(loadCorpus('/nonexistent/corpus')).rejects.toThrow(CorpusError);
    await expect(loadCorpus('/nonexistent/corpus')).rejects.toThrow(/CORPUS_PATH/);
  });

  it('then a directory without documents is a CorpusError', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'empty'));
    await expect(loadCorpus(path.join(dir, 'empty'))).rejects.toThrow(/no \.txt or \.md files/);
  });
});

describe('given Windows line endings and a trailer', () => {
  it('then paragraphs split the same and the trailer is cut', () => {
    const text = 'Title\r\n\r\nOne.\r\n\r\nTwo.\r\n\r\n版权声明\r\n\r\n本文来自网络。\r\n';
    const document = parseDocument('x.txt', stripBoilerplate(text));
    expect(document.passages.map((passage) => passage.text)).toEqual(['One.', 'Two.']);
  });
});
