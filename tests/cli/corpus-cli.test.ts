import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOfCorpus, makeTinyModel, removeTempDirs, tempDir } from '../support/fixtures.js';
import { runCli } from '../support/processes.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { articlePage, page, startWebServer, type WebServer } from '../support/web-server.js';

const TITLE = 'DeepSeek为何能血洗美股';

let modelDir: string;
let indexDir: string;
let corpusPath: string;
let web: WebServer;

/** `npm run corpus -- …` as a user runs it, with only the settings given. */
const corpus = (args: string[], env: Record<string, string> = {}) => cli('corpus-cli.ts', args, env);

async function cli(script: string, args: string[], env: Record<string, string> = {}) {
  return runCli(script, args, {
    HOME: process.env.HOME ?? '',
    CORPUS_PATH: corpusPath,
    EMBEDDING_MODEL: modelDir,
    INDEX_DIR: indexDir,
    LOG_LEVEL: 'warn',
    ALLOW_PRIVATE_URLS: 'true',
    ...env,
  });
}

beforeAll(async () => {
  modelDir = await makeTinyModel();
  indexDir = await tempDir('cli-index-');
  corpusPath = await copyOfCorpus();
  web = await startWebServer({ '/deepseek': page('text/html; charset=utf-8', articlePage()) });
});

afterAll(async () => {
  await web?.close();
  await removeTempDirs();
});

describe('given `npm run corpus`', () => {
  it('then add <url> adds the article with its metadata, list shows it with its source, and remove takes it out', async () => {
    const added = await corpus(['add', `${web.origin}/deepseek`]);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(
      new RegExp(`^Added ${TITLE}\\.md from ${web.origin}/deepseek \\(25 passages\\)\\. Index rebuilt: 50 passages;`),
    );

    const listed = await corpus(['list']);
    expect(listed.stdout).toContain(`${TITLE}.md  ${TITLE} (王维嘉): 25 passages  ${web.origin}/deepseek\n`);

    const asked = await cli('ask-cli.ts', ['--json', '--k', '10', '杰文斯悖论是什么?']);
    const results = JSON.parse(asked.stdout).results as Array<{ document: string; source_url?: string }>;
    expect(results.some((result) => result.document === `${TITLE}.md`)).toBe(true);
    for (const result of results)
      expect(result.source_url).toBe(result.document === `${TITLE}.md` ? `${web.origin}/deepseek` : undefined);

    const removed = await corpus(['remove', `${TITLE}.md`]);
    expect(removed.stdout).toBe(`Removed ${TITLE}.md. Index rebuilt: 25 passages.\n`);
    expect(await readdir(corpusPath)).not.toContain(`${TITLE}.md`);
  }, 120_000);

  it('then add <file> adds a file, and a refused change says why and changes nothing', async () => {
    const file = path.join(await tempDir('upload-'), 'note.md');
    await writeFile(file, '# 补充说明\n\n苹果公司没有参与这场竞争,它在人工智能上另有打算。\n');
    const added = await corpus(['add', file]);
    expect(added.stdout).toMatch(/^Added note\.md from .*note\.md \(1 passages\)\./);

    const again = await corpus(['add', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Nothing was changed: a document named note.md exists.');

    const refused = await corpus(['add', 'http://127.0.0.1:9/article'], { ALLOW_PRIVATE_URLS: 'false' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'Nothing was changed: 127.0.0.1 is at 127.0.0.1, a loopback, private or link-local address.',
    );
  }, 120_000);

  it('then a wrong command line prints the usage and exits 2', async () => {
    const wrong = await corpus(['add']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('Usage: npm run corpus -- add <file|url> [--replace]');
  });
});

describe('given DATABASE_URL, `npm run corpus`', () => {
  let server: TestPostgres | undefined;

  afterAll(async () => {
    await server?.stop();
  });

  it('then it changes and lists the shared corpus (seeded from CORPUS_PATH), and leaves CORPUS_PATH as it is', async () => {
    server = await startPostgres();
    const url = await server.createDatabase();
    const ownCorpus = await copyOfCorpus();
    const env = { DATABASE_URL: url, CORPUS_PATH: ownCorpus, INDEX_DIR: await tempDir('cli-index-') };
    const file = path.join(await tempDir('upload-'), 'note.md');
    await writeFile(file, '# 补充说明\n\n苹果公司没有参与这场竞争,它在人工智能上另有打算。\n');

    const added = await corpus(['add', file], env);
    expect(added.stdout).toMatch(/^Added note\.md from .*note\.md \(1 passages\)\./);
    const listed = await corpus(['list'], env);

    expect(
      listed.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('  ')[0]),
    ).toEqual(['note.md', 'wang-weijia-deepseek-wall-street.txt']);
    expect(await readdir(ownCorpus)).toEqual(['wang-weijia-deepseek-wall-street.txt']);
    expect(await server.rows(url, 'SELECT version, reason, document FROM corpus_versions ORDER BY version')).toEqual([
      { version: 1, reason: 'seeded', document: null },
      { version: 2, reason: 'added', document: 'note.md' },
    ]);
  }, 120_000);
});
