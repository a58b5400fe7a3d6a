/**
 * The HTTP side of the fake: one loopback server (the gateway's websockets share it) that records
 * every request, answers injected failures (failNext), checks the bot token, and routes
 * `/api/v10/...` to the handlers the other modules register.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import { closeServer, listenOnLoopback } from '../loopback-server.js';
import type { ChangeNotifier } from './changes.js';
import { errorBody, HttpError } from './http-errors.js';
import type { FailRule, JsonObject, RecordedRequest, ResolvedOptions, UploadedFile } from './types.js';

export const API_PREFIX = '/api/v10';

export interface RouteResult {
  status: number;
  body?: any;
  headers?: Record<string, string>;
}

export type RouteHandler = (
  request: RecordedRequest,
  parameters: Record<string, string>,
) => Promise<RouteResult> | RouteResult;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  handler: RouteHandler;
}

/** Default bodies of injected errors, as Discord words them. */
const INJECTED_ERROR_BODIES: Record<number, JsonObject> = {
  400: errorBody(RESTJSONErrorCodes.InvalidFormBodyOrContentType, 'Invalid Form Body'),
  401: errorBody(RESTJSONErrorCodes.GeneralError, '401: Unauthorized'),
  403: errorBody(RESTJSONErrorCodes.MissingPermissions, 'Missing Permissions'),
  404: errorBody(RESTJSONErrorCodes.GeneralError, '404: Not Found'),
  500: errorBody(RESTJSONErrorCodes.GeneralError, '500: Internal Server Error'),
  502: errorBody(RESTJSONErrorCodes.GeneralError, '502: Bad Gateway'),
  503: errorBody(RESTJSONErrorCodes.GeneralError, '503: Service Unavailable'),
};

export class RestServer {
  readonly server: http.Server;
  /** Every REST request, in arrival order (including injected failures and unknown routes). */
  readonly requests: RecordedRequest[] = [];
  /** `METHOD /path` of requests that matched no route. */
  readonly unknownRoutes: string[] = [];
  /** Requests the bot may not make (see {@link forbid}), each with why: a test expecting none fails on any. */
  readonly forbiddenRequests: Array<{ method: string; path: string; reason: string }> = [];
  private forbidden: (path: string) => string | undefined = () => undefined;
  private readonly routes: Route[] = [];
  private readonly failRules: Array<FailRule & { remaining: number }> = [];
  private listeningPort = 0;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly changes: ChangeNotifier,
    private readonly log: (...args: unknown[]) => void,
  ) {
    this.server = http.createServer((request, response) => void this.handle(request, response));
    this.server.keepAliveTimeout = 1000;
  }

  get port(): number {
    return this.listeningPort;
  }

  /** Listens on 127.0.0.1 with an ephemeral port. */
  async listen(): Promise<void> {
    this.listeningPort = await listenOnLoopback(this.server);
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  /** Registers a handler for `METHOD /path/:param/...` (the path after `/api/v10`). */
  route(method: string, template: string, handler: RouteHandler): void {
    const pattern = new RegExp(
      '^' +
        template
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replace(/:([a-zA-Z]+)/g, (_match, name: string) => `(?<${name}>[^/]+)`) +
        '$',
    );
    this.routes.push({ method, template, pattern, handler });
  }

  /** Requests to paths for which `reason` gives a reason get 403 Missing Access, as Discord answers them. */
  forbid(reason: (path: string) => string | undefined): void {
    this.forbidden = reason;
  }

  /** Make the next `count` requests matching the rule fail (or be delayed). */
  failNext(rule: FailRule): void {
    this.failRules.push({ ...rule, remaining: rule.count ?? 1 });
  }

  /** Requests matching method and a path pattern (string = exact path after /api/v10). */
  requestsTo(method: string, path: RegExp | string): RecordedRequest[] {
    return this.requests.filter(
      (request) =>
        request.method === method.toUpperCase() &&
        (typeof path === 'string' ? request.path === path : path.test(request.path)),
    );
  }

  /** Resolves with the first recorded request matching, once answered. */
  waitForRequest(method: string, path: RegExp | string, timeoutMs?: number): Promise<RecordedRequest> {
    return this.changes.waitForValue(
      () => this.requestsTo(method, path).find((request) => request.status !== undefined),
      timeoutMs,
      `${method} ${String(path)}`,
    );
  }

  /** Bot-authenticated routes: `Authorization: Bot <token>`, with the configured token if any. */
  requireBotAuth(request: RecordedRequest): void {
    const authorization = request.authorization;
    const wrongToken = this.options.token !== undefined && authorization !== `Bot ${this.options.token}`;
    if (!authorization || !authorization.startsWith('Bot ') || wrongToken) {
      throw new HttpError(401, errorBody(RESTJSONErrorCodes.GeneralError, '401: Unauthorized'));
    }
  }

  private async handle(incoming: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    const method = (incoming.method ?? 'GET').toUpperCase();
    let raw: Buffer;
    try {
      raw = await readBody(incoming);
    } catch {
      response.destroy();
      return;
    }
    const rawPath = url.pathname;
    const path = rawPath.startsWith(API_PREFIX + '/') ? rawPath.slice(API_PREFIX.length) : rawPath;
    const request: RecordedRequest = {
      method,
      path,
      rawPath,
      query: Object.fromEntries(url.searchParams),
      headers,
      authorization: headers['authorization'],
      contentType: headers['content-type'],
      body: null,
      files: [],
      time: Date.now(),
      route: null,
      injected: false,
    };
    this.requests.push(request);
    let result: RouteResult;
    try {
      const parsed = await parseBody(raw, request.contentType);
      request.body = parsed.body;
      request.files = parsed.files;
      result = await this.answer(request);
    } catch (error) {
      result =
        error instanceof HttpError
          ? { status: error.status, body: error.body }
          : {
              status: 500,
              body: errorBody(RESTJSONErrorCodes.GeneralError, `500: Fake internal error: ${(error as Error).message}`),
            };
    }
    if (this.changes.isClosed) {
      response.destroy();
      return;
    }
    request.status = result.status;
    request.response = result.body;
    this.log(`REST ${method} ${path} -> ${result.status}`);
    const responseHeaders: Record<string, string> = { ...(result.headers ?? {}) };
    if (result.body !== undefined && result.status !== 204) {
      const payload = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
      responseHeaders['content-type'] ??= 'application/json';
      response.writeHead(result.status, responseHeaders);
      response.end(payload);
    } else {
      response.writeHead(result.status, responseHeaders);
      response.end();
    }
    this.changes.notify();
  }

  private async answer(request: RecordedRequest): Promise<RouteResult> {
    const ruleIndex = this.failRules.findIndex(
      (rule) =>
        rule.remaining > 0 &&
        (!rule.method || rule.method.toUpperCase() === request.method) &&
        (rule.pathPattern.test(request.path) || rule.pathPattern.test(request.rawPath)),
    );
    if (ruleIndex >= 0) {
      const rule = this.failRules[ruleIndex]!;
      rule.remaining--;
      if (rule.remaining <= 0) this.failRules.splice(ruleIndex, 1);
      if (rule.delayMs) await this.changes.sleep(rule.delayMs);
      if (rule.status !== undefined) {
        request.injected = true;
        return injectedError(rule);
      }
    }

    if (!request.rawPath.startsWith(API_PREFIX + '/')) return this.unknown(request);
    const forbidden = this.forbidden(request.path);
    if (forbidden !== undefined) {
      this.forbiddenRequests.push({ method: request.method, path: request.path, reason: forbidden });
      return { status: 403, body: errorBody(RESTJSONErrorCodes.MissingAccess, 'Missing Access') };
    }
    for (const route of this.routes) {
      if (route.method !== request.method) continue;
      const match = route.pattern.exec(request.path);
      if (!match) continue;
      request.route = `${route.method} ${route.template}`;
      const parameters: Record<string, string> = {};
      for (const [name, value] of Object.entries(match.groups ?? {})) parameters[name] = decodeURIComponent(value);
      return route.handler(request, parameters);
    }
    return this.unknown(request);
  }

  private unknown(request: RecordedRequest): RouteResult {
    this.unknownRoutes.push(`${request.method} ${request.path}`);
    return { status: 404, body: errorBody(RESTJSONErrorCodes.GeneralError, '404: Not Found') };
  }
}

