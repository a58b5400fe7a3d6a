import type pg from 'pg';
import { withConnection } from './connection.js';

/** A vector space as the core describes it (src/core/embedding/vector-cache.ts). */
export interface EmbeddingSpace {
  id: string;
  description: string;
  dimensions: number;
}

type Reach = <T>(work: () => Promise<T>) => Promise<T>;

/** A vector as stored: float32, little-endian. */
function encode(vector: Float32Array, dimensions: number): Buffer {
  const bytes = Buffer.alloc(dimensions * 4);
  for (let index = 0; index < dimensions; index++) bytes.writeFloatLE(vector[index]!, index * 4);
  return bytes;
}

function decode(bytes: Buffer, dimensions: number): Float32Array | undefined {
  if (bytes.length !== dimensions * 4) return undefined;
  const vector = new Float32Array(dimensions);
  for (let index = 0; index < dimensions; index++) vector[index] = bytes.readFloatLE(index * 4);
  return vector;
}

/**
 * The embedding cache every process of a deployment shares, one vector space
 * at a time: passage vectors keyed by the SHA-256 of the text embedded, so a
 * passage is embedded once per deployment and model. It stands behind the
 * core's VectorCache without knowing it; the index builder carries on
 * without it when the database fails.
 */
export class PostgresEmbeddingCache {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly space: EmbeddingSpace,
    private readonly reach: Reach,
  ) {}

  static async open(pool: pg.Pool, space: EmbeddingSpace, reach: Reach): Promise<PostgresEmbeddingCache> {
    await reach(() =>
      withConnection(pool, (client) =>
        client.query(
          'INSERT INTO embedding_spaces (space, description, dimensions) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [space.id, space.description, space.dimensions],
        ),
      ),
    );
    return new PostgresEmbeddingCache(pool, space, reach);
  }

  async lookup(keys: readonly string[]): Promise<Map<string, Float32Array>> {
    const found = new Map<string, Float32Array>();
    if (keys.length === 0) return found;
    const { rows } = await this.reach(() =>
      withConnection(this.pool, (client) =>
        client.query<{ key: Buffer; vector: Buffer }>(
          'SELECT key, vector FROM embedding_cache WHERE space = $1 AND key = ANY($2::bytea[])',
          [this.space.id, keys.map((key) => Buffer.from(key, 'hex'))],
        ),
      ),
    );
    for (const { key, vector } of rows) {
      const decoded = decode(vector, this.space.dimensions);
      if (decoded) found.set(key.toString('hex'), decoded);
    }
    return found;
  }

  /** Keeps new vectors (a vector another process stored first is kept as it is). */
  async add(entries: ReadonlyArray<{ key: string; vector: Float32Array }>): Promise<void> {
    if (entries.length === 0) return;
    await this.reach(() =>
      withConnection(this.pool, (client) =>
        client.query(
          `INSERT INTO embedding_cache (space, key, vector)
           SELECT $1, key, vector FROM unnest($2::bytea[], $3::bytea[]) AS added (key, vector)
           ON CONFLICT DO NOTHING`,
          [
            this.space.id,
            entries.map(({ key }) => Buffer.from(key, 'hex')),
            entries.map(({ vector }) => encode(vector, this.space.dimensions)),
          ],
        ),
      ),
    );
  }

  /**
   * Forgets the space's vectors but these. Called by a build under the
   * corpus's lock, with the keys of the latest version: every process builds
   * that version or a later one, so none needs the vectors forgotten.
   */
  async retainOnly(keys: readonly string[]): Promise<void> {
    await this.reach(() =>
      withConnection(this.pool, (client) =>
        client.query('DELETE FROM embedding_cache WHERE space = $1 AND NOT (key = ANY($2::bytea[]))', [
          this.space.id,
          [...new Set(keys)].map((key) => Buffer.from(key, 'hex')),
        ]),
      ),
    );
  }
}
