import cliProgress from 'cli-progress';
import { readConfig } from '../config/config.js';
import {
  cachedModelDirectory,
  downloadModel,
  isDownloadComplete,
  type DownloadProgress,
} from '../core/embedding/model-download.js';
import { TransformersEmbedder } from '../core/embedding/transformers-embedder.js';
import { runProgram } from '../startup/run-program.js';

const USAGE = `Usage: npm run download-model

Downloads the model EMBEDDING_MODEL names from HF_ENDPOINT (the Hugging Face
hub, or a mirror such as https://hf-mirror.com) into MODEL_CACHE_DIR, and checks
that it loads. Once it is there, the bot starts without any network access.`;

const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);

/** A bar per file on a terminal; a line per file and per quarter of it otherwise (logs, CI). */
function progressDisplay(stream: NodeJS.WriteStream): {
  update: (progress: DownloadProgress) => void;
  stop: () => void;
} {
  if (stream.isTTY) {
    const bars = new cliProgress.MultiBar(
      {
        stream,
        format: '{file} [{bar}] {percentage}% {loadedMB}/{totalMB} MB',
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    const byFile = new Map<string, cliProgress.SingleBar>();
    return {
      update: ({ file, loaded, total }) => {
        const size = Math.max(total, loaded, 1);
        const payload = { file: file.padEnd(26), loadedMB: megabytes(loaded), totalMB: total ? megabytes(total) : '?' };
        let bar = byFile.get(file);
        if (!bar) byFile.set(file, (bar = bars.create(size, loaded, payload)));
        bar.setTotal(size);
        bar.update(loaded, payload);
      },
      stop: () => bars.stop(),
    };
  }
  const quarters = new Map<string, number>();
  return {
    update: ({ file, loaded, total }) => {
      const quarter = total > 0 ? Math.floor((loaded / total) * 4) : 0;
      if (quarters.get(file) === quarter) return;
      quarters.set(file, quarter);
      stream.write(`${file} ${megabytes(loaded)}/${total ? megabytes(total) : '?'} MB\n`);
    },
    stop: () => undefined,
  };
}

runProgram(async () => {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.length > 0) {
    process.stderr.write(`Unknown argument: ${args.join(' ')}\n\n${USAGE}\n`);
    return 2;
  }
  const config = readConfig();
  const { model, isLocalDirectory, cacheDir, quantized, hubEndpoint } = config.embedding;
  if (isLocalDirectory) {
    process.stderr.write(`EMBEDDING_MODEL is a local directory (${model}): nothing to download.\n`);
    return 0;
  }
  const directory = cachedModelDirectory(cacheDir, model);
  if (isDownloadComplete(directory, quantized)) {
    process.stderr.write(`${model} is already in the cache: ${directory}\n`);
  } else {
    process.stderr.write(`Downloading ${model} from ${hubEndpoint} into ${directory}\n`);
    const display = progressDisplay(process.stderr);
    try {
      await downloadModel({ model, cacheDir, quantized, endpoint: hubEndpoint }, display.update);
    } finally {
      display.stop();
    }
  }
  // A file that arrived whole may still not be a model: loading it once says so now, not at the bot's start.
  const embedder = await TransformersEmbedder.load({
    model,
    isLocalDirectory: false,
    cacheDir,
    quantized,
    hubEndpoint,
    queryPrefix: config.embedding.queryPrefix,
    passagePrefix: config.embedding.passagePrefix,
  });
  await embedder.close();
  process.stderr.write(
    `Ready: ${model} (${embedder.info.dimensions} dimensions, ${embedder.info.maxTokens}-token window) in ${directory}\n`,
  );
  return 0;
});
