import { fork } from 'node:child_process';

/**
 * Runs a TypeScript script of the bench in a fresh Node process (through
 * tsx's loader) and returns the one message it sends back. Used wherever a
 * figure must not be muddied by what this process already did: memory
 * deltas, cold starts.
 */
export function runChild<T>(
  script: URL,
  input: unknown,
  options: { timeoutMs?: number; nodeOptions?: string[] } = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [JSON.stringify(input)], {
      execArgv: ['--import', import.meta.resolve('tsx'), ...(options.nodeOptions ?? [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: { value: T } | undefined;
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${script.pathname} did not finish within ${options.timeoutMs} ms`));
    }, options.timeoutMs ?? 600_000);
    child.on('message', (message) => (result = { value: message as T }));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (result) resolve(result.value);
      else reject(new Error(`${script.pathname} exited with ${signal ?? `code ${code}`} before reporting`));
    });
  });
}
