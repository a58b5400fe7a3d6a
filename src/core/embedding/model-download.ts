import { fork } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelLoadError } from './embedder.js';

/**
 * The model cache: where a hub model lives once downloaded, whether its
 * download is complete, and downloading it (in a process of its own,
 * model-download-process.mjs, through transformers.js' hub code).
 *
 * The cache keeps transformers.js' layout, `<cache>/<owner>/<name>/<file>`,
 * plus a download record listing each file that arrived whole, with its size.
 * A model is used from the cache only when every file it needs is in the
 * record at that size: a download cut short is never taken for a complete one.
 */

/** The hub the models come from unless HF_ENDPOINT names a mirror. */
export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/** Written by model-download-process.mjs after each file that arrived whole. */
export const DOWNLOAD_RECORD = '.download-record.json';

/** The one revision the bot downloads. */
const REVISION = 'main';

const downloadProcessPath = fileURLToPath(new URL('./model-download-process.mjs', import.meta.url));

/** The files the model process reads, in the order they are downloaded (the weights last: the longest). */
export function modelFiles(quantized: boolean): string[] {
  return [
    'config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    quantized ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx',
  ];
}

/** Where a hub model is cached (transformers.js' layout). */
export function cachedModelDirectory(cacheDir: string, model: string): string {
  return path.join(cacheDir, ...model.split('/'));
}

/** True when every file the model needs arrived whole, as the download record says and the disk agrees. */
export function isDownloadComplete(directory: string, quantized: boolean): boolean {
  let recorded: Record<string, unknown>;
  try {
    recorded = (
      JSON.parse(readFileSync(path.join(directory, DOWNLOAD_RECORD), 'utf8')) as { files: Record<string, unknown> }
    ).files;
  } catch {
    return false;
  }
  return modelFiles(quantized).every((file) => {
    try {
      return recorded[file] === statSync(path.join(directory, file)).size;
    } catch {
      return false;
    }
  });
}

export interface ModelDownloadOptions {
  model: string;
  cacheDir: string;
  quantized: boolean;
  /** The hub or a mirror of it (HF_ENDPOINT), e.g. https://hf-mirror.com. */
  endpoint: string;
}

/** Bytes of one file so far; `total` is 0 while the server has not said. */
export interface DownloadProgress {
  file: string;
  loaded: number;
  total: number;
}

/** A model that could not be downloaded: a model that cannot be loaded, with the reason in words. */
export class ModelDownloadError extends ModelLoadError {
  constructor(
    message: string,
    readonly detail: string,
  ) {
    super(message);
    this.name = 'ModelDownloadError';
  }
}

/** Why a download failed, in words: a missing model, a refusal, or a network problem. */
function explainDownloadFailure(options: ModelDownloadOptions, detail: string): ModelDownloadError {
  const notFound = /could not locate|404/i.test(detail);
  const refused = /unauthori[sz]ed|forbidden|401|403/i.test(detail);
  const reason = notFound
    ? `${options.endpoint} has no such model (check the id; the default is Xenova/multilingual-e5-small)`
    : refused
      ? `${options.endpoint} refused it (${detail})`
      : `it could not be fetched from ${options.endpoint} (${detail}). Where the Hugging Face hub is unreachable, ` +
        'set HF_ENDPOINT to a mirror of it, e.g. HF_ENDPOINT=https://hf-mirror.com';
  const offline =
    'To run without network access, download it on a machine that has it (npm run download-model) and copy the ' +
    'cache, or set EMBEDDING_MODEL to the path of a transformers.js model directory (docs/operations.md#running-fully-offline).';
  return new ModelDownloadError(
    `The embedding model "${options.model}" cannot be downloaded: ${reason}. ${offline}`,
    detail,
  );
}

/**
 * Downloads the model's files into the cache, skipping those that already
 * arrived whole; resolves with the model's directory once complete.
 */
export function downloadModel(
  options: ModelDownloadOptions,
  onProgress?: (progress: DownloadProgress) => void,
): Promise<string> {
  const directory = cachedModelDirectory(options.cacheDir, options.model);
  const settings = {
    model: options.model,
    directory,
    files: modelFiles(options.quantized),
    endpoint: options.endpoint,
    revision: REVISION,
    recordName: DOWNLOAD_RECORD,
  };
  return new Promise((resolve, reject) => {
    const child = fork(downloadProcessPath, [JSON.stringify(settings)], {
      execArgv: [],
      // transformers.js' own warnings go to stderr; stdout belongs to `ask --json`.
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    child.stdout?.pipe(process.stderr);
    let failure: string | undefined;
    child.on('message', (message: { type: string; error?: { message: string; cause?: string } } & DownloadProgress) => {
      if (message.type === 'progress')
        onProgress?.({ file: message.file, loaded: message.loaded, total: message.total });
      else if (message.type === 'error' && message.error)
        failure = message.error.cause ? `${message.error.message} (${message.error.cause})` : message.error.message;
    });
    child.on('error', (error) => reject(explainDownloadFailure(options, error.message)));
    child.on('exit', (code, signal) => {
      if (code === 0 && isDownloadComplete(directory, options.quantized)) resolve(directory);
      else
        reject(explainDownloadFailure(options, failure ?? `the download process exited (${signal ?? `code ${code}`})`));
    });
  });
}
