import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorpusEditor } from '../../src/core/corpus-editor.js';
import { controllable } from '../support/bot-harness.js';
import { capturingLogger, copyOfCorpus, removeTempDirs } from '../support/fixtures.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { NOTE, openSharedProcess, until, type SharedProcess } from '../support/shared-corpus.js';

const ARTICLE = 'wang-weijia-deepseek-wall-street.txt';

let server: TestPostgres;
const processes: SharedProcess[] = [];

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(async () => {
  await Promise.all(processes.map(({ knowledgeBase }) => knowledgeBase.close()));
  await server?.stop();
  await removeTempDirs();
});

/** Opens a process of the deployment on `url`, following the shared corpus as the bot does. */
async function processOn(url: string, options: Parameters<typeof openSharedProcess>[1] = {}) {
  const opened = await openSharedProcess(url, options);
  opened.knowledgeBase.followCorpus();
  processes.push(opened);
  return opened;
}

const documentsOf = ({ knowledgeBase }: SharedProcess) =>
  knowledgeBase.manifest.corpus.documents.map((document) => document.name);

/** The documents of the passages ranked for a question (lexically: the synthetic model's scores mean nothing). */
async function rankedDocuments(process: SharedProcess, question: string): Promise<string[]> {
  return (await process.knowledgeBase.rank(question, { mode: 'lexical', k: 3 })).map(
    (ranked) => ranked.passage.document,
  );
}

describe('given two processes starting together on a new database', () => {
  it('then the corpus is seeded once, and every passage is embedded once between them: one builds, the other takes every vector from the shared cache', async () => {
    const url = await server.createDatabase();

    const [first, second] = await Promise.all([processOn(url), processOn(url)]);

    const windows = first.knowledgeBase.manifest.windows.length;
    const embedded = [first, second].map(({ knowledgeBase }) => knowledgeBase.windowsBuilt.embedded).sort();
    expect(embedded).toEqual([0, windows]);
    expect(second.knowledgeBase.manifest.corpus.contentHash).toBe(first.knowledgeBase.manifest.corpus.contentHash);
    expect([first.knowledgeBase.corpusVersion, second.knowledgeBase.corpusVersion]).toEqual([1, 1]);
    expect(await server.rows(url, 'SELECT version, reason FROM corpus_versions')).toEqual([
      { version: 1, reason: 'seeded' },
    ]);
  });
});

