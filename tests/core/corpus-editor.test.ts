import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CorpusEditor } from '../../src/core/corpus-editor.js';
import { CorpusEditError } from '../../src/core/corpus/corpus-edit-error.js';
import type { Embedder, EmbeddingKind } from '../../src/core/embedding/embedder.js';
import { KnowledgeBase } from '../../src/core/knowledge-base.js';
import { ARTICLE_PATH, copyOfCorpus, removeTempDirs, tempDir } from '../support/fixtures.js';
import { SyntheticEmbedder } from '../support/synthetic-embedder.js';

const ARTICLE = 'wang-weijia-deepseek-wall-street.txt';
const NOTE = '# 补充说明\n\n苹果公司没有参与这场竞争。\n\n台积电的产能依旧紧张。\n';

afterAll(removeTempDirs);

/** The synthetic model, which can be made to fail passage embeddings as a crashed model would. */
class FailableEmbedder implements Embedder {
  failing = false;
  readonly passages: string[] = [];
  private readonly inner = new SyntheticEmbedder('synthetic-model', 0);

  get info() {
    return this.inner.info;
  }

  async embed(texts: readonly string[], kind: EmbeddingKind): Promise<Float32Array[]> {
    if (kind === 'passage' && this.failing) throw new Error('the embedding worker exited with code 134');
    if (kind === 'passage') this.passages.push(...texts);
    return this.inner.embed(texts, kind);
  }

  countTokens(texts: readonly string[]): Promise<number[]> {
    return this.inner.countTokens(texts);
  }

  async close(): Promise<void> {}
}

async function editorOf(corpusPath?: string) {
  const embedder = new FailableEmbedder();
  const corpus = corpusPath ?? (await copyOfCorpus());
  // Set `now` to make the next index fail just before it would become current, as a crash there would.
  const failCommits = { now: false };
  const knowledgeBase = await KnowledgeBase.open({
    corpusPath: corpus,
    indexDir: await tempDir('index-'),
    embedder,
    writeHooks: {
      beforeCommit: () => {
        if (failCommits.now) throw new Error('simulated crash');
      },
    },
  });
  return { editor: new CorpusEditor(knowledgeBase), knowledgeBase, embedder, corpusPath: corpus, failCommits };
}

async function refusal(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof CorpusEditError)) throw new Error(`expected a CorpusEditError, got ${String(error)}`);
  return error.problem.kind;
}

describe('given a new document', () => {
  it('then it is written into the corpus as UTF-8 and the index is rebuilt with its paragraphs, embedding only those', async () => {
    const { editor, knowledgeBase, embedder, corpusPath } = await editorOf();
    embedder.passages.length = 0;

    const added = await editor.add('note.md', Buffer.from(NOTE), { replace: false });

    expect(added).toMatchObject({ name: 'note.md', encoding: 'UTF-8', passages: 2, replaced: false });
    expect(added.report).toMatchObject({ added: 2, embedded: 2, passages: 27 });
    expect(embedder.passages).toEqual(['苹果公司没有参与这场竞争。', '台积电的产能依旧紧张。']);
    expect(await readFile(path.join(corpusPath, 'note.md'), 'utf8')).toBe(NOTE);
    expect(knowledgeBase.manifest.corpus.documents.map((document) => document.name)).toEqual(['note.md', ARTICLE]);
    expect((await knowledgeBase.ask('台积电的产能')).results[0]?.passage.id).toBe('note.md#2');
    expect((await readdir(corpusPath)).sort()).toEqual(['note.md', ARTICLE]); // no work files left behind
  });

  it('then one with a UTF-8 byte order mark is stored without it', async () => {
    const { editor, corpusPath } = await editorOf();
    await editor.add('bom.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(NOTE)]), {
      replace: false,
    });
    expect(await readFile(path.join(corpusPath, 'bom.txt'), 'utf8')).toBe(NOTE);
  });

  it('then a name already taken, in any letter case, is refused, and with replace it replaces the document', async () => {
    const { editor, knowledgeBase, corpusPath } = await editorOf();
    await editor.add('Note.md', Buffer.from(NOTE), { replace: false });

    expect(await refusal(editor.add('note.md', Buffer.from('# 新\n\n新的内容。\n'), { replace: false }))).toBe(
      'exists',
    );
    expect((await readdir(corpusPath)).sort()).toEqual(['Note.md', ARTICLE]);

    const replaced = await editor.add('note.md', Buffer.from('# 新\n\n新的内容。\n'), { replace: true });
    expect(replaced).toMatchObject({ replaced: true, passages: 1 });
    expect((await readdir(corpusPath)).sort()).toEqual(['note.md', ARTICLE]);
    expect(knowledgeBase.manifest.passages.filter((passage) => passage.document === 'Note.md')).toEqual([]);
  });

  it.each([
    ['../escape.md', 'badName'],
    ['.hidden.md', 'badName'],
    ['sub\\dir.txt', 'badName'],
    ['a..b.txt', 'badName'],
    ['notes<script>.md', 'badName'],
    [`${'长'.repeat(101)}.md`, 'badName'],
    ['report.pdf', 'badExtension'],
    ['archive.md.zip', 'badExtension'],
  ])('then the file name %s is refused (%s) and nothing is written', async (name, problem) => {
    const { editor, corpusPath } = await editorOf();
    expect(await refusal(editor.add(name, Buffer.from(NOTE), { replace: false }))).toBe(problem);
    expect(await readdir(corpusPath)).toEqual([ARTICLE]);
    expect(await readdir(path.dirname(corpusPath))).toEqual(['corpus']);
  });

  it('then a document without paragraphs is refused', async () => {
    const { editor } = await editorOf();
    expect(await refusal(editor.add('title.md', Buffer.from('# 只有标题\n'), { replace: false }))).toBe('noParagraphs');
  });

  it('then two added at once are added one after the other, and both are answered from', async () => {
    const { editor, knowledgeBase } = await editorOf();
    await Promise.all([
      editor.add('one.md', Buffer.from('# 一\n\n第一份补充材料谈到了苹果公司。\n'), { replace: false }),
      editor.add('two.md', Buffer.from('# 二\n\n第二份补充材料谈到了台积电。\n'), { replace: false }),
    ]);
    expect(knowledgeBase.manifest.corpus.documents.map((document) => document.name)).toEqual([
      'one.md',
      'two.md',
      ARTICLE,
    ]);
  });
});

