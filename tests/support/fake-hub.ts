import { readFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import { listenOnLoopback } from './loopback-server.js';

/**
 * A loopback stand-in for the Hugging Face hub (or a mirror of it): it serves
 * model directories in the hub's URL layout, `/<owner>/<name>/resolve/<revision>/<file>`,
 * and can misbehave the ways a real download does: a connection cut short, a
 * transfer that stalls, a server that is down.
 */
export interface FakeHub {
  /** The base URL, as HF_ENDPOINT would name it: http://127.0.0.1:<port>. */
  endpoint: string;
  /** Every path requested, in order. */
  requests: string[];
  /** Serves this file's first half, then closes the connection (the response announced the whole length). */
  cutShort(file: string): void;
  /** Serves this file's first half, then sends nothing more until the hub is closed. */
  stall(file: string): void;
  /** Serves every file whole again. */
  heal(): void;
  /** Resolves once a stalled file's first half has been sent. */
  stalled(): Promise<void>;
  close(): Promise<void>;
}

/** Serves `models` (repository id → local directory) until closed. */
export async function startFakeHub(models: Record<string, string>): Promise<FakeHub> {
  const requests: string[] = [];
  const misbehaving = new Map<string, 'cut' | 'stall'>();
  const sockets = new Set<Socket>();
  let announceStall: () => void = () => undefined;
  let stallSeen = new Promise<void>((resolve) => (announceStall = resolve));

  async function serve(url: string, response: ServerResponse): Promise<void> {
    const match = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(decodeURIComponent(url));
    const directory = match ? models[match[1]!] : undefined;
    if (!match || !directory || match[2] !== 'main') {
      response.writeHead(404).end('Entry not found');
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(path.join(directory, match[3]!));
    } catch {
      response.writeHead(404).end('Entry not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    const behaviour = misbehaving.get(match[3]!);
    if (!behaviour) {
      response.end(body);
      return;
    }
    response.write(body.subarray(0, Math.floor(body.length / 2)), () => {
      if (behaviour === 'cut') response.socket?.destroy();
      else announceStall();
    });
  }

  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    void serve(request.url ?? '', response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listenOnLoopback(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    cutShort: (file) => misbehaving.set(file, 'cut'),
    stall: (file) => {
      misbehaving.set(file, 'stall');
      stallSeen = new Promise<void>((resolve) => (announceStall = resolve));
    },
    heal: () => misbehaving.clear(),
    stalled: () => stallSeen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
