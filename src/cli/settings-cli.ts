import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderEnvExample, withSettingsTable } from '../config/settings-docs.js';
import { runProgram } from '../startup/run-program.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `npm run settings`: rewrites `.env.example` and the README's settings table from the settings table. */
runProgram(async () => {
  const envExample = path.join(PROJECT_ROOT, '.env.example');
  const readme = path.join(PROJECT_ROOT, 'README.md');
  await writeFile(envExample, renderEnvExample());
  await writeFile(readme, withSettingsTable(await readFile(readme, 'utf8')));
  process.stdout.write(`Wrote ${path.relative(process.cwd(), envExample)} and the settings table of README.md.\n`);
  return 0;
});
