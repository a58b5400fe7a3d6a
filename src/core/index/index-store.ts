import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { syncDirectory, syncFile, writeDurably } from '../durable-files.js';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import type { CorpusDocument, Passage } from '../corpus/corpus.js';
import type { ModelInfo } from '../embedding/embedder.js';
import { LexicalFormatMismatch, LexicalIndex, type SerializedLexicalIndex } from '../search/lexical.js';
import { PROBE_SET_ID, type DenseCalibration } from '../search/relevance/calibration.js';
import type { Script } from '../search/relevance/decision.js';
import { parseManifest } from './manifest-schema.js';

const { HierarchicalNSW } = hnswlib;
export type VectorIndex = InstanceType<typeof HierarchicalNSW>;

/**
 * 2: the manifest records the dense bar's calibration and the corpus's scripts.
 * 3: it records the windows left without a vector, and what the calibration left out.
 */
export const INDEX_FORMAT_VERSION = 3;

/**
 * HNSW parameters. The article has tens of windows, where any setting is
 * exact; these were chosen by the sweep in `npm run bench` (100k clustered
 * 384-d vectors, top 10; README "Performance"): M 16 (M 24 was slower in two
 * runs of three and builds ~20% longer), efConstruction 200
 * (a better graph than 100: recall@10 0.9935 instead of 0.973 at ef 64; the
 * build, ~65 s instead of ~40 s at 100k, is paid once), and efSearch 64, the
 * lowest that keeps recall@10 ≥ 0.99 (0.9935; 112–127× a brute-force scan's
 * queries/s, where ef 100 gave 0.999 at 89–110×). hnswlib never searches
 * with an ef below the number of neighbours asked for, so a query for k > 64
 * costs as ef = k.
 */
export interface HnswParameters {
  M: number;
  efConstruction: number;
  efSearch: number;
}
export const DEFAULT_HNSW: HnswParameters = { M: 16, efConstruction: 200, efSearch: 64 };

/** Everything needed to trust and serve an index, written last so its presence means "complete". */
export interface Manifest {
  formatVersion: number;
  model: ModelInfo;
  corpus: {
    path: string;
    contentHash: string;
    documents: Pick<CorpusDocument, 'name' | 'title' | 'sections' | 'metadata'>[];
    /** The scripts the corpus is written in: a question word's absence counts only in these. */
    scripts: Script[];
  };
  /** The dense bar, measured for this model against these passages when the index was built. */
  calibration: DenseCalibration;
  passages: Passage[];
  /** Vector label → passage index; long passages have several windows. */
  windows: number[];
  /** Labels of windows whose vectors were unusable (not finite, or all zeros): not in the vector index. */
  windowsWithoutVector: number[];
  hnsw: HnswParameters & { space: 'cosine' };
  files: Record<string, { sha256: string; bytes: number }>;
  builtAt: string;
  buildMs: number;
  versions: Record<string, string>;
}

/** A loaded, immutable index: replaced whole on rebuild, never mutated while serving. */
export interface IndexSnapshot {
  manifest: Manifest;
  vectors: VectorIndex;
  lexical: LexicalIndex;
}

export class IndexUnavailableError extends Error {
  constructor(
    /** missing: never built; outdated: built by another version of this program; corrupt: damaged files. */
    readonly reason: 'missing' | 'outdated' | 'corrupt',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'IndexUnavailableError';
  }
}

const POINTER = 'CURRENT';
const VECTORS_FILE = 'vectors.hnsw';
const LEXICAL_FILE = 'lexical.json';
const MANIFEST_FILE = 'manifest.json';
const BUILDING_PREFIX = '.building-';
const INDEX_PREFIX = 'index-';

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function packageVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const versionOf = (name: string) => {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return {
    node: process.versions.node,
    '@xenova/transformers': versionOf('@xenova/transformers'),
    'hnswlib-node': versionOf('hnswlib-node'),
    '@node-rs/jieba': versionOf('@node-rs/jieba'),
    'opencc-js': versionOf('opencc-js'),
  };
}