describe('given a document to remove', () => {
  it('then it leaves the corpus and the index; an unknown name and the last document are refused', async () => {
    const { editor, knowledgeBase, corpusPath } = await editorOf();
    await editor.add('note.md', Buffer.from(NOTE), { replace: false });

    const report = await editor.remove('note.md');

    expect(report).toMatchObject({ removed: 2, passages: 25, embedded: 0 });
    expect(await readdir(corpusPath)).toEqual([ARTICLE]);
    expect(await editor.documentNames()).toEqual([ARTICLE]);
    expect(await refusal(editor.remove('note.md'))).toBe('unknownDocument');
    expect(await refusal(editor.remove(ARTICLE))).toBe('lastDocument');
    expect(knowledgeBase.manifest.passages).toHaveLength(25);
  });
});

describe('given a rebuild that fails', () => {
  it('then an added document is taken out again, a replaced one put back, and the old index keeps serving', async () => {
    const { editor, knowledgeBase, embedder, corpusPath } = await editorOf();
    await editor.add('note.md', Buffer.from(NOTE), { replace: false });
    const served = knowledgeBase.manifest;
    embedder.failing = true;

    await expect(editor.add('new.md', Buffer.from('# 新\n\n全新的内容。\n'), { replace: false })).rejects.toThrow(
      'the embedding worker exited with code 134',
    );
    await expect(editor.add('note.md', Buffer.from('# 新\n\n全新的内容。\n'), { replace: true })).rejects.toThrow(
      /code 134/,
    );

    expect((await readdir(corpusPath)).sort()).toEqual(['note.md', ARTICLE]);
    expect(await readFile(path.join(corpusPath, 'note.md'), 'utf8')).toBe(NOTE);
    expect(knowledgeBase.manifest).toBe(served);
  });

  it('then a removed document is put back, and the old index keeps serving', async () => {
    const { editor, knowledgeBase, corpusPath, failCommits } = await editorOf();
    await editor.add('note.md', Buffer.from(NOTE), { replace: false });
    const served = knowledgeBase.manifest;
    failCommits.now = true;

    await expect(editor.remove('note.md')).rejects.toThrow('simulated crash');

    expect((await readdir(corpusPath)).sort()).toEqual(['note.md', ARTICLE]);
    expect(knowledgeBase.manifest).toBe(served);
  });
});

describe('given CORPUS_PATH that is not a directory', () => {
  it('then a single file is refused as such, and a missing directory as missing', async () => {
    const single = await editorOf(ARTICLE_PATH);
    expect(await refusal(single.editor.add('note.md', Buffer.from(NOTE), { replace: false }))).toBe('corpusIsFile');
    expect(await refusal(single.editor.remove(ARTICLE))).toBe('corpusIsFile');

    const { editor, corpusPath } = await editorOf();
    await rm(corpusPath, { recursive: true });
    expect(await refusal(editor.add('note.md', Buffer.from(NOTE), { replace: false }))).toBe('corpusMissing');
    expect(await refusal(editor.documentNames())).toBe('corpusMissing');
  });
});

describe('given a /reindex still reading the corpus when a document is added', () => {
  it('then the document lands only after that read, and every index served matches a corpus that existed whole', async () => {
    const corpusPath = await copyOfCorpus();
    let holdRead: Promise<void> | undefined;
    let readHeld!: () => void;
    const reading = new Promise<void>((resolve) => (readHeld = resolve));
    const seen: string[][] = [];
    const knowledgeBase = await KnowledgeBase.open({
      corpusPath,
      indexDir: await tempDir('index-'),
      embedder: new SyntheticEmbedder('synthetic-model', 0),
      // A slow corpus read: the rebuild's read waits until the test lets it go on.
      beforeReadingCorpus: async () => {
        if (holdRead) {
          readHeld();
          await holdRead;
        }
        seen.push((await readdir(corpusPath)).filter((name) => !name.startsWith('.')).sort());
      },
    });
    let letRead!: () => void;
    holdRead = new Promise<void>((resolve) => (letRead = resolve));
    const editor = new CorpusEditor(knowledgeBase);

    const reindexing = knowledgeBase.reindex();
    await reading;
    holdRead = undefined;
    const adding = editor.add('note.md', Buffer.from(NOTE), { replace: false });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The edit waits its turn: nothing changed on disk under the read in progress.
    expect(await readdir(corpusPath)).toEqual([ARTICLE]);
    letRead();

    const report = await reindexing;
    expect(report.passages).toBe(25);
    const added = await adding;
    expect(added.report.passages).toBe(27);
    expect(seen.slice(1)).toEqual([[ARTICLE], [ARTICLE, 'note.md'].sort()]);
    expect(knowledgeBase.manifest.passages.filter((passage) => passage.document === 'note.md')).toHaveLength(2);
  });
});
