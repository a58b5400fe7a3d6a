import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const startScript = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
const operations = readFileSync('docs/operations.md', 'utf8');

describe('how the bot is started', () => {
  it('given npm start, then it runs the compiled bot with Node alone', () => {
    expect(startScript).toMatch(/^node (--[\w-]+(=\S+)? )*dist\/bot\/main\.js$/);
  });

  it('given the systemd unit in operations.md, then it runs what npm start runs, with the same Node options', () => {
    const execStart = /^ExecStart=\/usr\/bin\/(.+)$/m.exec(operations)?.[1];
    expect(execStart).toBe(startScript);
  });
});