export function createVectorIndex(
  dimensions: number,
  capacity: number,
  parameters: HnswParameters = DEFAULT_HNSW,
): VectorIndex {
  const index = new HierarchicalNSW('cosine', dimensions);
  index.initIndex({
    maxElements: Math.max(1, capacity),
    m: parameters.M,
    efConstruction: parameters.efConstruction,
    randomSeed: 100,
  });
  index.setEf(parameters.efSearch);
  return index;
}

export interface WriteHooks {
  /** Called after every file is written and before the new index is made current: tests crash here. */
  beforeCommit?: () => void | Promise<void>;
}

/**
 * Writes an index beside the current one and then makes it current with one
 * atomic rename of the pointer file. A crash at any moment leaves either the
 * old index or the new one current, never a mix.
 */
export async function writeSnapshot(
  indexDir: string,
  snapshot: { manifest: Omit<Manifest, 'files'>; vectors: VectorIndex; lexical: LexicalIndex },
  hooks: WriteHooks = {},
): Promise<Manifest> {
  await mkdir(indexDir, { recursive: true });
  const id = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const building = path.join(indexDir, `${BUILDING_PREFIX}${id}`);
  await mkdir(building);
  try {
    snapshot.vectors.writeIndexSync(path.join(building, VECTORS_FILE));
    await syncFile(path.join(building, VECTORS_FILE));
    const vectorBytes = await readFile(path.join(building, VECTORS_FILE));
    const lexicalText = JSON.stringify(snapshot.lexical.toJSON());
    await writeDurably(path.join(building, LEXICAL_FILE), lexicalText);
    const manifest: Manifest = {
      ...snapshot.manifest,
      files: {
        [VECTORS_FILE]: { sha256: sha256(vectorBytes), bytes: vectorBytes.length },
        [LEXICAL_FILE]: { sha256: sha256(lexicalText), bytes: Buffer.byteLength(lexicalText) },
      },
    };
    await writeDurably(path.join(building, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
    await syncDirectory(building);

    const finalName = `${INDEX_PREFIX}${id}`;
    await rename(building, path.join(indexDir, finalName));
    await hooks.beforeCommit?.();
    const pointerTemp = path.join(indexDir, `${POINTER}.${id}.tmp`);
    await writeDurably(pointerTemp, `${finalName}\n`);
    await rename(pointerTemp, path.join(indexDir, POINTER));
    await syncDirectory(indexDir);
    await removeStale(indexDir, finalName);
    return manifest;
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    throw error;
  }
}

/** Removes index directories that are no longer current and leftovers of interrupted builds. */
export async function removeStale(indexDir: string, keep?: string): Promise<void> {
  let current = keep;
  if (!current) {
    try {
      current = (await readFile(path.join(indexDir, POINTER), 'utf8')).trim();
    } catch {
      return;
    }
  }
  const entries = await readdir(indexDir).catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter(
        (name) =>
          (name.startsWith(INDEX_PREFIX) && name !== current) ||
          name.startsWith(BUILDING_PREFIX) ||
          (name.startsWith(`${POINTER}.`) && name.endsWith('.tmp')),
      )
      .map((name) => rm(path.join(indexDir, name), { recursive: true, force: true })),
  );
}

/** Reads the current index, verifying every file against the manifest's checksums. */
export async function readSnapshot(indexDir: string): Promise<IndexSnapshot> {
  let current: string;
  try {
    current = (await readFile(path.join(indexDir, POINTER), 'utf8')).trim();
  } catch (error) {
    throw new IndexUnavailableError('missing', `no index has been built in ${indexDir} yet`, { cause: error });
  }
  const directory = path.join(indexDir, current);
  if (!/^[\w.-]+$/.test(current))
    throw new IndexUnavailableError('corrupt', `the index pointer ${path.join(indexDir, POINTER)} is garbled`);

  let data: unknown;
  try {
    data = JSON.parse(await readFile(path.join(directory, MANIFEST_FILE), 'utf8'));
  } catch (error) {
    throw new IndexUnavailableError('corrupt', `the index manifest in ${directory} is missing or unreadable`, {
      cause: error,
    });
  }
  const version = (data as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version !== INDEX_FORMAT_VERSION) {
    throw new IndexUnavailableError('outdated', `the index in ${directory} was written by another version of the bot`);
  }
  // Anything missing, of the wrong type or not finite (a calibration of null) is damage: rebuilt, never served.
  const parsed = parseManifest(data);
  if ('problem' in parsed) {
    throw new IndexUnavailableError('corrupt', `the index manifest in ${directory} is damaged (${parsed.problem})`);
  }
  const { manifest } = parsed;

  const contents: Record<string, Buffer> = {};
  for (const [name, expected] of Object.entries(manifest.files)) {
    let data: Buffer;
    try {
      data = await readFile(path.join(directory, name));
    } catch (error) {
      throw new IndexUnavailableError('corrupt', `the index file ${name} is missing`, { cause: error });
    }
    if (data.length !== expected.bytes || sha256(data) !== expected.sha256) {
      throw new IndexUnavailableError(
        'corrupt',
        `the index file ${name} is damaged (its checksum does not match the manifest)`,
      );
    }
    contents[name] = data;
  }

  try {
    const vectors = new HierarchicalNSW('cosine', manifest.model.dimensions);
    vectors.readIndexSync(path.join(directory, VECTORS_FILE));
    vectors.setEf(manifest.hnsw.efSearch);
    if (vectors.getCurrentCount() !== manifest.windows.length - manifest.windowsWithoutVector.length)
      throw new Error('vector count differs from the manifest');
    const lexical = LexicalIndex.fromJSON(
      JSON.parse(contents[LEXICAL_FILE]!.toString('utf8')) as SerializedLexicalIndex,
    );
    if (lexical.size !== manifest.passages.length) throw new Error('lexical index size differs from the manifest');
    return { manifest, vectors, lexical };
  } catch (error) {
    if (error instanceof LexicalFormatMismatch)
      throw new IndexUnavailableError('outdated', error.message, { cause: error });
    throw new IndexUnavailableError(
      'corrupt',
      `the index in ${directory} cannot be loaded: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Why a persisted index cannot serve this corpus with this model and these HNSW settings, or null when it can. */
export function staleReason(
  manifest: Manifest,
  corpusHash: string,
  model: ModelInfo,
  hnsw: HnswParameters = DEFAULT_HNSW,
): string | null {
  if (manifest.corpus.contentHash !== corpusHash) return 'the corpus changed';
  const built = manifest.model;
  if (built.id !== model.id || built.fingerprint !== model.fingerprint)
    return `the model changed (${built.id} → ${model.id})`;
  if (built.dimensions !== model.dimensions) return 'the model dimensions changed';
  if (built.quantized !== model.quantized) return 'the model quantization setting changed';
  if (built.queryPrefix !== model.queryPrefix || built.passagePrefix !== model.passagePrefix)
    return 'the embedding prefixes changed';
  if (built.maxTokens !== model.maxTokens) return 'the model token window changed';
  if (manifest.calibration.probeSet !== PROBE_SET_ID) return 'the calibration probes changed';
  const graph = manifest.hnsw;
  if (graph.M !== hnsw.M || graph.efConstruction !== hnsw.efConstruction || graph.efSearch !== hnsw.efSearch)
    return `the HNSW settings changed (M ${graph.M} → ${hnsw.M}, efConstruction ${graph.efConstruction} → ${hnsw.efConstruction}, efSearch ${graph.efSearch} → ${hnsw.efSearch})`;
  return null;
}
