import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';
import type { BotMetrics } from './metrics.js';

/**
 * The operator's HTTP endpoint (METRICS_PORT, on METRICS_HOST: loopback by
 * default): `GET /metrics` in Prometheus' text format, and `GET /healthz`, 200
 * once the index is loaded and the gateway connected, 503 otherwise, with the
 * two facts as JSON. Nothing else is served.
 */
export interface MetricsServer {
  /** The address it listens on, e.g. http://127.0.0.1:9464. */
  url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(
  metrics: BotMetrics,
  options: { port: number; host: string; logger: Logger },
): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (error: unknown) => {
          options.logger.warn({ err: error }, 'could not collect the metrics');
          response.writeHead(500).end();
        },
      );
    } else if (path === '/healthz') {
      const health = metrics.health();
      response
        .writeHead(health.healthy ? 200 : 503, { 'content-type': 'application/json' })
        .end(`${JSON.stringify(health)}\n`);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  options.logger.info({ url }, 'serving /metrics and /healthz');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
