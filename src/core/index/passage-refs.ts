import { createHash } from 'node:crypto';
import type { Passage } from '../corpus/corpus.js';
import type { Manifest } from './index-store.js';

/**
 * A short, stable reference to a passage, for state that outlives the
 * process (a button's custom_id): six base-36 characters hashed from the
 * passage's document, paragraph number and text. It names the same passage
 * in any later index as long as that passage is unchanged, wherever other
 * documents moved it; a changed or removed passage resolves to nothing.
 */
export function passageRef(passage: Passage): string {
  const digest = createHash('sha256').update(`${passage.document}#${passage.paragraph}\n${passage.text}`).digest();
  return digest.readUInt32BE(0).toString(36).padStart(6, '0').slice(-6);
}

const refsByManifest = new WeakMap<Manifest, Map<string, number>>();

/** The passage a reference names in this index (its position in the passage table), or undefined. */
export function resolvePassageRef(manifest: Manifest, ref: string): number | undefined {
  let refs = refsByManifest.get(manifest);
  if (!refs) {
    refs = new Map(manifest.passages.map((passage, index) => [passageRef(passage), index]));
    refsByManifest.set(manifest, refs);
  }
  return refs.get(ref);
}
