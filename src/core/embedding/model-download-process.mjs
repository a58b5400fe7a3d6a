// Downloads a model from the Hugging Face hub, or from the mirror HF_ENDPOINT
// names, into the model cache, in a short-lived process of its own: the
// transformers.js code that names and fetches model files (with onnxruntime,
// which it imports) never stays in the bot's memory or the model's.
//
// transformers.js decides the URLs (<endpoint>/<model>/resolve/<revision>/<file>)
// and fetches; this file decides how a file enters the cache: written under a
// temporary name, renamed into place once whole, and only then listed in the
// cache's download record (model-cache.ts reads it). A download that fails or
// is killed leaves at most a temporary file, never a file that looks complete.
//
// Plain JavaScript, like the model process, so it starts without a TypeScript
// loader. Input: one JSON argument; output: IPC messages
// { type: 'progress', file, loaded, total } … then { type: 'done' } or { type: 'error', error }.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { env } from '@xenova/transformers/src/env.js';
import { getModelFile } from '@xenova/transformers/src/utils/hub.js';

/** @type {{ model: string, directory: string, files: string[], endpoint: string, revision: string, recordName: string }} */
const settings = JSON.parse(process.argv[2] ?? '{}');

function send(message) {
  if (process.connected) process.send(message);
}

/** Sends the last message, then exits once it is on its way (an exit right after send() can lose it). */
function finish(message, code) {
  if (!process.connected) process.exit(code);
  process.send(message, () => process.exit(code));
}

/** Removes what an earlier, killed download of this file left behind. */
async function removeLeftovers(file) {
  const entries = await readdir(path.dirname(file)).catch(() => []);
  const prefix = `${path.basename(file)}.partial-`;
  await Promise.all(
    entries
      .filter((entry) => entry.startsWith(prefix))
      .map((entry) => rm(path.join(path.dirname(file), entry), { force: true })),
  );
}

async function readRecord(file) {
  try {
    const record = JSON.parse(await readFile(file, 'utf8'));
    return record && typeof record.files === 'object' ? record : undefined;
  } catch {
    return undefined;
  }
}

async function sizeOf(file) {
  try {
    return (await stat(file)).size;
  } catch {
    return undefined;
  }
}

/** Writes a file whole or not at all: a temporary name, then one rename. */
async function writeAtomically(file, data) {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.partial-${process.pid}`;
  try {
    await writeFile(temporary, data, { flush: true });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function download() {
  // Every URL starts at the endpoint; nothing is read from or written to transformers.js' own caches.
  env.remoteHost = settings.endpoint.replace(/\/*$/, '/');
  env.allowRemoteModels = true;
  env.allowLocalModels = false;
  env.useFSCache = false;
  env.useBrowserCache = false;
  env.useCustomCache = false;

  const recordFile = path.join(settings.directory, settings.recordName);
  const record = (await readRecord(recordFile)) ?? { files: {} };
  for (const file of settings.files) {
    const target = path.join(settings.directory, file);
    const size = await sizeOf(target);
    if (size !== undefined && record.files[file] === size) {
      send({ type: 'progress', file, loaded: size, total: size });
      continue;
    }
    await removeLeftovers(target);
    let last = { loaded: 0, total: 0 };
    const data = await getModelFile(settings.model, file, true, {
      revision: settings.revision,
      progress_callback: (event) => {
        if (event.status !== 'progress') return;
        last = { loaded: event.loaded, total: event.total };
        send({ type: 'progress', file, loaded: event.loaded, total: event.total });
      },
    });
    // The fetch fails on a connection cut short; this also catches a body that merely ended early.
    if (last.total > 0 && last.loaded < last.total)
      throw new Error(`${file} arrived incomplete (${last.loaded} of ${last.total} bytes)`);
    await writeAtomically(target, data);
    record.files[file] = data.byteLength;
    record.model = settings.model;
    record.revision = settings.revision;
    record.endpoint = settings.endpoint;
    await writeAtomically(recordFile, `${JSON.stringify(record, null, 2)}\n`);
    send({ type: 'progress', file, loaded: data.byteLength, total: data.byteLength });
  }
}

function describe(error) {
  const cause = error?.cause;
  return {
    message: String(error?.message ?? error),
    cause: cause ? String(cause.code ?? cause.message ?? cause) : undefined,
  };
}

download().then(
  () => finish({ type: 'done' }, 0),
  (error) => finish({ type: 'error', error: describe(error) }, 1),
);

// Never outlive the process that asked for the download.
process.on('disconnect', () => process.exit(1));
