// Makes, once per weights file, the copy of the model that the model process
// loads memory-mapped (onnx-external-data.mjs): in a short-lived process of its
// own, so that reading the whole file and the check below never stay in the
// model process's memory.
//
// The copy is used only if it computes exactly what the original does: both
// are run on the same probe input and every output must be equal bit for bit.
// onnxruntime's graph optimizer could treat an external initializer
// differently from an inline one (some fusions read initializers' values), so
// this is checked, not assumed; a model for which the check fails, or cannot
// be made (inputs the check does not know), keeps being loaded as it is.
//
// Files, beside the weights (`<name>.onnx`): `<name>.mapped-<key>.onnx` and its
// data `<name>.mapped-<key>.onnx.data`, then the record `<name>.mapped.json`
// ({ key, model } or { key, reason }), each written under a temporary name and
// renamed into place, the record last. The key (mapped-weights.ts) changes
// with the weights file's size and time, so a replaced model is copied again.
//
// Input: one JSON argument { source, key, minBytes, vocabularySize }; output:
// the record, then exit code 0 (any failure: a message on stderr, code 1).
import { closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { externalizeInitializers, hasExternalData } from './onnx-external-data.mjs';

/** @type {{ source: string, key: string, minBytes: number, vocabularySize: number }} */
const settings = JSON.parse(process.argv[2] ?? '{}');

const directory = path.dirname(settings.source);
const base = path.basename(settings.source, '.onnx');
const modelName = `${base}.mapped-${settings.key}.onnx`;
const dataName = `${modelName}.data`;
const recordFile = path.join(directory, `${base}.mapped.json`);
const partial = (name) => path.join(directory, `${name}.partial-${process.pid}`);

/** The inputs the model process feeds (int64 [batch, tokens]); a model that takes any other cannot be checked here. */
const KNOWN_INPUTS = ['input_ids', 'attention_mask', 'token_type_ids'];

/** Two rows of ids spread over the vocabulary, the second one padded, as a batch of texts would be. */
function probeFeeds(inputNames) {
  const unknown = inputNames.filter((name) => !KNOWN_INPUTS.includes(name));
  if (unknown.length) return { unknown };
  const columns = 12;
  const ids = new BigInt64Array(2 * columns);
  const mask = new BigInt64Array(2 * columns);
  for (let column = 0; column < columns; column++) {
    ids[column] = BigInt(Math.floor(((column * 7919 + 13) % 1000) * (settings.vocabularySize / 1000)));
    mask[column] = 1n;
    if (column < 7) {
      ids[columns + column] = BigInt((column * 104729 + 5) % settings.vocabularySize);
      mask[columns + column] = 1n;
    }
  }
  const tensors = {
    input_ids: ids,
    attention_mask: mask,
    token_type_ids: new BigInt64Array(2 * columns),
  };
  return {
    feeds: Object.fromEntries(inputNames.map((name) => [name, new ort.Tensor('int64', tensors[name], [2, columns])])),
  };
}

/** Every output's bytes, in the session's output order. */
async function outputsOf(file, inputNames) {
  const session = await ort.InferenceSession.create(file, { executionProviders: ['cpu'], enableCpuMemArena: false });
  if (inputNames && session.inputNames.join() !== inputNames.join()) throw new Error('the copy has other inputs');
  const { feeds, unknown } = probeFeeds(session.inputNames);
  if (unknown) return { unknown };
  const outputs = await session.run(feeds);
  return {
    inputNames: session.inputNames,
    outputs: session.outputNames.map((name) => {
      const { data } = outputs[name];
      return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    }),
  };
}

async function writeRecord(record) {
  const temporary = partial(path.basename(recordFile));
  await writeFile(temporary, JSON.stringify({ key: settings.key, ...record }));
  renameSync(temporary, recordFile);
}

/** Whether a process with this id runs (one making a copy beside this one, from another bot process). */
function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error?.code === 'EPERM';
  }
}

/** Copies made for an earlier version of the weights, and what killed runs left (not what running ones write). */
function removeOthers() {
  for (const entry of readdirSync(directory)) {
    if (!entry.startsWith(`${base}.mapped`) || entry === modelName || entry === dataName) continue;
    const writer = /\.partial-(\d+)$/.exec(entry);
    if (writer ? isRunning(Number(writer[1])) : entry === path.basename(recordFile)) continue;
    rmSync(path.join(directory, entry), { force: true });
  }
}

/**
 * Writes the copy's data under its own name and the copy under a temporary
 * one (its path returned), or a record of why there is none. The weights'
 * bytes are let go on return.
 */
async function writeCopy() {
  // Open the data file first: a directory we may not write to fails here, before the model is read.
  const temporaryData = partial(dataName);
  const descriptor = openSync(temporaryData, 'w');
  let rewritten;
  try {
    const bytes = readFileSync(settings.source);
    if (hasExternalData(bytes)) {
      rmSync(temporaryData, { force: true });
      await writeRecord({ reason: 'its initializers are external data already (onnxruntime maps them)' });
      return undefined;
    }
    rewritten = externalizeInitializers(bytes, {
      dataName,
      minBytes: settings.minBytes,
      write: (chunk) => writeSync(descriptor, chunk),
    });
  } finally {
    closeSync(descriptor);
  }
  if (rewritten.tensors === 0) {
    rmSync(temporaryData, { force: true });
    await writeRecord({ reason: 'no initializer is large enough to be worth mapping' });
    return undefined;
  }
  const temporaryModel = partial(modelName);
  await writeFile(temporaryModel, rewritten.model);
  renameSync(temporaryData, path.join(directory, dataName));
  return temporaryModel;
}

/** Why the copy may not stand for the original, or undefined when it computes exactly what the original does. */
async function checkCopy(temporaryModel) {
  // The copy first: it is the small one, and it is let go before the original is loaded.
  const copy = await outputsOf(temporaryModel);
  if (copy.unknown) return `it takes inputs the check does not feed (${copy.unknown.join(', ')})`;
  globalThis.gc?.();
  const original = await outputsOf(settings.source, copy.inputNames);
  const equal =
    copy.outputs.length === original.outputs.length &&
    copy.outputs.every((bytes, index) => bytes.equals(original.outputs[index]));
  return equal ? undefined : 'onnxruntime computes something else from the copy';
}

async function main() {
  const temporaryModel = await writeCopy();
  if (!temporaryModel) return;
  globalThis.gc?.();

  const reason = await checkCopy(temporaryModel).catch(
    (error) => `onnxruntime could not run the copy and the original (${error?.message ?? error})`,
  );
  if (reason) {
    rmSync(temporaryModel, { force: true });
    rmSync(path.join(directory, dataName), { force: true });
    await writeRecord({ reason });
    return;
  }
  renameSync(temporaryModel, path.join(directory, modelName));
  await writeRecord({ model: modelName });
  removeOthers();
}

main().then(
  () => process.exit(0),
  (error) => {
    for (const name of [dataName, modelName]) if (existsSync(partial(name))) rmSync(partial(name), { force: true });
    process.stderr.write(`${error?.message ?? error}\n`);
    process.exit(1);
  },
);
