import { ChannelType, Client, Events, GatewayIntentBits, MessageFlags, Partials } from 'discord.js';
import type { ChatInputCommandInteraction, Interaction, Message } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord, snowflakeTime } from './support/fake-discord.js';

const HEARTBEAT_MS = 250;

let fake: FakeDiscord;
let client: Client;

function makeClient(): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages],
    partials: [Partials.Channel],
    ...fake.clientOptions(),
  });
}

async function loginReady(c: Client): Promise<void> {
  const ready = new Promise<void>((resolve) => c.once(Events.ClientReady, () => resolve()));
  await c.login(fake.token);
  await ready;
}

/** Answers every chat-input interaction with deferReply() + editReply(). */
function answerWithDeferThenEdit(c: Client, content: (i: ChatInputCommandInteraction) => string): void {
  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- discord.js drops a handler's promise; a test's failure surfaces as an unhandled rejection
  c.on(Events.InteractionCreate, async (interaction: Interaction) => {
    if (!interaction.isChatInputCommand()) return;
    try {
      await interaction.deferReply();
      await interaction.editReply({ content: content(interaction), allowedMentions: { parse: [] } });
    } catch {
      // surfaced through the fake's recorded state
    }
  });
}

beforeEach(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS });
  client = makeClient();
});

afterEach(async () => {
  await client.destroy();
  await fake.close();
});

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

  it('given a ready client, when it registers slash commands, then the bulk-overwrite PUT is recorded and echoed with ids', async () => {
    await loginReady(client);
    const commands = await client.application!.commands.set([
      {
        name: 'ask',
        description: 'Ask a question about the article',
        options: [{ name: 'question', description: 'What to ask', type: 3, required: true }],
      },
    ]);

    expect(commands.size).toBe(1);
    const [cmd] = [...commands.values()];
    expect(cmd?.name).toBe('ask');
    expect(cmd?.id).toMatch(/^\d{17,20}$/);
    const put = fake.requestsTo('PUT', `/applications/${fake.applicationId}/commands`);
    expect(put).toHaveLength(1);
    expect(put[0]?.authorization).toBe(`Bot ${fake.token}`);
    expect(put[0]?.body[0].name).toBe('ask');
    expect(fake.globalCommands.map((c) => c.name)).toEqual(['ask']);
  });

  it('given a slash command interaction, when the bot defers and then edits the reply, then the handle resolves with the edited content', async () => {
    await loginReady(client);
    let received: ChatInputCommandInteraction | undefined;
    client.on(Events.InteractionCreate, (i) => {
      if (i.isChatInputCommand()) received = i;
    });
    answerWithDeferThenEdit(client, (i) => `You asked: ${i.options.getString('question', true)} @everyone`);

    const handle = fake.sendInteraction({ name: 'ask', options: { question: 'what is it?' } });
    const state = await handle.done;

    expect(state.responseType).toBe(5);
    expect(state.deferred).toBe(true);
    expect(state.content).toBe('You asked: what is it? @everyone');
    expect(state.original?.pings).toEqual({ users: [], roles: [], everyone: false, repliedUser: false });
    expect(state.edits).toHaveLength(1);
    expect(state.edits[0]?.allowed_mentions).toEqual({ parse: [] });

    // discord.js saw a realistic guild interaction
    expect(received?.guildId).toBe(fake.guildId);
    expect(received?.channelId).toBe(fake.textChannelId);
    expect(received?.member).not.toBeNull();
    expect(Math.abs(snowflakeTime(handle.id) - Date.now())).toBeLessThan(5000);

    // callbacks and webhooks are sent without the bot token, as discord.js does
    const callback = fake.requestsTo('POST', /^\/interactions\/\d+\/[^/]+\/callback$/)[0];
    expect(callback?.authorization).toBeUndefined();
    expect(callback?.query).toEqual({ with_response: 'false' });
    expect(fake.unknownRoutes).toEqual([]);
  });

  it('given an ephemeral reply with an embed, when the bot replies directly, then flags 64 and the embed are recorded', async () => {
    await loginReady(client);
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- discord.js drops a handler's promise; a test's failure surfaces as an unhandled rejection
    client.on(Events.InteractionCreate, async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply({ embeds: [{ description: 'x'.repeat(100) }], flags: MessageFlags.Ephemeral });
    });

    const state = await fake.sendInteraction({ name: 'ask', dm: true }).done;

    expect(state.responseType).toBe(4);
    expect(state.ephemeral).toBe(true);
    expect(state.callbacks[0]?.data?.flags).toBe(64);
    expect(state.embeds[0]?.description).toHaveLength(100);
    expect(state.guildId).toBeNull();
  });

  it('given a reply with an attached file and withResponse, when the bot replies and follows up, then the multipart payload_json is parsed and the callback answers with the message', async () => {
    await loginReady(client);
    let responseMessageId: string | undefined;
    let followUpId: string | undefined;
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- discord.js drops a handler's promise; a test's failure surfaces as an unhandled rejection
    client.on(Events.InteractionCreate, async (i) => {
      if (!i.isChatInputCommand()) return;
      const res = await i.reply({
        content: 'see attachment',
        files: [{ attachment: Buffer.from('passage text'), name: 'passage.txt' }],
        withResponse: true,
      });
      responseMessageId = res.resource?.message?.id;
      followUpId = (await i.followUp({ content: 'and one more thing' })).id;
    });

    const state = await fake.sendInteraction({ name: 'ask' }).done;

    expect(state.content).toBe('see attachment');
    expect(state.callbacks[0]?.withResponse).toBe(true);
    expect(state.callbacks[0]?.files.map((f) => [f.filename, f.data.toString()])).toEqual([
      ['passage.txt', 'passage text'],
    ]);
    const callback = fake.requestsTo('POST', /\/callback$/)[0];
    expect(callback?.contentType).toMatch(/^multipart\/form-data/);
    expect(callback?.body.type).toBe(4);
    expect(responseMessageId).toBe(state.original?.id);
    expect(state.followups.map((f) => f.content)).toEqual(['and one more thing']);
    expect(followUpId).toBe(state.followups[0]?.id);
  });

  it('given a known user, when the bot DMs them with user.send, then a DM channel is created and the message lands there', async () => {
    await loginReady(client);
    const user = fake.user(undefined, 'reader');

    const discordUser = await client.users.fetch(user.id);
    await discordUser.send('a private answer');

    const dmChannelId = fake.dmChannelId(user.id);
    const msg = await fake.waitForMessage(dmChannelId, (m) => m.content === 'a private answer', 2000);
    expect(msg.guildId).toBeNull();
    expect(fake.requestsTo('POST', '/users/@me/channels')[0]?.body).toEqual({ recipient_id: user.id });
    expect(fake.unknownRoutes).toEqual([]);
  });

  it('given a reply longer than 2000 characters, when the bot sends it, then the fake rejects it like Discord (50035)', async () => {
    await loginReady(client);
    const errors: unknown[] = [];
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- discord.js drops a handler's promise; a test's failure surfaces as an unhandled rejection
    client.on(Events.InteractionCreate, async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply({ content: 'y'.repeat(2001) }).catch((e: unknown) => errors.push(e));
    });

    const handle = fake.sendInteraction({ name: 'ask' });
    await fake.waitFor(() => errors.length > 0, 3000, 'the reply to fail');

    expect((errors[0] as { code?: number }).code).toBe(50035);
    expect(handle.state.callbacks).toHaveLength(0);
  });

  it('given a DM from a new user in an unseen channel, when the bot replies with message.reply, then the reply is POSTed to that DM channel', async () => {
    await loginReady(client);
    const seen: Message[] = [];
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- discord.js drops a handler's promise; a test's failure surfaces as an unhandled rejection
    client.on(Events.MessageCreate, async (message) => {
      if (message.author.bot) return;
      seen.push(message);
      await message.reply({ content: `echo: ${message.content}`, allowedMentions: { repliedUser: false } });
    });

    const dm = fake.sendMessage({ content: 'hello bot', dm: true });
    expect(dm.guildId).toBeNull();
    expect(client.channels.cache.has(dm.channelId)).toBe(false);

    const reply = await fake.waitForMessage(dm.channelId, (m) => m.replyTo === dm.id, 3000);

    expect(reply.content).toBe('echo: hello bot');
    expect(reply.pings.repliedUser).toBe(false);
    expect(seen[0]?.channel.type).toBe(ChannelType.DM);
    expect(seen[0]?.content).toBe('hello bot');
    const post = fake.requestsTo('POST', `/channels/${dm.channelId}/messages`)[0];
    expect(post?.authorization).toBe(`Bot ${fake.token}`);
    expect(post?.body.message_reference.message_id).toBe(dm.id);
    expect(fake.unknownRoutes).toEqual([]);
  });

  it('given no MessageContent intent, when a guild message does not mention the bot, then its content arrives empty, and a mention carries content', async () => {
    await loginReady(client);
    const contents: string[] = [];
    client.on(Events.MessageCreate, (m) => {
      if (!m.author.bot) contents.push(m.content);
    });

    fake.sendMessage({ content: 'chatter' });
    fake.sendMessage({ content: 'hi', mentionBot: true });
    await fake.waitFor(() => contents.length === 2, 3000, 'two messages');

    expect(contents).toEqual(['', `<@${fake.botUser.id}> hi`]);
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
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- discord.js drops a handler's promise; a test's failure surfaces as an unhandled rejection
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
