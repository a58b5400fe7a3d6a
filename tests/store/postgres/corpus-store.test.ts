import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDocumentFiles } from '../../../src/core/corpus/corpus.js';
import { DatabaseUnavailableError } from '../../../src/store/errors.js';
import type { PostgresCorpusStore } from '../../../src/store/postgres/corpus-store.js';
import { capturingLogger, PROJECT_ROOT } from '../../support/fixtures.js';
import { startPostgres, type TestPostgres } from '../../support/postgres.js';
import { NOTE, startCorpusStore, until } from '../../support/shared-corpus.js';
import path from 'node:path';

let server: TestPostgres;
const opened: PostgresCorpusStore[] = [];

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
  await server?.stop();
});

/** A process's store on `url`, closed after the file. */
async function storeOn(url: string, options: Parameters<typeof startCorpusStore>[1] = {}) {
  const store = await startCorpusStore(url, options);
  opened.push(store);
  return store;
}

const article = async () => (await readDocumentFiles(path.join(PROJECT_ROOT, 'corpus'))).files;

describe('given a new database and two processes starting together, each with the article in CORPUS_PATH', () => {
  it('then the shared corpus is seeded exactly once, and both read the same documents at version 1', async () => {
    const url = await server.createDatabase();
    const stores = await Promise.all([storeOn(url), storeOn(url)]);
    let readsOfCorpusPath = 0;

    const seeded = await Promise.all(
      stores.map((store) =>
        store.seedIfEmpty(async () => {
          readsOfCorpusPath += 1;
          return article();
        }),
      ),
    );

    expect(seeded.sort()).toEqual([1, undefined]);
    expect(readsOfCorpusPath).toBe(1);
    expect(await server.rows(url, 'SELECT version, reason FROM corpus_versions')).toEqual([
      { version: 1, reason: 'seeded' },
    ]);
    const [first, second] = await Promise.all(stores.map((store) => store.read()));
    expect(first).toEqual(second);
    expect(first!.version).toBe(1);
    expect(first!.documents).toEqual(await article());
  });
});

describe('given a change committed by one process', () => {
  it('then another hears its version through NOTIFY at once, not waiting for its next check', async () => {
    const url = await server.createDatabase();
    const committer = await storeOn(url);
    // Checks an hour apart: only the notice can tell it in time.
    const follower = await storeOn(url, { pollMs: 3_600_000 });
    await committer.seedIfEmpty(article);
    const heard: number[] = [];
    const stop = follower.follow((version) => heard.push(version));
    try {
      await until(() => heard.includes(1), 10_000, 'the version read at the start');
      // LISTEN runs once the first check is done; a notice sent before would be missed, and is covered by that check.
      await until(() =>
        server
          .rows(url, "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()")
          .then((rows) => rows.length === 1),
      );

      const version = await committer.exclusively(() =>
        committer.commit({ reason: 'added', document: 'note.md', put: [{ name: 'note.md', text: NOTE }], remove: [] }),
      );

      expect(version).toBe(2);
      await until(() => heard.includes(2), 5_000, 'the notice of version 2');
      expect((await follower.read()).documents.map((document) => document.name).sort()).toEqual([
        'note.md',
        'wang-weijia-deepseek-wall-street.txt',
      ]);
    } finally {
      stop();
    }
  });

  it('then a name taken in another letter case is refused by the database too, and the corpus is unchanged', async () => {
    const url = await server.createDatabase();
    const store = await storeOn(url);
    await store.seedIfEmpty(async () => [{ name: 'Note.md', text: NOTE }]);

    const clash = store.exclusively(() =>
      store.commit({ reason: 'added', put: [{ name: 'note.md', text: NOTE }], remove: [] }),
    );

    await expect(clash).rejects.toThrow(/corpus_documents_by_lower_name/);
    expect(await store.read()).toEqual({ version: 1, documents: [{ name: 'Note.md', text: NOTE }] });
  });
});

describe('given the LISTEN connection lost while PostgreSQL stays up', () => {
  it('then a change committed meanwhile is still heard, by the regular check, and listening resumes afterwards', async () => {
    const url = await server.createDatabase();
    const committer = await storeOn(url);
    const captured = capturingLogger('info');
    // Listening again only after 2 s: the change below lands while nobody listens.
    const follower = await storeOn(url, { pollMs: 200, relistenMs: 2000, logger: captured.logger });
    await committer.seedIfEmpty(article);
    const heard: number[] = [];
    const stop = follower.follow((version) => heard.push(version));
    const listening = () =>
      server
        .rows(url, "SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()")
        .then((rows) => rows);
    try {
      await until(async () => (await listening()).length === 1, 10_000, 'LISTEN');
      await server.rows(
        url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()",
      );
      await until(() =>
        captured.lines().some((line) => line.msg?.toString().startsWith('stopped listening for changes')),
      );

      await committer.exclusively(() => committer.commit({ reason: 'reindexed', put: [], remove: [] }));

      await until(() => heard.includes(2), 5_000, 'version 2, by the regular check');
      expect(await listening()).toEqual([]);
      await until(() =>
        captured.lines().some((line) => line.msg === 'listening for changes of the shared corpus again'),
      );
      expect((await listening()).length).toBe(1);
    } finally {
      stop();
    }
  });
});

describe('given two processes that each take the corpus lock', () => {
  it('then their work runs one after the other, never at once', async () => {
    const url = await server.createDatabase();
    const stores = [await storeOn(url), await storeOn(url)];
    const spans: Array<[number, number]> = [];

    await Promise.all(
      stores.flatMap((store) =>
        [1, 2].map(() =>
          store.exclusively(async () => {
            const start = performance.now();
            await new Promise((resolve) => setTimeout(resolve, 100));
            spans.push([start, performance.now()]);
          }),
        ),
      ),
    );

    spans.sort((a, b) => a[0] - b[0]);
    expect(spans).toHaveLength(4);
    for (let index = 1; index < spans.length; index++)
      expect(spans[index]![0]).toBeGreaterThanOrEqual(spans[index - 1]![1]);
  });
});

describe('given PostgreSQL unreachable', () => {
  it('then reading, committing and taking the lock fail as "unavailable", naming the database with its password masked, and what was committed is there when it is back', async () => {
    const url = await server.createDatabase();
    const store = await storeOn(url);
    await store.seedIfEmpty(article);
    await store.exclusively(() =>
      store.commit({ reason: 'added', document: 'note.md', put: [{ name: 'note.md', text: NOTE }], remove: [] }),
    );

    await server.stopServer();
    try {
      for (const attempt of [
        () => store.read(),
        () => store.names(),
        () => store.exclusively(async () => 'never run'),
        () => store.commit({ reason: 'reindexed', put: [], remove: [] }),
      ]) {
        const error = await attempt().then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(DatabaseUnavailableError);
        expect((error as Error).message).toContain(':***@127.0.0.1');
        expect((error as Error).message).not.toContain('test-password');
      }
    } finally {
      await server.startServer();
    }

    const after = await store.read();
    expect(after.version).toBe(2);
    expect(after.documents.map((document) => document.name).sort()).toEqual([
      'note.md',
      'wang-weijia-deepseek-wall-street.txt',
    ]);
  });
});
