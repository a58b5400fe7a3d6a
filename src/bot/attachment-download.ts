import type { Attachment } from 'discord.js';
import { UserFacingError } from './errors.js';

/** A download that takes longer than this is given up: Discord's CDN serves a 1 MB file in well under a second. */
const DOWNLOAD_TIMEOUT_MS = 30_000;

/**
 * The bytes of an uploaded file, read from Discord's CDN, at most `maxBytes`
 * + 1 of them (enough to tell that a file is too large, whatever its declared
 * size said). A failed download is the user's to retry.
 */
export async function downloadAttachment(attachment: Attachment, maxBytes: number): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(attachment.url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch (error) {
    throw new UserFacingError('corpusDownloadFailed', {}, { cause: error });
  }
  if (!response.ok || !response.body) {
    throw new UserFacingError('corpusDownloadFailed', {}, { cause: new Error(`the CDN answered ${response.status}`) });
  }
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
      if (length > maxBytes) {
        await reader.cancel();
        break;
      }
    }
  } catch (error) {
    throw new UserFacingError('corpusDownloadFailed', {}, { cause: error });
  }
  return Buffer.concat(chunks).subarray(0, maxBytes + 1);
}
