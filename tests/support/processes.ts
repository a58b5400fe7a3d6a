import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { PROJECT_ROOT, tempDir } from './fixtures.js';

/** A line of a Node stack trace. */
export const STACK_FRAME = /^\s+at /m;

export interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<Exited>;
  /** Resolves once stderr satisfies the check; rejects if the process exits first or the time runs out. */
  waitForStderr(check: (stderr: string) => boolean, timeoutMs: number, what: string): Promise<void>;
}

/** tsx's loader: `tsx <script>` runs `node --import <it> <script>` in a child process of its own. */
const TSX_LOADER = pathToFileURL(path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/**
 * A project script run as a user runs it (node with tsx's loader, as
 * `tsx <script>` does), in an empty directory (so a developer's .env cannot
 * interfere) and with only the settings given (not the parent's environment,
 * which may hold a real token). It is one process, not tsx's parent and
 * child: a SIGKILL lands on the program itself, as a process manager's does,
 * instead of orphaning it to run on after the test.
 */
export async function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
  options: {
    /** In a process group of its own, so that `process.kill(-pid)` ends it with its children. */ detached?: boolean;
  } = {},
): Promise<Running> {
  const cwd = await tempDir('process-cwd-');
  const child = spawn(process.execPath, ['--import', TSX_LOADER, path.join(PROJECT_ROOT, script), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let stdout = '';
  let stderr = '';
  const changed = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const listener of changed) listener();
  });
  const exited = new Promise<Exited>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  void exited.then(() => {
    for (const listener of changed) listener();
  });

  function waitForStderr(check: (stderr: string) => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        changed.delete(listener);
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const listener = () => {
        if (check(stderr)) done();
        else if (child.exitCode !== null || child.signalCode !== null)
          done(new Error(`the process exited before ${what}; its stderr:\n${stderr}`));
      };
      const timer = setTimeout(
        () => done(new Error(`timed out waiting for ${what}; stderr so far:\n${stderr}`)),
        timeoutMs,
      );
      changed.add(listener);
      listener();
    });
  }

  return { child, stdout: () => stdout, stderr: () => stderr, exited, waitForStderr };
}

/** How a command-line program ended: its exit code and everything it printed. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `npm run <cli> -- …` as a user runs it (tsx on src/cli/<script>), in an
 * empty directory so that no developer's .env is read, and with only the
 * settings given; to its end, failing or not.
 */
export async function runCli(script: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  const cwd = await tempDir('cli-cwd-');
  try {
    const { stdout, stderr } = await promisify(execFile)(
      path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'),
      [path.join(PROJECT_ROOT, 'src', 'cli', script), ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as CliResult;
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}