describe('given a deployment of two processes', () => {
  let url: string;
  let editing: SharedProcess;
  let following: SharedProcess;
  let holdFollowersRead: Promise<void> | undefined;
  let followerReading: ReturnType<typeof controllable<void>> | undefined;

  beforeAll(async () => {
    url = await server.createDatabase();
    editing = await processOn(url);
    following = await processOn(url, {
      beforeReadingCorpus: async () => {
        followerReading?.resolve();
        await holdFollowersRead;
      },
    });
  });

  it('then a document added through one is found by the other, which rebuilds from the shared documents embedding nothing, and answers from its old index until then', async () => {
    const hold = controllable<void>();
    holdFollowersRead = hold.promise;
    followerReading = controllable<void>();
    const embeddedBefore = following.knowledgeBase.windowsBuilt.embedded;
    const editorBuiltBefore = { ...editing.knowledgeBase.windowsBuilt };
    let addedReport: { embedded: number; reused: number } | undefined;

    try {
      const added = await new CorpusEditor(editing.knowledgeBase).add('note.md', Buffer.from(NOTE), {
        replace: false,
      });

      expect(added.report).toMatchObject({ embedded: 2, added: 2 });
      addedReport = added.report;
      expect(editing.knowledgeBase.corpusVersion).toBe(2);
      // The follower is about to read the new version: it still answers, from the index in force.
      await followerReading.promise;
      expect(following.knowledgeBase.corpusVersion).toBe(1);
      expect(await rankedDocuments(following, '台积电的产能')).not.toContain('note.md');
    } finally {
      holdFollowersRead = undefined;
      hold.resolve();
    }
    await until(() => following.knowledgeBase.corpusVersion === 2, 10_000, 'the follower at version 2');
    expect(documentsOf(following)).toEqual(['note.md', ARTICLE]);
    expect((await rankedDocuments(following, '台积电的产能'))[0]).toBe('note.md');
    expect(following.knowledgeBase.windowsBuilt.embedded - embeddedBefore).toBe(0);
    expect(following.embedder.passages).not.toContain('台积电的产能依旧紧张。');
    // The process that made the change hears of its own version too, and builds nothing more for it.
    expect(editing.knowledgeBase.windowsBuilt).toEqual({
      embedded: editorBuiltBefore.embedded + addedReport.embedded,
      reused: editorBuiltBefore.reused + addedReport.reused,
    });
  });

  it('then a /reindex through one is a version of its own, and the other rebuilds too', async () => {
    const report = await following.knowledgeBase.reindex();

    expect(report.embedded).toBe(0);
    expect(following.knowledgeBase.corpusVersion).toBe(3);
    await until(() => editing.knowledgeBase.corpusVersion === 3, 10_000, 'the other process at version 3');
    expect(await server.rows(url, 'SELECT reason FROM corpus_versions ORDER BY version')).toEqual(
      ['seeded', 'added', 'reindexed'].map((reason) => ({ reason })),
    );
  });

  it('then a change whose rebuild fails is undone by a version of its own, and both end on the corpus without it', async () => {
    following.embedder.failPassages = true;
    try {
      await expect(
        new CorpusEditor(following.knowledgeBase).add('later.md', Buffer.from('# 以后\n\n这一段永远不会被收录。\n'), {
          replace: false,
        }),
      ).rejects.toThrow('the embedding worker exited with code 134');
    } finally {
      following.embedder.failPassages = false;
    }

    expect(await server.rows(url, 'SELECT version, reason, document FROM corpus_versions WHERE version > 3')).toEqual([
      { version: 4, reason: 'added', document: 'later.md' },
      { version: 5, reason: 'undone', document: 'later.md' },
    ]);
    await until(
      () => editing.knowledgeBase.corpusVersion === 5 && following.knowledgeBase.corpusVersion === 5,
      10_000,
      'both at version 5',
    );
    expect(documentsOf(editing)).toEqual(['note.md', ARTICLE]);
    expect(documentsOf(following)).toEqual(['note.md', ARTICLE]);
  });

  it('then a document removed through the other leaves both', async () => {
    await new CorpusEditor(following.knowledgeBase).remove('note.md');

    await until(() => editing.knowledgeBase.corpusVersion === 6, 10_000, 'the first process at version 6');
    expect(documentsOf(editing)).toEqual([ARTICLE]);
    expect(await rankedDocuments(editing, '台积电的产能')).not.toContain('note.md');
  });
});

describe('given a shared corpus already seeded, and a process whose CORPUS_PATH holds other documents', () => {
  it('then it serves the shared documents, leaves CORPUS_PATH as it is, and says in its log that CORPUS_PATH is not read', async () => {
    const url = await server.createDatabase();
    await processOn(url);
    const corpusPath = await copyOfCorpus();
    await writeFile(path.join(corpusPath, 'local-only.md'), NOTE);
    const captured = capturingLogger('info');

    const later = await processOn(url, { corpusPath, logger: captured.logger });

    expect(documentsOf(later)).toEqual([ARTICLE]);
    expect((await readdir(corpusPath)).sort()).toEqual(['local-only.md', ARTICLE]);
    expect(captured.lines().filter((line) => String(line.msg).startsWith('CORPUS_PATH differs'))).toEqual([
      expect.objectContaining({ level: 40, corpusPath }),
    ]);
    expect(await server.rows(url, 'SELECT COUNT(*) AS n FROM corpus_versions')).toEqual([{ n: 1 }]);
  });
});
