import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyModel, PROJECT_ROOT, removeTempDirs, tempDir } from '../support/fixtures.js';

const run = promisify(execFile);
const BUILD = path.join(PROJECT_ROOT, 'scripts', 'build.mjs');
// Inside the project, so that the compiled code finds node_modules/ as dist/ does.
const OUT = path.join(PROJECT_ROOT, '.cache', `test-build-${process.pid}`);

function* filesUnder(directory: string): Generator<string> {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else yield full;
  }
}

/** Runs a script with plain node (no TypeScript loader), with only the settings given. */
async function node(script: string, env: Record<string, string>) {
  const cwd = await tempDir('compiled-cwd-');
  return run(process.execPath, [script], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

beforeAll(async () => {
  await run(process.execPath, [BUILD, '--out-dir', OUT], { cwd: PROJECT_ROOT });
}, 180_000);

afterAll(async () => {
  await rm(OUT, { recursive: true, force: true });
  await removeTempDirs();
});

describe('given `npm run build`', () => {
  it('then every TypeScript file of src/ is compiled and every other file is copied beside it', () => {
    const source = path.join(PROJECT_ROOT, 'src');
    for (const file of filesUnder(source)) {
      if (file.endsWith('.d.ts')) continue; // declarations only: nothing to run
      const relative = path.relative(source, file);
      expect(existsSync(path.join(OUT, relative.replace(/\.ts$/, '.js'))), relative).toBe(true);
    }
  });

  it('then the compiled bot runs on plain node: without a token it explains how to get one', async () => {
    const { code, stderr } = await node(path.join(OUT, 'bot', 'main.js'), {});
    expect(code).toBe(1);
    expect(stderr).toMatch(/DISCORD_TOKEN/);
  });

  it('then the compiled command line answers from a model, through the model process it carries', async () => {
    const answered = await run(process.execPath, [path.join(OUT, 'cli', 'ask-cli.js'), '--json', '杰文斯悖论是什么?'], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        EMBEDDING_MODEL: await makeTinyModel(),
        INDEX_DIR: await tempDir('compiled-index-'),
        CORPUS_PATH: path.join(PROJECT_ROOT, 'corpus'),
        LOG_LEVEL: 'silent',
      },
    });
    expect((JSON.parse(answered.stdout) as { results: unknown[] }).results.length).toBeGreaterThan(0);
  }, 60_000);

  it('then --if-stale leaves a fresh build alone and builds again once a source file changed', async () => {
    const stamp = path.join(OUT, '.built');
    const built = statSync(stamp).mtimeMs;
    await run(process.execPath, [BUILD, '--if-stale', '--out-dir', OUT], { cwd: PROJECT_ROOT });
    expect(statSync(stamp).mtimeMs).toBe(built);

    // A source file newer than the build, as after a `git pull`.
    const source = path.join(PROJECT_ROOT, 'src', 'logger.ts');
    const original = statSync(source);
    utimesSync(source, original.atime, new Date(built + 60_000));
    try {
      await run(process.execPath, [BUILD, '--if-stale', '--out-dir', OUT], { cwd: PROJECT_ROOT });
      expect(statSync(stamp).mtimeMs).toBeGreaterThan(built);
    } finally {
      utimesSync(source, original.atime, original.mtime);
    }
  }, 180_000);
});
