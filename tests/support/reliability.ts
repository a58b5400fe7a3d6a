import { expect } from 'vitest';
import type { Config } from '../../src/config/config.js';
import type { Embedder, EmbeddingKind } from '../../src/core/embedding/embedder.js';
import { KnowledgeBase } from '../../src/core/knowledge-base.js';
import type { Logger } from '../../src/logger.js';
import { knowledgeBaseOptions, loadConfiguredEmbedder } from '../../src/startup/open-knowledge-base.js';
import type { FakeDiscord, JsonObject, MessageRecord } from './fake-discord.js';

export const NOBODY_PINGED = { users: [], roles: [], everyone: false, repliedUser: false };

/** Questions whose paragraph the lexical ranker finds first, whatever the model (names and numbers verbatim). */
export const KNOWN_ANSWERS: ReadonlyArray<{ question: string; paragraph: number }> = [
  { question: '博通的股价为什么上升', paragraph: 24 },
  { question: '600万美元', paragraph: 8 },
  { question: '6000亿', paragraph: 1 },
  { question: '纳德拉', paragraph: 13 },
  { question: 'Dan Ives', paragraph: 14 },
  { question: '杠杆ETF在这次下跌里起了什么作用？', paragraph: 20 },
  { question: '暴跌第二天那些基金经理有没有趁机抄底？', paragraph: 18 },
  { question: '那位分析师周末给多少家公司打了电话？', paragraph: 14 },
];

/** The paragraph numbers quoted by an answer, in order, read from the embed titles (any language). */
export function quotedParagraphs(answer: { embeds: JsonObject[] }): number[] {
  return answer.embeds.map((embed) => Number(/(?:paragraph|第) (\d+)/.exec(String(embed.title))?.[1]));
}

/** The bot's reply to a message (a DM or a mention). */
export function replyTo(fake: FakeDiscord, message: MessageRecord, timeoutMs = 10_000): Promise<MessageRecord> {
  return fake.waitForMessage(message.channelId, (candidate) => candidate.replyTo === message.id, timeoutMs);
}

/** Paths of the REST calls that carry message text: replies, edits, follow-ups and channel messages. */
const MESSAGE_ROUTES =
  /^\/(interactions\/\d+\/[^/]+\/callback|webhooks\/\d+\/[^/]+(\/messages\/[^/]+)?|channels\/\d+\/messages(\/\d+)?)$/;

/**
 * Nobody was pinged by anything the bot sent: every request that carries
 * text says `allowed_mentions: { parse: [] }`, and the fake, which applies
 * Discord's rules, saw no ping in any bot message.
 */
export function expectNobodyPinged(fake: FakeDiscord): void {
  const carrying = fake.requests.filter((request) => {
    if (!['POST', 'PATCH'].includes(request.method) || !MESSAGE_ROUTES.test(request.path)) return false;
    const data: JsonObject | null = request.path.endsWith('/callback') ? (request.body?.data ?? null) : request.body;
    return data !== null && ('content' in data || 'embeds' in data);
  });
  expect(carrying.length).toBeGreaterThan(0);
  for (const request of carrying) {
    const data: JsonObject = request.path.endsWith('/callback') ? request.body.data : request.body;
    expect(data.allowed_mentions, `${request.method} ${request.path}`).toMatchObject({ parse: [] });
    if (data.message_reference)
      expect(data.allowed_mentions.replied_user, `${request.method} ${request.path}`).toBe(false);
  }
  for (const message of fake.botMessages()) expect(message.pings, message.content).toEqual(NOBODY_PINGED);
}

/** A recorded embedding call. */
export interface EmbedCall {
  kind: EmbeddingKind;
  texts: number;
  at: number;
}

/**
 * The real model behind a switch: records every call, and holds or fails
 * passage embeddings (what a rebuild does) on demand, as a slow, crashed or
 * broken model would, while questions keep being embedded.
 */
export class InstrumentedEmbedder implements Embedder {
  readonly calls: EmbedCall[] = [];
  /** When set, passage embeddings fail with this error. */
  failPassages: Error | undefined;
  /** When set, passage embeddings wait for it: a rebuild held in its embedding phase. */
  holdPassages: Promise<void> | undefined;

  constructor(private readonly inner: Embedder) {}

  get info() {
    return this.inner.info;
  }

  async embed(texts: readonly string[], kind: EmbeddingKind): Promise<Float32Array[]> {
    this.calls.push({ kind, texts: texts.length, at: Date.now() });
    if (kind === 'passage' && this.holdPassages) await this.holdPassages;
    if (kind === 'passage' && this.failPassages) throw this.failPassages;
    return this.inner.embed(texts, kind);
  }

  countTokens(texts: readonly string[], kind: EmbeddingKind): Promise<number[]> {
    return this.inner.countTokens(texts, kind);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * Opens the configured knowledge base as the bot does, with the model wrapped
 * in an {@link InstrumentedEmbedder}, and every rebuild embedding every passage.
 */
export async function openInstrumented(
  config: Config,
  logger: Logger,
): Promise<{ knowledgeBase: KnowledgeBase; embedder: InstrumentedEmbedder }> {
  const embedder = new InstrumentedEmbedder(await loadConfiguredEmbedder(config, logger));
  // Without the embedding cache: these tests hold, fail and count a rebuild's embedding, which the cache would skip.
  const knowledgeBase = await KnowledgeBase.open({
    ...knowledgeBaseOptions(config, embedder, logger),
    embeddingCache: false,
  });
  return { knowledgeBase, embedder };
}

/** Records unhandled promise rejections in this process from now on; `stop()` removes the listener. */
export function watchUnhandledRejections(): { reasons: unknown[]; stop: () => void } {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => reasons.push(reason);
  process.on('unhandledRejection', listener);
  return { reasons, stop: () => process.off('unhandledRejection', listener) };
}

/**
 * An embedder shared by several knowledge bases in one test process, which
 * their `close()` leaves running. Starting and stopping model workers
 * repeatedly in one process is what the tests avoid: once the last one has
 * exited, onnxruntime cannot be loaded again ("Module did not self-register"),
 * and stopping one while another runs can corrupt the native heap.
 */
export function shared(embedder: Embedder): Embedder {
  return {
    get info() {
      return embedder.info;
    },
    embed: (texts, kind) => embedder.embed(texts, kind),
    countTokens: (texts, kind) => embedder.countTokens(texts, kind),
    close: async () => undefined,
  };
}
