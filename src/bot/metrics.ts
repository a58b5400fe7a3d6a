import { readFileSync } from 'node:fs';
import { Status, type Client } from 'discord.js';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { KnowledgeSource } from './context.js';
import type { QuestionStore } from '../store/question-store.js';
import { onQuestion } from './question-events.js';
import { onUnhandledRejection } from './unhandled-rejections.js';

/**
 * The bot's metrics in Prometheus' format (prom-client): questions by source
 * and outcome, answer latency, the model process, the gateway and the index,
 * beside Node's defaults (memory, event-loop lag, GC, handles). Everything is
 * read when scraped, except the questions, which are counted as they finish.
 */
export interface BotMetrics {
  registry: Registry;
  /** Whether the bot can answer: the index is loaded and the gateway connected. */
  health(): { healthy: boolean; indexLoaded: boolean; gatewayConnected: boolean };
  /** Stops counting questions. */
  close(): void;
}

const PREFIX = 'article_bot_';

/** VmRSS of a process, from /proc (Linux); undefined where that cannot be read. */
function residentBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export function createMetrics(client: Client, knowledge: KnowledgeSource, questionLog?: QuestionStore): BotMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Per shard: the manager's own status stays "ready" once it was, through reconnects and after a destroy.
  const gatewayConnected = () =>
    client.ws.shards.size > 0 && client.ws.shards.every((shard) => shard.status === Status.Ready);

  const questions = new Counter({
    name: `${PREFIX}questions_total`,
    help: 'Questions by source (slash, dm, mention) and outcome (answered, declined, refused, rate_limited, failed).',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: `${PREFIX}answer_duration_seconds`,
    help: 'From asking the core to the formatted reply, for answered and declined questions.',
    labelNames: ['source'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const stopCounting = onQuestion(({ source, outcome, seconds }) => {
    questions.inc({ source, outcome });
    if (seconds !== undefined) latency.observe({ source }, seconds);
  });

  const rejections = new Counter({
    name: `${PREFIX}unhandled_rejections_total`,
    help: 'Promise rejections nobody handled, by origin: discord and network (the bot carries on), program (it stops to be restarted).',
    labelNames: ['origin'] as const,
    registers: [registry],
  });
  const stopCountingRejections = onUnhandledRejection((origin) => rejections.inc({ origin }));

  let countedRestarts = 0;
  new Counter({
    name: `${PREFIX}model_process_restarts_total`,
    help: 'Times the embedding model process died or hung and was started again.',
    registers: [registry],
    collect() {
      const restarts = knowledge.current?.embedder.restarts ?? 0;
      if (restarts > countedRestarts) this.inc(restarts - countedRestarts);
      countedRestarts = Math.max(countedRestarts, restarts);
    },
  });
  let countedTimeouts = 0;
  new Counter({
    name: `${PREFIX}model_timeouts_total`,
    help: 'Calls the embedding model did not answer in time; each time its process was killed to be started again.',
    registers: [registry],
    collect() {
      const timeouts = knowledge.current?.embedder.timeouts ?? 0;
      if (timeouts > countedTimeouts) this.inc(timeouts - countedTimeouts);
      countedTimeouts = Math.max(countedTimeouts, timeouts);
    },
  });
  new Gauge({
    name: `${PREFIX}model_process_resident_memory_bytes`,
    help: "Resident memory of the embedding model's process (Linux; absent while it is not running).",
    registers: [registry],
    collect() {
      this.reset();
      const bytes = residentBytes(knowledge.current?.embedder.modelProcessId);
      if (bytes !== undefined) this.set(bytes);
    },
  });
  new Gauge({
    name: `${PREFIX}gateway_connected`,
    help: "1 while the connection to Discord's gateway is up (ready), 0 otherwise.",
    registers: [registry],
    collect() {
      this.set(gatewayConnected() ? 1 : 0);
    },
  });
  new Gauge({
    name: `${PREFIX}gateway_shard_connected`,
    help: 'Per gateway shard this process runs: 1 while its connection is up (ready), 0 otherwise.',
    labelNames: ['shard'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const shard of client.ws.shards.values())
        this.set({ shard: String(shard.id) }, shard.status === Status.Ready ? 1 : 0);
    },
  });
  new Gauge({
    name: `${PREFIX}gateway_shard_count`,
    help: 'How many gateway shards the whole deployment runs (SHARD_COUNT, or what Discord recommended).',
    registers: [registry],
    collect() {
      this.reset();
      const count = client.options.shardCount;
      if (count !== undefined && count > 0) this.set(count);
    },
  });
  new Gauge({
    name: `${PREFIX}gateway_ping_seconds`,
    help: 'Round trip of the last gateway heartbeat (absent until one was acknowledged).',
    registers: [registry],
    collect() {
      this.reset();
      if (client.ws.ping >= 0) this.set(client.ws.ping / 1000);
    },
  });
  new Gauge({
    name: `${PREFIX}index_passages`,
    help: 'Passages in the index being served (0 while it loads).',
    registers: [registry],
    collect() {
      this.set(knowledge.current?.manifest.passages.length ?? 0);
    },
  });

  new Gauge({
    name: `${PREFIX}corpus_version`,
    help: 'With DATABASE_URL: the version of the shared corpus the index being served was built from (absent otherwise).',
    registers: [registry],
    collect() {
      this.reset();
      const version = knowledge.current?.corpusVersion;
      if (version !== undefined) this.set(version);
    },
  });
  const countedWindows = { embedded: 0, reused: 0 };
  new Counter({
    name: `${PREFIX}index_windows_built_total`,
    help:
      "Passage windows (a paragraph, or a window of a long one) this process's index builds embedded with the model, " +
      'or took from the embedding cache (shared by every process with DATABASE_URL), since it started.',
    labelNames: ['vector'] as const,
    registers: [registry],
    collect() {
      for (const [label, key] of [
        ['embedded', 'embedded'],
        ['from_cache', 'reused'],
      ] as const) {
        const now = knowledge.current?.windowsBuilt[key] ?? 0;
        this.inc({ vector: label }, Math.max(0, now - countedWindows[key]));
        countedWindows[key] = Math.max(countedWindows[key], now);
      }
    },
  });

  if (questionLog) {
    const counted = { written: 0, refused: 0, overflowed: 0 };
    new Counter({
      name: `${PREFIX}question_log_writes_total`,
      help:
        'Questions handed to the question log, by outcome: written; refused (a row the database would not take, ' +
        'the rest of its batch written); overflowed (dropped: the buffer kept while the database was unreachable was full).',
      labelNames: ['outcome'] as const,
      registers: [registry],
      collect() {
        for (const outcome of ['written', 'refused', 'overflowed'] as const) {
          const now = questionLog.counts[outcome];
          if (now > counted[outcome]) this.inc({ outcome }, now - counted[outcome]);
          else this.inc({ outcome }, 0);
          counted[outcome] = Math.max(counted[outcome], now);
        }
      },
    });
    new Gauge({
      name: `${PREFIX}question_log_buffered`,
      help: 'Questions waiting to be written to the question log (kept in memory while its database is unreachable).',
      registers: [registry],
      collect() {
        this.set(questionLog.counts.buffered);
      },
    });
  }

  return {
    registry,
    health() {
      const indexLoaded = knowledge.current !== undefined;
      const connected = gatewayConnected();
      return { healthy: indexLoaded && connected, indexLoaded, gatewayConnected: connected };
    },
    close() {
      stopCounting();
      stopCountingRejections();
    },
  };
}
