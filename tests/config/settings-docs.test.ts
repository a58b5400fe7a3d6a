import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { renderEnvExample, renderSettingsTable, withSettingsTable } from '../../src/config/settings-docs.js';
import { SETTINGS } from '../../src/config/settings.js';
import { PROJECT_ROOT } from '../support/fixtures.js';

const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8');

describe('given the settings table', () => {
  it('then the committed .env.example is the one rendered from it (run `npm run settings` after changing a setting)', () => {
    expect(read('.env.example')).toBe(renderEnvExample());
  });

  it('then the README documents every setting with the parser’s default (run `npm run settings` after changing one)', () => {
    const readme = read('README.md');
    expect(withSettingsTable(readme)).toBe(readme);
    for (const name of Object.keys(SETTINGS)) expect(renderSettingsTable()).toContain(`| \`${name}\` |`);
  });

  it('then .env.example copied as .env parses to exactly the defaults of an empty environment', () => {
    const fromExample = Object.fromEntries(
      renderEnvExample()
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(parseConfig(fromExample, '/srv/bot')).toEqual(parseConfig({}, '/srv/bot'));
  });
});
