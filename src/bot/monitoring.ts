import type { Client } from 'discord.js';
import { ConfigError, type Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import type { QuestionStore } from '../store/question-store.js';
import type { KnowledgeSource } from './context.js';

/** The metrics and their HTTP server, running. */
export interface Monitoring {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts /metrics and /healthz when METRICS_PORT is set; undefined otherwise.
 * prom-client is loaded only then: a bot without monitoring does not carry it.
 */
export async function startMonitoring(
  config: Config,
  client: Client,
  knowledge: KnowledgeSource,
  logger: Logger,
  questionLog?: QuestionStore,
): Promise<Monitoring | undefined> {
  const { port, host } = config.metrics;
  if (port === undefined) return undefined;
  const [{ createMetrics }, { startMetricsServer }] = await Promise.all([
    import('./metrics.js'),
    import('./metrics-server.js'),
  ]);
  const metrics = createMetrics(client, knowledge, questionLog);
  try {
    const server = await startMetricsServer(metrics, { port, host, logger });
    return {
      url: server.url,
      stop: async () => {
        metrics.close();
        await server.close();
      },
    };
  } catch (error) {
    metrics.close();
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError([`METRICS_PORT=${port}: cannot listen on ${host}:${port} (${code})`]);
  }
}
