import { Events } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { answerWithDeferThenEdit, client, fake, loginReady, useFakeDiscord } from './test-client.js';

useFakeDiscord();

describe('fake Discord with a real discord.js Client', () => {
  it('given the interaction callback fails once with 500, when the bot defers, then discord.js retries and the reply succeeds', async () => {
    await loginReady(client);
    answerWithDeferThenEdit(client, () => 'after a 500');
    fake.failNext({ method: 'POST', pathPattern: /\/callback$/, status: 500, count: 1 });

    const state = await fake.sendInteraction({ name: 'ask' }).done;

    expect(state.content).toBe('after a 500');
    const callbacks = fake.requestsTo('POST', /\/callback$/);
    expect(callbacks.map((r) => r.status)).toEqual([500, 204]);
    expect(callbacks[0]?.injected).toBe(true);
  });

  it('given a callback that always fails with 500, when the bot defers, then the error surfaces to the handler without crashing the client', async () => {
    await loginReady(client);
    const errors: unknown[] = [];
    client.on(Events.InteractionCreate, async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply().catch((e: unknown) => errors.push(e));
    });
    fake.failNext({ pathPattern: /\/callback$/, status: 500, count: 10 });

    fake.sendInteraction({ name: 'ask' });
    await fake.waitFor(() => errors.length === 1, 3000, 'the deferral to fail');

    expect((errors[0] as { status?: number }).status).toBe(500);
    expect(fake.requestsTo('POST', /\/callback$/)).toHaveLength(4); // 1 try + 3 retries
    expect(client.isReady()).toBe(true);
  });

  it('given a 429 on the first channel message, when the bot sends, then discord.js waits retry_after and succeeds', async () => {
    await loginReady(client);
    fake.failNext({ method: 'POST', pathPattern: /^\/channels\/\d+\/messages$/, status: 429, retryAfter: 0.1 });
    const channel = client.channels.cache.get(fake.textChannelId);
    if (!channel?.isSendable()) throw new Error('channel not sendable');

    await channel.send('after rate limit');

    const posts = fake.requestsTo('POST', `/channels/${fake.textChannelId}/messages`);
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expect(posts[1]!.time - posts[0]!.time).toBeGreaterThanOrEqual(90);
    expect(fake.botMessages(fake.textChannelId).map((m) => m.content)).toEqual(['after rate limit']);
  });

  it('given a request to a route the fake does not know, then it answers 404 and lists the route', async () => {
    await loginReady(client);
    await expect(client.rest.get('/guilds/1/bans')).rejects.toMatchObject({ status: 404 });
    expect(fake.unknownRoutes).toEqual(['GET /guilds/1/bans']);
  });
});