async function readBody(incoming: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** JSON, or multipart/form-data with `payload_json` and `files[n]` parts (what discord.js sends with files). */
async function parseBody(raw: Buffer, contentType: string | undefined): Promise<{ body: any; files: UploadedFile[] }> {
  if (raw.length === 0) return { body: null, files: [] };
  const type = contentType ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    let body: any = null;
    const files: UploadedFile[] = [];
    const plainFields: JsonObject = {};
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = JSON.parse(value);
        else plainFields[field] = value;
      } else {
        const data = Buffer.from(await value.arrayBuffer());
        files.push({ field, filename: value.name, contentType: value.type, size: data.length, data });
      }
    }
    if (body === null && Object.keys(plainFields).length) body = plainFields;
    return { body, files };
  }
  const text = raw.toString('utf8');
  try {
    return { body: JSON.parse(text), files: [] };
  } catch {
    return { body: text, files: [] };
  }
}

function injectedError(rule: FailRule): RouteResult {
  const status = rule.status!;
  if (status === 429) {
    const retryAfter = rule.retryAfter ?? 0.05;
    const global = rule.global ?? false;
    const scope = rule.scope ?? (global ? 'global' : 'user');
    const headers: Record<string, string> = {
      'retry-after': String(retryAfter),
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String((Date.now() / 1000 + retryAfter).toFixed(3)),
      'x-ratelimit-reset-after': String(retryAfter),
      'x-ratelimit-bucket': 'fakebucket' + randomBytes(4).toString('hex'),
      'x-ratelimit-scope': scope,
    };
    if (global) headers['x-ratelimit-global'] = 'true';
    return {
      status,
      headers,
      body: rule.body ?? {
        message: 'You are being rate limited.',
        retry_after: retryAfter,
        global,
        ...(global ? {} : { code: 0 }),
      },
    };
  }
  return {
    status,
    body: rule.body ?? INJECTED_ERROR_BODIES[status] ?? errorBody(RESTJSONErrorCodes.GeneralError, `${status}: Error`),
  };
}
