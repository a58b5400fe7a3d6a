import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, truncate } from 'node:fs/promises';
import { writeDurably } from '../durable-files.js';
import path from 'node:path';
import type { ModelInfo } from './embedder.js';
import { vectorSpaceOf, type VectorCache } from './vector-cache.js';
import { isUsableVector } from './vector-check.js';

/**
 * Passage vectors from earlier builds, so that a rebuild embeds only the
 * passages that are new or changed. One file per vector space (model id and
 * fingerprint, dimensions, quantization, passage prefix) in
 * `<INDEX_DIR>/embedding-cache/`, keyed by the SHA-256 of the text as
 * embedded. The cache only ever saves work: a record that fails its checksum
 * (a torn append after a crash, a damaged disk) ends the readable part and
 * the rest is embedded again, and the served index never depends on it.
 * A vector that is not finite or is all zeros (vector-check.ts) is neither
 * stored nor, if an older version stored it, reused.
 *
 * The file: 8 bytes of magic, the space as JSON (4-byte length first), then
 * records of a 32-byte key, the vector (float32, little-endian) and the
 * first 8 bytes of the SHA-256 of key and vector.
 */

export const EMBEDDING_CACHE_DIR = 'embedding-cache';

const MAGIC = Buffer.from('ABVEC001');
const KEY_BYTES = 32;
const CHECK_BYTES = 8;

/** The key of a text as it is embedded (hex SHA-256). */
export function textKey(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function checksum(key: Buffer, vector: Buffer): Buffer {
  return createHash('sha256').update(key).update(vector).digest().subarray(0, CHECK_BYTES);
}

/** The vector cache of one process: a file per vector space in the index directory (the default {@link VectorCache}). */
export class EmbeddingCache implements VectorCache {
  private readonly vectors = new Map<string, Float32Array>();
  /** Bytes of the file that hold whole, verified records (anything after is cut before appending). */
  private validBytes = 0;
  private fileBytes = 0;
  /** Records in the file whose vectors are unusable: skipped, and dropped at the next rewrite. */
  private unusable = 0;

  private constructor(
    readonly file: string,
    private readonly space: string,
    private readonly dimensions: number,
  ) {}

  /** Reads the cache of this model's vector space (empty when there is none, or it belongs to another space). */
  static async open(indexDir: string, model: ModelInfo): Promise<EmbeddingCache> {
    const space = vectorSpaceOf(model);
    const file = path.join(indexDir, EMBEDDING_CACHE_DIR, `${space.id}.vectors`);
    const cache = new EmbeddingCache(file, space.description, model.dimensions);
    let data: Buffer;
    try {
      data = await readFile(cache.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return cache;
      throw error;
    }
    cache.load(data);
    return cache;
  }

  get size(): number {
    return this.vectors.size;
  }

  get(key: string): Float32Array | undefined {
    return this.vectors.get(key);
  }

  async lookup(keys: readonly string[]): Promise<Map<string, Float32Array>> {
    const found = new Map<string, Float32Array>();
    for (const key of keys) {
      const vector = this.vectors.get(key);
      if (vector) found.set(key, vector);
    }
    return found;
  }

  private header(): Buffer {
    const space = Buffer.from(this.space);
    const length = Buffer.alloc(4);
    length.writeUInt32LE(space.length);
    return Buffer.concat([MAGIC, length, space]);
  }

  private load(data: Buffer): void {
    this.fileBytes = data.length;
    const header = this.header();
    // Another space's file under this name, or a damaged header: nothing in it can be trusted.
    if (data.length < header.length || !data.subarray(0, header.length).equals(header)) return;
    const vectorBytes = this.dimensions * 4;
    const recordBytes = KEY_BYTES + vectorBytes + CHECK_BYTES;
    let offset = header.length;
    while (offset + recordBytes <= data.length) {
      const key = data.subarray(offset, offset + KEY_BYTES);
      const vector = data.subarray(offset + KEY_BYTES, offset + KEY_BYTES + vectorBytes);
      if (!checksum(key, vector).equals(data.subarray(offset + KEY_BYTES + vectorBytes, offset + recordBytes))) break;
      const values = new Float32Array(this.dimensions);
      for (let index = 0; index < this.dimensions; index++) values[index] = vector.readFloatLE(index * 4);
      if (isUsableVector(values, this.dimensions)) this.vectors.set(key.toString('hex'), values);
      else this.unusable++;
      offset += recordBytes;
    }
    this.validBytes = offset;
  }

  private record(key: string, vector: Float32Array): Buffer {
    const keyBytes = Buffer.from(key, 'hex');
    const vectorBytes = Buffer.alloc(this.dimensions * 4);
    for (let index = 0; index < this.dimensions; index++) vectorBytes.writeFloatLE(vector[index]!, index * 4);
    return Buffer.concat([keyBytes, vectorBytes, checksum(keyBytes, vectorBytes)]);
  }

  /**
   * Adds vectors just embedded, appending them to the file in one write, so a
   * build that fails or is killed later keeps them for the next attempt.
   */
  async add(entries: ReadonlyArray<{ key: string; vector: Float32Array }>): Promise<void> {
    const fresh = entries.filter(
      ({ key, vector }) => !this.vectors.has(key) && isUsableVector(vector, this.dimensions),
    );
    if (fresh.length === 0) return;
    await mkdir(path.dirname(this.file), { recursive: true });
    if (this.validBytes === 0) {
      // A new file, or one that cannot be trusted from its header on: start it afresh.
      await rm(this.file, { force: true });
      this.fileBytes = 0;
    } else if (this.fileBytes > this.validBytes) {
      await truncate(this.file, this.validBytes);
    }
    const parts = this.validBytes === 0 ? [this.header()] : [];
    for (const { key, vector } of fresh) parts.push(this.record(key, vector));
    const bytes = Buffer.concat(parts);
    const handle = await open(this.file, 'a');
    try {
      await handle.write(bytes);
    } finally {
      await handle.close();
    }
    for (const { key, vector } of fresh) this.vectors.set(key, vector);
    this.validBytes += bytes.length;
    this.fileBytes = this.validBytes;
  }

  /**
   * Rewrites the file with only these keys (the vectors the new index
   * serves), atomically: written beside it, synced, then renamed over it.
   */
  async retainOnly(keys: readonly string[]): Promise<void> {
    const kept = new Set(keys.filter((key) => this.vectors.has(key)));
    if (kept.size === this.vectors.size && this.fileBytes === this.validBytes && this.unusable === 0) return;
    await mkdir(path.dirname(this.file), { recursive: true });
    const bytes = Buffer.concat([this.header(), ...[...kept].map((key) => this.record(key, this.vectors.get(key)!))]);
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeDurably(temporary, bytes);
    await rename(temporary, this.file);
    for (const key of [...this.vectors.keys()]) if (!kept.has(key)) this.vectors.delete(key);
    this.validBytes = bytes.length;
    this.fileBytes = bytes.length;
    this.unusable = 0;
  }
}
