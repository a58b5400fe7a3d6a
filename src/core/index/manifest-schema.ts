import { z } from 'zod';
import type { Manifest } from './index-store.js';

/**
 * What a manifest must hold to be trusted: every field the bot reads, of the
 * right type, every number finite (JSON turns NaN into null; a bar of null
 * must never be served). Objects pass through fields this version does not
 * know, so a manifest is never rewritten poorer than it was read.
 */

const finite = z.number().finite();
const count = z.number().int().nonnegative();
const positive = z.number().int().positive();

const modelSchema = z
  .object({
    id: z.string(),
    dimensions: positive,
    maxTokens: positive,
    queryPrefix: z.string(),
    passagePrefix: z.string(),
    quantized: z.boolean(),
    fingerprint: z.string(),
  })
  .passthrough();

const passageSchema = z
  .object({
    id: z.string(),
    document: z.string(),
    title: z.string(),
    paragraph: positive,
    section: z.string().nullable(),
    text: z.string(),
  })
  .passthrough();

const calibrationSchema = z
  .object({
    probeSet: z.string(),
    probes: positive,
    distribution: z
      .object({ min: finite, p25: finite, median: finite, p75: finite, p90: finite, p98: finite, max: finite })
      .passthrough(),
    bar: finite.min(-1).max(1),
    spread: finite.positive(),
    excluded: z.object({ probes: count, windows: count, cosines: count }).passthrough(),
  })
  .passthrough();

const manifestSchema = z
  .object({
    formatVersion: z.number(),
    model: modelSchema,
    corpus: z
      .object({
        path: z.string(),
        contentHash: z.string(),
        documents: z.array(
          z.object({ name: z.string(), title: z.string(), sections: z.array(z.string()) }).passthrough(),
        ),
        scripts: z.array(z.enum(['han', 'latin'])),
      })
      .passthrough(),
    calibration: calibrationSchema,
    passages: z.array(passageSchema),
    windows: z.array(count),
    windowsWithoutVector: z.array(count),
    hnsw: z
      .object({ M: positive, efConstruction: positive, efSearch: positive, space: z.literal('cosine') })
      .passthrough(),
    files: z.record(z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: count }).passthrough()),
    builtAt: z.string(),
    buildMs: finite,
    versions: z.record(z.string()),
  })
  .passthrough()
  .superRefine((manifest, context) => {
    const passages = manifest.passages.length;
    if (manifest.windows.some((passage) => passage >= passages))
      context.addIssue({ code: z.ZodIssueCode.custom, path: ['windows'], message: 'points past the passages' });
    if (manifest.windowsWithoutVector.some((label) => label >= manifest.windows.length))
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['windowsWithoutVector'],
        message: 'names a window that does not exist',
      });
  });

/** The manifest as read, or the first thing wrong with it (`calibration.bar: Expected number, received null`). */
export function parseManifest(data: unknown): { manifest: Manifest } | { problem: string } {
  const parsed = manifestSchema.safeParse(data);
  if (parsed.success) return { manifest: parsed.data as unknown as Manifest };
  const issue = parsed.error.issues[0]!;
  return { problem: `${issue.path.join('.') || 'the manifest'}: ${issue.message}` };
}
