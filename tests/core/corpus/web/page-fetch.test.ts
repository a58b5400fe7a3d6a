import type { LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorpusEditError, type CorpusEditProblem } from '../../../../src/core/corpus/corpus-edit-error.js';
import { isPrivateAddress } from '../../../../src/core/corpus/web/address-policy.js';
import {
  fetchPage,
  redirectTarget,
  USER_AGENT,
  type PageFetchOptions,
} from '../../../../src/core/corpus/web/page-fetch.js';
import { page, redirect, startWebServer, type WebServer } from '../../../support/web-server.js';

let server: WebServer;
const MB = 1_000_000;

beforeAll(async () => {
  server = await startWebServer({
    '/text': page('text/plain; charset=utf-8', '纯文本的文章。\n\n第二段。'),
    '/big': page('text/html', `<html><body><p>${'x'.repeat(6 * MB)}</p></body></html>`),
    '/big-unannounced': (_request, response) => {
      // No Content-Length: the limit is kept while reading.
      response.writeHead(200, { 'content-type': 'text/html', 'transfer-encoding': 'chunked' });
      for (let sent = 0; sent < 6 * MB; sent += 100_000) response.write('y'.repeat(100_000));
      response.end();
    },
    '/paper.pdf': page('application/pdf', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n')),
    '/silent': () => undefined,
    '/gone': (_request, response) => response.writeHead(404, { 'content-type': 'text/html' }).end('<p>gone</p>'),
    '/hop0': redirect('/hop1'),
    '/hop1': redirect('/hop2'),
    '/hop2': redirect('/hop3'),
    '/hop3': redirect('/hop4'),
    '/hop4': redirect('/hop5'),
    '/hop5': redirect('/text'),
    '/cookie': (_request, response) =>
      response.writeHead(302, { location: '/text', 'set-cookie': 'session=secret; Path=/' }).end(),
  });
});

afterAll(() => server?.close());

const LOOPBACK_ALLOWED: PageFetchOptions = { allowPrivate: true };

/** A DNS that answers every name with 127.0.0.1, as a rebinding or a hostile record would: nothing leaves the machine. */
const resolvesToLoopback: LookupFunction = (_hostname, options, callback) => {
  if ((options as { all?: boolean }).all) (callback as any)(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

async function refusal(work: Promise<unknown>): Promise<CorpusEditProblem> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CorpusEditError);
  return (error as CorpusEditError).problem;
}

describe('given a page on the web', () => {
  it('then it is fetched with the bot named in User-Agent, no cookies and no credentials sent', async () => {
    const fetched = await fetchPage(`${server.origin}/cookie`, LOOPBACK_ALLOWED);
    expect(fetched).toMatchObject({ url: `${server.origin}/text`, mediaType: 'text/plain', charset: 'utf-8' });
    expect(fetched.bytes.toString('utf8')).toBe('纯文本的文章。\n\n第二段。');
    const [first, second] = server.requests.filter((request) => ['/cookie', '/text'].includes(request.path)).slice(-2);
    for (const request of [first!, second!]) {
      expect(request.headers['user-agent']).toBe(USER_AGENT);
      expect(request.headers.cookie).toBeUndefined();
      expect(request.headers.authorization).toBeUndefined();
    }
  });

  it('then a link that is not http or https, or that carries credentials, is refused before anything is fetched', async () => {
    for (const link of ['ftp://example.com/a.txt', 'file:///etc/passwd', 'https://user:pass@example.com/', 'not a url'])
      expect((await refusal(fetchPage(link, LOOPBACK_ALLOWED))).kind, link).toBe('badUrl');
  });

  it('then 5 redirects are followed and a 6th is refused', async () => {
    await expect(fetchPage(`${server.origin}/hop1`, LOOPBACK_ALLOWED)).resolves.toMatchObject({
      mediaType: 'text/plain',
    });
    expect(await refusal(fetchPage(`${server.origin}/hop0`, LOOPBACK_ALLOWED))).toEqual({
      kind: 'tooManyRedirects',
      limit: 5,
    });
  });

  it('then a page over 5 MB is refused, whether or not it says its length', async () => {
    for (const path of ['/big', '/big-unannounced'])
      expect(await refusal(fetchPage(`${server.origin}${path}`, LOOPBACK_ALLOWED)), path).toEqual({
        kind: 'pageTooLarge',
        limit: 5 * MB,
      });
  });

  it('then a PDF is refused, saying what was received', async () => {
    expect(await refusal(fetchPage(`${server.origin}/paper.pdf`, LOOPBACK_ALLOWED))).toEqual({
      kind: 'unsupportedType',
      contentType: 'application/pdf',
    });
  });

  it('then an error status is refused with it', async () => {
    expect(await refusal(fetchPage(`${server.origin}/gone`, LOOPBACK_ALLOWED))).toEqual({
      kind: 'httpStatus',
      status: 404,
    });
  });

  it('then a server that never answers is given up on at the deadline', async () => {
    expect(await refusal(fetchPage(`${server.origin}/silent`, { ...LOOPBACK_ALLOWED, timeoutMs: 300 }))).toEqual({
      kind: 'fetchTimeout',
      seconds: 0.3,
    });
  });
});

describe('given ALLOW_PRIVATE_URLS off', () => {
  const STRICT: PageFetchOptions = { allowPrivate: false, lookup: resolvesToLoopback };

  it('then a public-looking name that resolves to 127.0.0.1 is refused after DNS resolution, and nothing is requested', async () => {
    const before = server.requests.length;
    expect(await refusal(fetchPage(`http://news.example.com:${server.port}/text`, STRICT))).toEqual({
      kind: 'privateAddress',
      host: 'news.example.com',
      address: '127.0.0.1',
    });
    expect(server.requests.length).toBe(before);
  });

  it('then loopback, private, link-local and unique-local addresses in a link are refused', async () => {
    for (const host of [
      '127.0.0.1',
      '10.1.2.3',
      '192.168.1.1',
      '172.20.0.1',
      '169.254.169.254',
      '[::1]',
      '[fd00::1]',
      '[fe80::1]',
      '[::ffff:127.0.0.1]',
    ])
      expect((await refusal(fetchPage(`http://${host}/`, STRICT))).kind, host).toBe('privateAddress');
  });

  it('then a redirect from a public address to 127.0.0.1 is refused before it is followed', () => {
    const from = new URL('https://news.example.com/article');
    expect(() => redirectTarget(from, `http://127.0.0.1:${server.port}/text`, 0, STRICT)).toThrow(
      expect.objectContaining({ problem: { kind: 'privateAddress', host: '127.0.0.1', address: '127.0.0.1' } }),
    );
    expect(() => redirectTarget(from, 'http://[::1]/', 0, STRICT)).toThrow(CorpusEditError);
    expect(redirectTarget(from, '/next', 0, STRICT).href).toBe('https://news.example.com/next');
    expect(() => redirectTarget(from, 'ftp://news.example.com/', 0, STRICT)).toThrow(CorpusEditError);
  });

  it('then public addresses are allowed', () => {
    for (const address of ['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '172.32.0.1', '100.128.0.1'])
      expect(isPrivateAddress(address), address).toBe(false);
  });
});
