import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeHub } from '../support/fake-hub.js';
import { makeTinyModel, PROJECT_ROOT, removeTempDirs, tempDir } from '../support/fixtures.js';
import { runCli } from '../support/processes.js';

let modelDir: string;
let indexDir: string;

/** Runs a CLI as a user would, with only the settings given (no .env from the developer's checkout). */
async function cli(script: string, args: string[], env: Record<string, string> = {}) {
  return runCli(script, args, {
    HOME: process.env.HOME ?? '',
    CORPUS_PATH: path.join(PROJECT_ROOT, 'corpus'),
    EMBEDDING_MODEL: modelDir,
    INDEX_DIR: indexDir,
    LOG_FORMAT: 'json',
    ...env,
  });
}

beforeAll(async () => {
  modelDir = await makeTinyModel();
  indexDir = await tempDir('cli-index-');
});

afterAll(removeTempDirs);

describe('given `npm run index`', () => {
  it('then the first run builds with progress on stderr and the second finds the index up to date', async () => {
    const first = await cli('index-cli.ts', []);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/embedding \d+\/\d+/);
    expect(first.stderr).toMatch(/Built the index: 25 passages/);
    const second = await cli('index-cli.ts', []);
    expect(second.stderr).toMatch(/Index is up to date: 25 passages \(\d+ windows: 0 embedded now, 0 reused\)/);
    expect(second.stdout).toBe('');
  });
});

describe('given `npm run ask -- --json`', () => {
  it('then stdout is exactly one JSON document of the documented shape, quoting full paragraphs', async () => {
    const { code, stdout, stderr } = await cli('ask-cli.ts', ['--json', '--k', '2', '杰文斯悖论说的是什么?']);
    expect(code).toBe(0);
    expect(stderr.length).toBeGreaterThan(0); // logs went to stderr
    const document = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(document).sort()).toEqual(['answered', 'missing', 'outcome', 'question', 'results']);
    expect(document.question).toBe('杰文斯悖论说的是什么?');
    expect(document).toMatchObject({ outcome: 'answered', answered: true, missing: [] });
    const results = document.results as Array<Record<string, unknown>>;
    expect(results.length).toBeLessThanOrEqual(2);
    for (const [index, result] of results.entries()) {
      expect(Object.keys(result).sort()).toEqual([
        'document',
        'paragraph',
        'rank',
        'score',
        'section',
        'text',
        'title',
      ]);
      expect(result.document).toBe('wang-weijia-deepseek-wall-street.txt');
      expect(result.title).toBe('王维嘉 DeepSeek为何能血洗美股 (王维嘉的老婆)');
      expect(result.rank).toBe(index + 1);
      expect(typeof result.score).toBe('number');
      expect(typeof result.paragraph).toBe('number');
      expect(result.section === null || typeof result.section === 'string').toBe(true);
      expect(typeof result.text).toBe('string');
    }
  });

  it('then without --json it prints readable text naming section and paragraph', async () => {
    const { code, stdout } = await cli('ask-cli.ts', ['博通的股价为什么上涨?']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/#1 .*paragraph \d+ +\(score \d\.\d{3}\)/);
  });
});

describe('given bad input or settings', () => {
  it('then a missing question prints usage and exits 2', async () => {
    const { code, stderr } = await cli('ask-cli.ts', ['--json']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Usage: npm run ask/);
  });

  it('then a bad setting names the variable and exits 1 without a stack trace', async () => {
    const { code, stderr } = await cli('ask-cli.ts', ['question'], { TOP_K: 'many' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/TOP_K="many": expected a whole number/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('then an unusable model directory says which and what it needs, without a stack trace', async () => {
    const empty = await tempDir('no-model-');
    const { code, stderr } = await cli('ask-cli.ts', ['question'], { EMBEDDING_MODEL: empty });
    expect(code).toBe(1);
    expect(stderr).toContain(`The embedding model directory ${empty} cannot be used`);
    expect(stderr).toMatch(/onnx\/model_quantized\.onnx/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('then an unreadable corpus says so and exits 1', async () => {
    const { code, stderr } = await cli('ask-cli.ts', ['question'], { CORPUS_PATH: '/nonexistent/article.txt' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/The corpus at \/nonexistent\/article\.txt cannot be read .*CORPUS_PATH/);
  });

  it('then a model id that cannot be downloaded says which model, why, and how to go offline', async () => {
    // A loopback hub that has no such model: the real download path's failure, without leaving the machine.
    const hub = await startFakeHub({});
    try {
      const { code, stderr } = await cli('ask-cli.ts', ['question'], {
        EMBEDDING_MODEL: 'Xenova/no-such-model-for-tests',
        MODEL_CACHE_DIR: await tempDir('cache-'),
        HF_ENDPOINT: hub.endpoint,
      });
      expect(code).toBe(1);
      expect(stderr).toContain(
        `The embedding model "Xenova/no-such-model-for-tests" cannot be downloaded: ${hub.endpoint} has no such model`,
      );
      expect(stderr).toMatch(/set EMBEDDING_MODEL to the path of a transformers.js model directory/);
    } finally {
      await hub.close();
    }
  }, 60_000);
});
