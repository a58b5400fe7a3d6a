/**
 * A loopback stand-in for Discord's attachment CDN, on its own port as cdn.discordapp.com is its
 * own host. Files uploaded by the bot and files tests attach (to messages or command options) are
 * served at signed URLs, `/attachments/<channel>/<attachment>/<name>?ex=…&is=…&hm=…`, like Discord's:
 * a URL without a valid, unexpired signature gets 404, so a bot must use the URL it was given.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { closeServer, listenOnLoopback } from '../loopback-server.js';
import type { ChangeNotifier } from './changes.js';
import { snowflake } from './snowflake.js';
import type { AttachmentInput, CdnRequest, JsonObject } from './types.js';

/** How long a signed URL stays valid; Discord's last about a day. */
const URL_LIFETIME_S = 24 * 60 * 60;
/** The proxied variant (media.discordapp.net) is told apart by this path prefix on the one port. */
const PROXY_PREFIX = '/media';
const GONE = 'This content is no longer available.';

const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.pdf': 'application/pdf',
};

interface StoredFile {
  id: string;
  channelId: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface CdnUpload {
  channelId: string;
  filename: string;
  data: Buffer;
  contentType?: string;
  description?: string;
  width?: number;
  height?: number;
  /** Files attached to command options are ephemeral attachments. */
  ephemeral?: boolean;
}

export class FakeCdn {
  /** Every request to the CDN, in arrival order. */
  readonly requests: CdnRequest[] = [];
  private readonly server: http.Server;
  private readonly files = new Map<string, StoredFile>();
  private readonly signingKey = randomBytes(32);
  private port = 0;

  constructor(private readonly changes: ChangeNotifier) {
    this.server = http.createServer((request, response) => this.handle(request, response));
    this.server.keepAliveTimeout = 1000;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    this.port = await listenOnLoopback(this.server);
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  /** Stores the bytes and returns the attachment object Discord would describe them with. */
  store(upload: CdnUpload): JsonObject {
    const id = snowflake();
    const contentType = upload.contentType || contentTypeOf(upload.filename);
    this.files.set(id, { id, channelId: upload.channelId, filename: upload.filename, contentType, data: upload.data });
    const filePath = `/attachments/${upload.channelId}/${id}/${encodeURIComponent(upload.filename)}`;
    const attachment: JsonObject = {
      id,
      filename: upload.filename,
      ...(upload.description !== undefined ? { description: upload.description } : {}),
      size: upload.data.length,
      content_type: contentType,
      url: this.signedUrl(filePath),
      proxy_url: this.signedUrl(PROXY_PREFIX + filePath),
    };
    const given = upload.width !== undefined && upload.height !== undefined;
    const dimensions = given ? { width: upload.width!, height: upload.height! } : imageDimensions(upload.data);
    if (contentType.startsWith('image/') && dimensions) Object.assign(attachment, dimensions);
    if (upload.ephemeral) attachment.ephemeral = true;
    return attachment;
  }

  /** Stores a file a test provides. */
  storeInput(input: AttachmentInput, channelId: string, ephemeral = false): JsonObject {
    return this.store({
      channelId,
      filename: input.filename,
      data: Buffer.isBuffer(input.data) ? input.data : Buffer.from(input.data),
      contentType: input.contentType,
      description: input.description,
      width: input.width,
      height: input.height,
      ephemeral,
    });
  }

  /** The bytes of a stored attachment. */
  bytes(attachmentId: string): Buffer | undefined {
    return this.files.get(attachmentId)?.data;
  }

  private signedUrl(filePath: string): string {
    const issued = Math.floor(Date.now() / 1000);
    const query = `ex=${(issued + URL_LIFETIME_S).toString(16)}&is=${issued.toString(16)}`;
    return `${this.baseUrl}${filePath}?${query}&hm=${this.signature(filePath, query)}&`;
  }

  private signature(filePath: string, query: string): string {
    // The proxied URL signs the same file as the direct one.
    const signedPath = filePath.startsWith(PROXY_PREFIX + '/') ? filePath.slice(PROXY_PREFIX.length) : filePath;
    return createHmac('sha256', this.signingKey).update(`${signedPath}?${query}`).digest('hex');
  }

  private handle(incoming: http.IncomingMessage, response: http.ServerResponse): void {
    const url = new URL(incoming.url ?? '/', this.baseUrl);
    const method = (incoming.method ?? 'GET').toUpperCase();
    const match = /^(?:\/media)?\/attachments\/(\d+)\/(\d+)\/([^/]+)$/.exec(url.pathname);
    const file = match ? this.files.get(match[2]!) : undefined;
    const found =
      file !== undefined &&
      file.channelId === match![1] &&
      file.filename === decodedSegment(match![3]!) &&
      (method === 'GET' || method === 'HEAD') &&
      this.validSignature(url);
    const status = found ? 200 : 404;
    this.requests.push({ method, path: url.pathname, attachmentId: match?.[2] ?? null, status, time: Date.now() });
    if (found) {
      response.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.data.length) });
      response.end(method === 'HEAD' ? undefined : file.data);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(method === 'HEAD' ? undefined : GONE);
    }
    this.changes.notify();
  }

  private validSignature(url: URL): boolean {
    const expires = url.searchParams.get('ex');
    const issued = url.searchParams.get('is');
    const signature = url.searchParams.get('hm');
    if (!expires || !issued || !signature) return false;
    if (Number.parseInt(expires, 16) * 1000 < Date.now()) return false;
    const expected = Buffer.from(this.signature(url.pathname, `ex=${expires}&is=${issued}`));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

function decodedSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The media type Discord reports for a file name's extension, if it is a common one. */
export function knownContentType(filename: string): string | undefined {
  return CONTENT_TYPES[path.extname(filename).toLowerCase()];
}

export function contentTypeOf(filename: string): string {
  return knownContentType(filename) ?? 'application/octet-stream';
}

/** Width and height from a PNG (IHDR) or GIF (logical screen) header; Discord reports both for images. */
function imageDimensions(data: Buffer): { width: number; height: number } | undefined {
  const png = data.length >= 24 && data.readUInt32BE(0) === 0x89504e47 && data.toString('latin1', 12, 16) === 'IHDR';
  if (png) return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  const gif = data.length >= 10 && data.toString('latin1', 0, 3) === 'GIF';
  if (gif) return { width: data.readUInt16LE(6), height: data.readUInt16LE(8) };
  return undefined;
}
