import { ChannelType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { answerWithDeferThenEdit, client, fake, loginReady, useFakeDiscord } from './test-client.js';

useFakeDiscord();

describe('fake Discord with a real discord.js Client', () => {
  it('given a fresh fake, when the client logs in, then it identifies over uncompressed JSON v10 and becomes ready with the bot user, application and guild', async () => {
    await loginReady(client);

    expect(client.isReady()).toBe(true);
    expect(client.user?.id).toBe(fake.botUser.id);
    expect(client.user?.bot).toBe(true);
    expect(client.application?.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get(fake.guildId);
    expect(guild?.available).toBe(true);
    expect(guild?.channels.cache.get(fake.textChannelId)?.type).toBe(ChannelType.GuildText);
    expect(guild?.roles.everyone.id).toBe(fake.guildId);
    expect(guild?.members.me?.id).toBe(fake.botUser.id);

    expect(fake.identifyCount).toBe(1);
    expect(fake.gatewayConnectQueries[0]?.query).toEqual({ v: '10', encoding: 'json' });
    expect(fake.identifyPayloads[0]?.token).toBe(fake.token);
    const gatewayFetch = fake.requestsTo('GET', '/gateway/bot')[0];
    expect(gatewayFetch?.authorization).toBe(`Bot ${fake.token}`);
    expect(fake.unknownRoutes).toEqual([]);
  });

  it('given a ready client, when heartbeats are due, then the fake ACKs them and the client records a ping', async () => {
    await loginReady(client);
    await fake.waitFor(() => fake.heartbeatCount >= 2, 3000, 'two heartbeats');
    await fake.waitFor(() => client.ws.ping >= 0, 1000, 'a heartbeat ACK to reach the client');
    expect(client.ws.ping).toBeGreaterThanOrEqual(0);
  });

  it('given a ready client, when the gateway asks it to reconnect and later drops the socket, then it resumes and still handles a new interaction', async () => {
    await loginReady(client);
    answerWithDeferThenEdit(client, () => 'still here');

    fake.requestReconnect();
    await fake.waitFor(
      () => fake.resumeCount >= 1 && fake.gatewayStats.readyConnections === 1,
      4000,
      'resume after op 7',
    );

    fake.dropConnections();
    await fake.waitFor(
      () => fake.resumeCount >= 2 && fake.gatewayStats.readyConnections === 1,
      4000,
      'resume after drop',
    );

    const state = await fake.sendInteraction({ name: 'ask' }).done;
    expect(state.content).toBe('still here');
    expect(fake.identifyCount).toBe(1);
    expect(fake.gatewayConnectQueries.slice(1).every((q) => q.path === '/resume')).toBe(true);
    expect(fake.gatewayCloses.find((c) => c.by === 'client')?.code).toBe(4200);
  });

  it('given a non-resumable invalid session, when the client reconnects, then it re-identifies and keeps working', async () => {
    await loginReady(client);
    answerWithDeferThenEdit(client, () => 'after re-identify');

    fake.invalidateSession(false);
    await fake.waitFor(() => fake.identifyCount === 2 && fake.gatewayStats.readyConnections === 1, 4000, 're-identify');

    const state = await fake.sendInteraction({ name: 'ask' }).done;
    expect(state.content).toBe('after re-identify');
  });

  it('given an interaction dispatched while the socket is down, when the client resumes, then the interaction is delivered', async () => {
    await loginReady(client);
    answerWithDeferThenEdit(client, () => 'delivered late');

    fake.dropConnections();
    const handle = fake.sendInteraction({ name: 'ask' });
    const state = await handle.done;

    expect(state.content).toBe('delivered late');
  });
});
