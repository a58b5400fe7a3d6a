import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { CorpusEditError } from '../corpus-edit-error.js';
import { isPrivateAddress } from './address-policy.js';

/** The rules of a fetch: what the issue of adding articles from links settled on. */
export const PAGE_LIMITS = {
  maxRedirects: 5,
  timeoutMs: 15_000,
  maxBytes: 5_000_000,
} as const;

/** Who is asking, for the site's logs: the bot, and why it fetches. */
export const USER_AGENT =
  'article-bot/0.1 (a Discord bot that answers questions about articles; fetching one its admins added)';

/** The media types read as articles; anything else is refused, saying what came instead. */
const PAGE_TYPES = new Set(['text/html', 'application/xhtml+xml', 'text/plain']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface PageFetchOptions {
  /** Fetch from loopback, private and link-local addresses too (ALLOW_PRIVATE_URLS). */
  allowPrivate: boolean;
  /** Names the bot to the site, as a well-behaved client does ({@link USER_AGENT} by default). */
  userAgent?: string;
  /** The DNS lookup (node's by default); tests resolve names to loopback with their own. */
  lookup?: LookupFunction;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
}

export interface FetchedPage {
  /** Where the page was found, after redirects. */
  url: string;
  /** The media type, lower case, without parameters. */
  mediaType: string;
  /** The charset the server declared, if any. */
  charset: string | undefined;
  bytes: Buffer;
}

/** A link the bot may follow: http or https, without a user name or password in it. */
export function checkedUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new CorpusEditError({ kind: 'badUrl', url: text.trim() });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password)
    throw new CorpusEditError({ kind: 'badUrl', url: url.href });
  return url;
}

/**
 * Where a redirect leads, checked as the first link was: http or https, no credentials, within
 * the number of redirects allowed, and (unless private addresses are allowed) not to an IP
 * address that is private. A name is checked when it is resolved, on connecting.
 */
export function redirectTarget(from: URL, location: string, redirectsSoFar: number, options: PageFetchOptions): URL {
  const limit = options.maxRedirects ?? PAGE_LIMITS.maxRedirects;
  if (redirectsSoFar >= limit) throw new CorpusEditError({ kind: 'tooManyRedirects', limit });
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    throw new CorpusEditError({ kind: 'badUrl', url: location });
  }
  const url = checkedUrl(target.href);
  checkLiteralAddress(url, options.allowPrivate);
  return url;
}

function checkLiteralAddress(url: URL, allowPrivate: boolean): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(host) !== 0 && isPrivateAddress(host))
    throw new CorpusEditError({ kind: 'privateAddress', host, address: host });
}

/**
 * The DNS lookup with every address it returns checked: the connection goes to an address that
 * was checked, so a name cannot pass the check and then resolve elsewhere (DNS rebinding).
 */
function checkingLookup(base: LookupFunction, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    base(hostname, options, (error, address, family) => {
      if (error || allowPrivate) return callback(error, address, family);
      const addresses: LookupAddress[] = Array.isArray(address) ? address : [{ address, family: family ?? 4 }];
      const forbidden = addresses.find((entry) => isPrivateAddress(entry.address));
      if (forbidden)
        return callback(
          new CorpusEditError({ kind: 'privateAddress', host: hostname, address: forbidden.address }),
          '',
        );
      callback(null, address, family);
    });
  };
}

function mediaTypeOf(contentType: string | undefined): { mediaType: string; charset: string | undefined } {
  const [type = '', ...parameters] = (contentType ?? '').split(';');
  const charset = parameters
    .map((parameter) => /^\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(parameter)?.[1])
    .find((value) => value !== undefined);
  return { mediaType: type.trim().toLowerCase(), charset };
}

interface Hop {
  status: number;
  location: string | undefined;
  contentType: string | undefined;
  bytes: Buffer;
}

/** One request: no cookies, no credentials, no connection reuse; the body read up to the limit. */
function request(url: URL, options: PageFetchOptions, signal: AbortSignal): Promise<Hop> {
  const maxBytes = options.maxBytes ?? PAGE_LIMITS.maxBytes;
  checkLiteralAddress(url, options.allowPrivate);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Hop>((resolve, reject) => {
    const outgoing = client.get(
      url,
      {
        agent: false,
        signal,
        lookup: checkingLookup(options.lookup ?? dnsLookup, options.allowPrivate),
        headers: {
          'user-agent': options.userAgent ?? USER_AGENT,
          accept: 'text/html, application/xhtml+xml, text/plain;q=0.9, */*;q=0.1',
          'accept-encoding': 'identity',
        },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const { location } = response.headers;
        const contentType = response.headers['content-type'];
        if (REDIRECTS.has(status) || status < 200 || status >= 300) {
          response.resume();
          resolve({ status, location, contentType, bytes: Buffer.alloc(0) });
          return;
        }
        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          response.destroy();
          reject(new CorpusEditError({ kind: 'pageTooLarge', limit: maxBytes }));
          return;
        }
        // The type is known before the body: refuse a PDF without reading it.
        const { mediaType } = mediaTypeOf(contentType);
        if (!PAGE_TYPES.has(mediaType)) {
          response.destroy();
          reject(new CorpusEditError({ kind: 'unsupportedType', contentType: contentType?.trim() || 'no type' }));
          return;
        }
        const chunks: Buffer[] = [];
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxBytes) {
            response.destroy();
            reject(new CorpusEditError({ kind: 'pageTooLarge', limit: maxBytes }));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => resolve({ status, location, contentType, bytes: Buffer.concat(chunks) }));
        response.on('error', reject);
        // Cut off mid-body (the deadline, or the server hanging up): whatever arrived is not the page.
        response.on('close', () => {
          if (!response.complete) reject(new Error('the connection closed before the page was complete'));
        });
      },
    );
    outgoing.on('error', reject);
  });
}

function describeNetworkError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Fetches a web page for the corpus, by the rules of docs/operations.md#adding-an-article-from-a-link:
 * http and https only, at most 5 redirects, 15 s in all, at most 5 MB, an HTML, XHTML or plain
 * text page only; unless `allowPrivate`, never from a loopback, private, link-local or
 * unique-local address, checked on every connection (after DNS, after every redirect). No
 * cookies are kept or sent, no credentials either, and the bot names itself in User-Agent.
 * Every refusal is a CorpusEditError saying why.
 */
export async function fetchPage(link: string, options: PageFetchOptions): Promise<FetchedPage> {
  const timeoutMs = options.timeoutMs ?? PAGE_LIMITS.timeoutMs;
  const signal = AbortSignal.timeout(timeoutMs);
  let url = checkedUrl(link);
  for (let redirects = 0; ; redirects++) {
    let hop: Hop;
    try {
      hop = await request(url, options, signal);
    } catch (error) {
      if (error instanceof CorpusEditError) throw error;
      if (signal.aborted) throw new CorpusEditError({ kind: 'fetchTimeout', seconds: timeoutMs / 1000 });
      throw new CorpusEditError({ kind: 'unreachable', reason: describeNetworkError(error) });
    }
    if (REDIRECTS.has(hop.status) && hop.location) {
      url = redirectTarget(url, hop.location, redirects, options);
      continue;
    }
    if (hop.status < 200 || hop.status >= 300) throw new CorpusEditError({ kind: 'httpStatus', status: hop.status });
    const { mediaType, charset } = mediaTypeOf(hop.contentType);
    return { url: url.href, mediaType, charset, bytes: hop.bytes };
  }
}
