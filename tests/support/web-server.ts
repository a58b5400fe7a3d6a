import http from 'node:http';
import { closeServer, listenOnLoopback } from './loopback-server.js';
import { ARTICLE_TEXT } from './fixtures.js';

export type PageHandler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** A web server on 127.0.0.1 serving the pages a test gives it by path, and recording the requests it gets. */
export interface WebServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  requests: Array<{ path: string; headers: http.IncomingHttpHeaders }>;
  close(): Promise<void>;
}

export async function startWebServer(pages: Record<string, PageHandler>): Promise<WebServer> {
  const requests: WebServer['requests'] = [];
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push({ path, headers: request.headers });
    const page = pages[path];
    if (page) return page(request, response);
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  const port = await listenOnLoopback(server);
  return { origin: `http://127.0.0.1:${port}`, port, requests, close: () => closeServer(server) };
}

/** Answers with a body of a content type. */
export function page(contentType: string, body: string | Buffer): PageHandler {
  return (_request, response) => response.writeHead(200, { 'content-type': contentType }).end(body);
}

/** Answers with a redirect to `location`. */
export function redirect(location: string, status = 302): PageHandler {
  return (_request, response) => response.writeHead(status, { location }).end();
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The shipped article's paragraphs between the scraped title and byline and the scraped trailer. */
export const ARTICLE_PARAGRAPHS = ((blocks) =>
  blocks.slice(
    2,
    blocks.findIndex((block) => /^本文来自网络/.test(block)),
  ))(
  ARTICLE_TEXT.split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter(Boolean),
);

/**
 * The shipped article as a news site would serve it: its paragraphs (short lines as headings)
 * in an <article>, wrapped in navigation, a sidebar of other stories and a comment section, with
 * the title, byline, site name and date a page carries in its head.
 */
export function articlePage(): string {
  const body = ARTICLE_PARAGRAPHS.map((block) =>
    [...block].length <= 24 && !/[。.!！]$/.test(block)
      ? `<h2>${escapeHtml(block)}</h2>`
      : `<p>${escapeHtml(block)}</p>`,
  ).join('\n');
  return `<!doctype html>
<html lang="zh"><head><meta charset="utf-8">
<title>DeepSeek为何能血洗美股 - 示例新闻</title>
<meta property="og:site_name" content="示例新闻">
<meta property="og:title" content="DeepSeek为何能血洗美股">
<meta name="author" content="王维嘉">
<meta property="article:published_time" content="2025-01-28T08:00:00Z">
</head><body>
<header><nav class="menu"><a href="/">首页</a> <a href="/tech">科技</a> <a href="/finance">财经</a> <a href="/login">登录注册</a></nav></header>
<div class="layout">
<aside class="sidebar"><h3>热门文章</h3><ul><li><a href="/1">苹果发布新款手机,销量创新高</a></li><li><a href="/2">房价走势分析:下半年怎么看</a></li><li><a href="/3">十个让你睡得更好的小技巧</a></li></ul></aside>
<main><article><h1>DeepSeek为何能血洗美股</h1><p class="byline">作者:王维嘉</p>
${body}
</article>
<section id="comments" class="comments"><h3>评论 (3)</h3>
<div class="comment"><p>沙发!写得太好了,已转发。</p></div>
<div class="comment"><p>广告:点击这里领取免费会员,限时优惠!</p></div>
</section></main></div>
<footer><p>© 2025 示例新闻 版权所有</p></footer>
</body></html>`;
}
