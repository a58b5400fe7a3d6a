import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readConfig } from '../config/config.js';
import { CorpusError } from '../core/corpus/corpus.js';
import { CorpusEditError } from '../core/corpus/corpus-edit-error.js';
import { webDocument } from '../core/corpus/web/web-document.js';
import { CorpusEditor, type AddedDocument } from '../core/corpus-editor.js';
import { configuredLogger } from '../startup/configured-logger.js';
import { openConfiguredCorpus } from '../startup/open-corpus.js';
import { openKnowledgeBase } from '../startup/open-knowledge-base.js';
import { runProgram } from '../startup/run-program.js';
import { parseCommandLine } from './command-line.js';
import { progressPrinter } from './progress.js';

const USAGE = `Usage: npm run corpus -- add <file|url> [--replace]
       npm run corpus -- list
       npm run corpus -- remove <name>

Changes the documents in CORPUS_PATH (a directory), or with DATABASE_URL those
every process of the bot shares, as /corpus does in Discord:
  add      adds a .txt/.md file, or the article at an http(s) link (its main text,
           with its title, byline, site name, date and address as metadata), and
           rebuilds the index; --replace replaces a document of the same name
  list     lists the documents, with their titles, passages and sources
  remove   removes a document by its file name and rebuilds the index
A refused change (a bad file or link, a name clash) changes nothing. A bot running
on the same CORPUS_PATH sees the change at its next /reindex or restart; bots
sharing DATABASE_URL rebuild from it within seconds.`;

const isLink = (target: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(target);

function describeAdded(added: AddedDocument, source: string): string {
  const verb = added.replaced ? 'Replaced' : 'Added';
  const { report } = added;
  return (
    `${verb} ${added.name} from ${source} (${added.passages} passages). ` +
    `Index rebuilt: ${report.passages} passages; ${report.embedded} embedded now, ${report.reused} reused.\n`
  );
}

async function readDocumentFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new CorpusError(`${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
}

runProgram(async () => {
  const commandLine = parseCommandLine(
    {
      allowPositionals: true,
      options: { replace: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    },
    USAGE,
  );
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const [action, target, ...extra] = commandLine.parsed.positionals;
  const wellFormed =
    (action === 'list' && target === undefined) || ((action === 'add' || action === 'remove') && target !== undefined);
  if (!wellFormed || extra.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }

  const config = readConfig();
  const logger = configuredLogger(config);
  if (action === 'list') {
    const { source } = await openConfiguredCorpus(config, logger);
    try {
      const { corpus } = await source.read();
      for (const document of corpus.documents) {
        const link = document.metadata?.sourceUrl ? `  ${document.metadata.sourceUrl}` : '';
        const byline = document.metadata?.byline ? ` (${document.metadata.byline})` : '';
        process.stdout.write(
          `${document.name}  ${document.title}${byline}: ${document.passages.length} passages${link}\n`,
        );
      }
    } finally {
      await source.close?.();
    }
    return 0;
  }

  try {
    // What can be refused before loading the model is refused first.
    const addition =
      action === 'add'
        ? isLink(target!)
          ? await webDocument(target!, { allowPrivate: config.allowPrivateUrls })
          : { name: path.basename(target!), bytes: await readDocumentFile(target!), metadata: undefined }
        : undefined;
    const progress = progressPrinter();
    const knowledgeBase = await openKnowledgeBase(config, logger, progress);
    try {
      const editor = new CorpusEditor(knowledgeBase);
      if (addition) {
        const added = await editor.add(
          addition.name,
          addition.bytes,
          { replace: commandLine.parsed.values.replace },
          progress,
        );
        process.stdout.write(describeAdded(added, addition.metadata?.sourceUrl ?? target!));
      } else {
        const report = await editor.remove(target!, progress);
        process.stdout.write(`Removed ${target}. Index rebuilt: ${report.passages} passages.\n`);
      }
      return 0;
    } finally {
      await knowledgeBase.close();
    }
  } catch (error) {
    if (!(error instanceof CorpusEditError)) throw error;
    process.stderr.write(`Nothing was changed: ${error.message}.\n`);
    return 1;
  }
});
