import {
  ButtonStyle,
  ChannelType,
  Client,
  ComponentType,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  Routes,
} from 'discord.js';
import type {
  APIActionRowComponent,
  APIComponentInMessageActionRow,
  ChatInputCommandInteraction,
  Interaction,
  Message,
} from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord, snowflakeTime, type JsonObject, type MessageRecord } from './fake-discord.js';

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

// ---------------------------------------------------------------------------------------------
// Interactive answers and admin tools: files, components, autocomplete, message commands
// ---------------------------------------------------------------------------------------------

/** A 3×2 PNG: just enough of one for Discord (and the fake) to read its size. */
const PNG_3_BY_2 = Buffer.concat([
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
  Buffer.from([0, 0, 0, 3, 0, 0, 0, 2]),
  Buffer.from('0806000000', 'hex'),
]);

/** Discord's refusal of a request: status, JSON code and the field errors. */
async function refusal(request: Promise<unknown>): Promise<{ status: number; code: number; errors: JsonObject }> {
  const error = await request.then(
    () => {
      throw new Error('expected Discord to refuse the request');
    },
    (rejected: unknown) => rejected as { status: number; code: number; rawError?: { errors?: JsonObject } },
  );
  return { status: error.status, code: error.code, errors: error.rawError?.errors ?? {} };
}

/** The error codes Discord lists at a field path, e.g. `components.0.components.5`. */
function codesAt(errors: JsonObject, path: string): string[] {
  const node = path === '' ? errors : path.split('.').reduce<JsonObject | undefined>((at, key) => at?.[key], errors);
  return (node?._errors ?? []).map((error: { code: string }) => error.code);
}

async function download(url: string): Promise<{ status: number; bytes: Buffer; contentType: string | null }> {
  const response = await fetch(url);
  return {
    status: response.status,
    bytes: Buffer.from(await response.arrayBuffer()),
    contentType: response.headers.get('content-type'),
  };
}

const button = (customId: string, label = customId): JsonObject => ({
  type: ComponentType.Button,
  style: ButtonStyle.Primary,
  custom_id: customId,
  label,
});
const row = (...components: JsonObject[]): APIActionRowComponent<APIComponentInMessageActionRow> => ({
  type: ComponentType.ActionRow,
  components: components as APIComponentInMessageActionRow[],
});

/** Posts a message as the bot through discord.js's REST client; resolves with the fake's record of it. */
async function botPosts(body: JsonObject, channelId = fake.textChannelId): Promise<MessageRecord> {
  const sent = (await client.rest.post(Routes.channelMessages(channelId), { body })) as { id: string };
  return fake.messages.find((message) => message.id === sent.id)!;
}

describe('files on the fake CDN', () => {
  it('given a reply with two files, then the message record keeps their bytes, and each attachment url and proxy_url serves them from the CDN', async () => {
    await loginReady(client);
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply({
        content: 'two files',
        files: [
          { attachment: Buffer.from('first passage'), name: 'first.txt' },
          { attachment: PNG_3_BY_2, name: 'chart.png', description: 'a chart' },
        ],
      });
    });

    const state = await fake.sendInteraction({ name: 'ask' }).done;

    const original = state.original!;
    expect(original.files.map((file) => [file.field, file.filename, file.data])).toEqual([
      ['files[0]', 'first.txt', Buffer.from('first passage')],
      ['files[1]', 'chart.png', PNG_3_BY_2],
    ]);
    const [text, chart] = original.message.attachments as JsonObject[];
    expect(text).toMatchObject({ filename: 'first.txt', size: 13, content_type: 'text/plain; charset=utf-8' });
    expect(chart).toMatchObject({
      filename: 'chart.png',
      description: 'a chart',
      content_type: 'image/png',
      width: 3,
      height: 2,
    });
    expect(text!.url.startsWith(`${fake.cdnUrl}/attachments/${fake.textChannelId}/${text!.id}/first.txt?ex=`)).toBe(
      true,
    );
    expect((await download(text!.url)).bytes.toString()).toBe('first passage');
    expect((await download(chart!.proxy_url)).bytes).toEqual(PNG_3_BY_2);
    expect(fake.cdnRequests.map((request) => request.status)).toEqual([200, 200]);
  });

  it('given a user’s DM with a file, then the bot receives the attachment and downloads it; in a guild, without the MessageContent intent, it is stripped', async () => {
    await loginReady(client);
    const received: Array<{ guild: boolean; files: string[] }> = [];
    client.on(Events.MessageCreate, async (message) => {
      if (message.author.bot) return;
      const files = await Promise.all(
        message.attachments.map(async (attachment) => (await download(attachment.url)).bytes.toString()),
      );
      received.push({ guild: message.inGuild(), files });
    });

    fake.sendMessage({ content: 'my notes', dm: true, attachments: [{ filename: 'notes.txt', data: 'a DM file' }] });
    fake.sendMessage({ content: 'chatter', attachments: [{ filename: 'notes.txt', data: 'a channel file' }] });
    await fake.waitFor(() => received.length === 2, 3000, 'both messages');

    expect(received.sort((one, other) => Number(one.guild) - Number(other.guild))).toEqual([
      { guild: false, files: ['a DM file'] },
      { guild: true, files: [] },
    ]);
  });

  it('given an attachment url without its signature, then the CDN answers 404 like Discord’s', async () => {
    const attachment = fake.uploadAttachment({ filename: 'notes.txt', data: 'secret' });

    const unsigned = await download(attachment.url.split('?')[0]);
    const forged = await download(attachment.url.replace(/hm=[0-9a-f]+/, `hm=${'0'.repeat(64)}`));

    expect([unsigned.status, forged.status]).toEqual([404, 404]);
    expect(unsigned.bytes.toString()).toBe('This content is no longer available.');
    expect((await download(attachment.url)).bytes.toString()).toBe('secret');
  });

  it('given a file over 10 MiB, when the bot sends it, then the fake refuses it with 413 (40005) like Discord', async () => {
    // REST only: serializing 10 MiB can stall the event loop past a heartbeat, and a client
    // destroyed while it reconnects leaves a socket error behind.
    client.rest.setToken(fake.token);
    const file = { name: 'big.bin', data: Buffer.alloc(10 * 1024 * 1024 + 1) };

    const refused = await refusal(
      client.rest.post(Routes.channelMessages(fake.textChannelId), { body: {}, files: [file] }),
    );

    expect([refused.status, refused.code]).toEqual([413, 40005]);
    expect(fake.botMessages()).toEqual([]);
  });
});

describe('components in what the bot sends', () => {
  const select = (customId: string, count: number): JsonObject => ({
    type: ComponentType.StringSelect,
    custom_id: customId,
    options: Array.from({ length: count }, (_, index) => ({ label: `option ${index}`, value: `value-${index}` })),
  });

  it.each<[string, JsonObject[], string, string]>([
    [
      'six action rows',
      Array.from({ length: 6 }, (_, index) => row(button(`b${index}`))),
      'components',
      'BASE_TYPE_MAX_LENGTH',
    ],
    [
      'six buttons in a row',
      [row(...Array.from({ length: 6 }, (_, index) => button(`b${index}`)))],
      'components.0.components',
      'BASE_TYPE_BAD_LENGTH',
    ],
    [
      'a button beside a select',
      [row(select('pick', 2), button('b'))],
      'components.0.components.1',
      'COMPONENT_LAYOUT_WIDTH_EXCEEDED',
    ],
    [
      'a button without custom_id',
      [row({ type: ComponentType.Button, style: ButtonStyle.Primary, label: 'x' })],
      'components.0.components.0.custom_id',
      'BUTTON_COMPONENT_CUSTOM_ID_REQUIRED',
    ],
    [
      'a custom_id of 101 characters',
      [row(button('c'.repeat(101), 'x'))],
      'components.0.components.0.custom_id',
      'BASE_TYPE_BAD_LENGTH',
    ],
    [
      'a label of 81 characters',
      [row(button('b', 'l'.repeat(81)))],
      'components.0.components.0.label',
      'BASE_TYPE_MAX_LENGTH',
    ],
    ['a select of 26 options', [row(select('pick', 26))], 'components.0.components.0.options', 'BASE_TYPE_BAD_LENGTH'],
    [
      'a select option value of 101 characters',
      [row({ ...select('pick', 1), options: [{ label: 'x', value: 'v'.repeat(101) }] })],
      'components.0.components.0.options.0.value',
      'BASE_TYPE_MAX_LENGTH',
    ],
    [
      'two components with one custom_id',
      [row(button('same')), row(button('same'))],
      'components.1.components.0.custom_id',
      'COMPONENT_CUSTOM_ID_DUPLICATED',
    ],
  ])(
    'given %s, when the bot sends them, then the fake refuses the message like Discord (50035 at the field)',
    async (_case, components, path, code) => {
      await loginReady(client);

      const refused = await refusal(
        client.rest.post(Routes.channelMessages(fake.textChannelId), { body: { content: 'pick one', components } }),
      );

      expect([refused.status, refused.code]).toEqual([400, 50035]);
      expect(codesAt(refused.errors, path)).toContain(code);
      expect(fake.botMessages()).toEqual([]);
    },
  );

  it('given a click answered with UPDATE_MESSAGE (7) carrying duplicate custom_ids, then the callback is refused at `data.components` and nothing is acknowledged', async () => {
    await loginReady(client);
    const message = await botPosts({ content: 'pick', components: [row(button('go'))] });
    const refusals: Array<Awaited<ReturnType<typeof refusal>>> = [];
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isButton()) return;
      const update = { type: 7, data: { components: [row(button('x'), button('x'))] } };
      refusals.push(
        await refusal(
          client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
            body: update,
            auth: false,
          }),
        ),
      );
    });

    const handle = fake.clickButton(message, 'go');
    await fake.waitFor(() => refusals.length > 0, 3000, 'the update to be refused');

    expect(codesAt(refusals[0]!.errors, 'data.components.0.components.1.custom_id')).toEqual([
      'COMPONENT_CUSTOM_ID_DUPLICATED',
    ]);
    expect(handle.state.callbacks).toEqual([]);
    expect(fake.messages.find((candidate) => candidate.id === message.id)?.edits).toEqual([]);
  });

  it('given four rows of five buttons and a row with a 25-option select, then Discord’s limits are met: the message is stored with every component numbered, the request as sent', async () => {
    await loginReady(client);
    const rows = Array.from({ length: 4 }, (_, rowIndex) =>
      row(...Array.from({ length: 5 }, (_, index) => button(`r${rowIndex}b${index}`))),
    );
    const message = await botPosts({ content: 'many', components: [...rows, row(select('pick', 25))] });

    expect(fake.componentsOf(message)).toHaveLength(21);
    expect(message.components[0]).toMatchObject({
      type: 1,
      id: 1,
      components: [{ custom_id: 'r0b0', id: 2 }, { id: 3 }, { id: 4 }, { id: 5 }, { id: 6 }],
    });
    expect(
      fake.requestsTo('POST', `/channels/${fake.textChannelId}/messages`)[0]?.body.components[0].id,
    ).toBeUndefined();
  });
});

describe('buttons and selects on the bot’s messages', () => {
  it('given a button on a guild message, when a user clicks it and the bot replies ephemerally (4), then discord.js sees the click and the reply answers that message', async () => {
    await loginReady(client);
    const seen: Array<{ customId: string; messageId: string; userId: string; guildId: string | null }> = [];
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isButton()) return;
      seen.push({
        customId: interaction.customId,
        messageId: interaction.message.id,
        userId: interaction.user.id,
        guildId: interaction.guildId,
      });
      await interaction.reply({ content: 'only you see this', flags: MessageFlags.Ephemeral });
    });
    const message = await botPosts({
      content: 'Was this helpful?',
      components: [row(button('helpful:yes', 'Yes'), button('helpful:no', 'No'))],
    });
    const reader = fake.user(undefined, 'reader');

    const state = await fake.clickButton(message, 'helpful:no', { userId: reader.id }).done;

    expect(seen).toEqual([{ customId: 'helpful:no', messageId: message.id, userId: reader.id, guildId: fake.guildId }]);
    expect(state).toMatchObject({
      type: 3,
      customId: 'helpful:no',
      targetMessageId: message.id,
      responseType: 4,
      ephemeral: true,
      content: 'only you see this',
    });
    expect(state.payload.data).toEqual({ custom_id: 'helpful:no', component_type: 2, id: 3 });
    expect(state.original?.replyTo).toBe(message.id);
    expect(state.original?.message.interaction_metadata).toMatchObject({
      type: 3,
      interacted_message_id: message.id,
      user: { id: reader.id },
    });
    expect(state.respondedAfterMs).toBeGreaterThanOrEqual(0);
  });

  it('given a click answered with UPDATE_MESSAGE (7), then the message the button is on is edited and becomes @original', async () => {
    await loginReady(client);
    client.on(Events.InteractionCreate, async (interaction) => {
      if (interaction.isButton()) await interaction.update({ content: 'Thanks for the feedback', components: [] });
    });
    const message = await botPosts({ content: 'Was this helpful?', components: [row(button('helpful:yes', 'Yes'))] });

    const state = await fake.clickButton(message, 'helpful:yes').done;

    expect(state.responseType).toBe(7);
    expect(state.original?.id).toBe(message.id);
    expect(state.content).toBe('Thanks for the feedback');
    const updated = fake.messages.find((candidate) => candidate.id === message.id)!;
    expect([updated.content, updated.components, updated.edits.length]).toEqual(['Thanks for the feedback', [], 1]);
    expect(updated.message.edited_timestamp).not.toBeNull();
    expect(fake.botMessages()).toHaveLength(1);
  });

  it('given a click answered with DEFERRED_UPDATE_MESSAGE (6) and then editReply, then the edit lands on the message the button is on', async () => {
    await loginReady(client);
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isButton()) return;
      await interaction.deferUpdate();
      await interaction.editReply({ content: 'page 2', components: [row(button('page:1', 'Back'))] });
    });
    const message = await botPosts({ content: 'page 1', components: [row(button('page:2', 'Next'))] });

    const state = await fake.clickButton(message, 'page:2').done;

    expect([state.responseType, state.deferred, state.original?.id]).toEqual([6, true, message.id]);
    expect(state.edits).toEqual([expect.objectContaining({ content: 'page 2' })]);
    expect(fake.componentsOf(message).map((component) => component.custom_id)).toEqual(['page:1']);
  });

  it('given a click answered with DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE (5), then a loading reply is edited and a follow-up is added', async () => {
    await loginReady(client);
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isButton()) return;
      await interaction.deferReply();
      await interaction.editReply('the longer answer');
      await interaction.followUp('and a source');
    });
    const message = await botPosts({ content: 'answer', components: [row(button('more', 'Tell me more'))] });

    const state = await fake.clickButton(message, 'more').done;

    expect([state.responseType, state.deferred, state.content]).toEqual([5, true, 'the longer answer']);
    expect(state.original?.id).not.toBe(message.id);
    expect(state.original?.flags).toBe(0); // no longer loading
    expect(state.followups.map((followup) => followup.content)).toEqual(['and a source']);
    expect(fake.messages.find((candidate) => candidate.id === message.id)?.edits).toEqual([]);
  });

  it('given a string select, when a user chooses two values, then discord.js sees them; values the select does not offer, or too many, are refused to the test', async () => {
    await loginReady(client);
    const chosen: string[][] = [];
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isStringSelectMenu()) return;
      chosen.push(interaction.values);
      await interaction.update({ content: `Sections: ${interaction.values.join(', ')}` });
    });
    const sections = {
      type: ComponentType.StringSelect,
      custom_id: 'sections',
      min_values: 1,
      max_values: 2,
      options: ['intro', 'market', 'outlook'].map((value) => ({ label: value, value })),
    };
    const message = await botPosts({ content: 'Which sections?', components: [row(sections)] });

    const state = await fake.selectOptions(message, 'sections', ['market', 'outlook']).done;

    expect(chosen).toEqual([['market', 'outlook']]);
    expect(state.payload.data).toMatchObject({
      custom_id: 'sections',
      component_type: 3,
      values: ['market', 'outlook'],
    });
    expect(state.content).toBe('Sections: market, outlook');
    expect(() => fake.selectOptions(message, 'sections', ['weather'])).toThrow(
      /offers \["intro","market","outlook"\], not \["weather"\]/,
    );
    expect(() => fake.selectOptions(message, 'sections', ['intro', 'market', 'outlook'])).toThrow(
      /takes 1 to 2 values, not 3/,
    );
  });

  it('given a button in a DM, when its user clicks it, then the interaction comes from the DM; another user cannot click there', async () => {
    await loginReady(client);
    client.on(Events.InteractionCreate, async (interaction) => {
      if (interaction.isButton()) await interaction.reply({ content: `DM click from ${interaction.user.id}` });
    });
    const reader = fake.user(undefined, 'reader');
    await (await client.users.fetch(reader.id)).send({ content: 'More?', components: [row(button('more', 'More'))] });
    const dm = await fake.waitForMessage(fake.dmChannelId(reader.id), () => true, 2000);

    const state = await fake.clickButton(dm, 'more').done;

    expect([state.guildId, state.channelId, state.userId]).toEqual([null, dm.channelId, reader.id]);
    expect(state.payload.user?.id).toBe(reader.id);
    expect(state.payload.member).toBeUndefined();
    expect(state.content).toBe(`DM click from ${reader.id}`);
    expect(() => fake.clickButton(dm, 'more', { userId: fake.user().id })).toThrow(/DM with the bot/);
  });

  it('given an ephemeral reply with a button, then only the user it answered can click it, and disabled or link buttons cannot be clicked', async () => {
    await loginReady(client);
    client.on(Events.InteractionCreate, async (interaction) => {
      if (interaction.isChatInputCommand()) {
        await interaction.reply({
          content: 'private',
          flags: MessageFlags.Ephemeral,
          components: [
            row(
              button('again', 'Again'),
              { ...button('off', 'Off'), disabled: true },
              { type: 2, style: ButtonStyle.Link, url: 'https://example.com', label: 'Source' },
            ),
          ],
        });
      } else if (interaction.isButton()) {
        await interaction.update({ content: 'private, again' });
      }
    });
    const asked = await fake.sendInteraction({ name: 'ask' }).done;
    const reply = asked.original!;

    expect(() => fake.clickButton(reply, 'again', { userId: fake.user().id })).toThrow(/ephemeral: only user/);
    expect(() => fake.clickButton(reply, 'off')).toThrow(/disabled/);
    expect(() => fake.clickButton(reply, 'nowhere')).toThrow(
      /has no component "nowhere"; it has \["again","off","https:\/\/example.com"\]/,
    );
    const clicked = await fake.clickButton(reply, 'again').done;
    expect([clicked.userId, clicked.ephemeral, clicked.content]).toEqual([asked.userId, true, 'private, again']);
  });

  it('given a slash command, when the bot answers with UPDATE_MESSAGE, then the fake refuses it as Discord does: there is no message to update (404, 10008)', async () => {
    await loginReady(client);
    const refusals: Array<Awaited<ReturnType<typeof refusal>>> = [];
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      refusals.push(
        await refusal(
          client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
            body: { type: 7, data: { content: 'x' } },
            auth: false,
          }),
        ),
      );
    });

    const handle = fake.sendInteraction({ name: 'ask' });
    await fake.waitFor(() => refusals.length > 0, 3000, 'the update to be refused');

    expect([refusals[0]!.status, refusals[0]!.code]).toEqual([404, 10008]);
    expect(handle.state.responseType).toBeNull();
  });
});

describe('autocomplete', () => {
  const askWithAutocomplete = {
    name: 'ask',
    description: 'Ask a question about the article',
    options: [
      { name: 'question', description: 'What to ask', type: 3, required: true, autocomplete: true },
      { name: 'private', description: 'Only you see the answer', type: 5 },
    ],
  };

  it('given an option with autocomplete, when the user types, then the bot sees the partial input and its choices (callback 8) and answer time are recorded', async () => {
    await loginReady(client);
    await client.application!.commands.set([askWithAutocomplete]);
    const typed: Array<string | number> = [];
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      const focused = interaction.options.getFocused();
      typed.push(focused);
      await interaction.respond([`${focused}是什么?`, `${focused}为什么重要?`].map((name) => ({ name, value: name })));
    });

    const state = await fake.sendAutocomplete({
      name: 'ask',
      focused: 'question',
      value: '杰文斯',
      options: { private: true },
    }).done;

    expect(typed).toEqual(['杰文斯']);
    expect(state.type).toBe(4);
    expect(state.responseType).toBe(8);
    expect(state.choices).toEqual([
      { name: '杰文斯是什么?', value: '杰文斯是什么?' },
      { name: '杰文斯为什么重要?', value: '杰文斯为什么重要?' },
    ]);
    expect(state.respondedAfterMs).toBe(state.callbacks[0]!.at - state.dispatchedAt);
    expect(state.payload.data.options).toEqual([
      { name: 'private', type: 5, value: true },
      { name: 'question', type: 3, value: '杰文斯', focused: true },
    ]);
    expect(state.payload.data.id).toBe(fake.globalCommands[0]?.id);
  });

  it.each<[string, JsonObject[], string, string]>([
    [
      '26 choices',
      Array.from({ length: 26 }, (_, index) => ({ name: `choice ${index}`, value: `${index}` })),
      'data.choices',
      'BASE_TYPE_MAX_LENGTH',
    ],
    ['an empty name', [{ name: '', value: 'x' }], 'data.choices.0.name', 'BASE_TYPE_BAD_LENGTH'],
    [
      'a name of 101 characters',
      [{ name: 'n'.repeat(101), value: 'x' }],
      'data.choices.0.name',
      'BASE_TYPE_BAD_LENGTH',
    ],
    [
      'a value of 101 characters',
      [{ name: 'x', value: 'v'.repeat(101) }],
      'data.choices.0.value',
      'BASE_TYPE_MAX_LENGTH',
    ],
  ])(
    'given choices with %s, then the fake refuses them like Discord (50035 at the field)',
    async (_case, choices, path, code) => {
      await loginReady(client);
      const refusals: Array<Awaited<ReturnType<typeof refusal>>> = [];
      client.on(Events.InteractionCreate, async (interaction) => {
        if (!interaction.isAutocomplete()) return;
        refusals.push(
          await refusal(
            client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
              body: { type: 8, data: { choices } },
              auth: false,
            }),
          ),
        );
      });

      const handle = fake.sendAutocomplete({ name: 'ask', focused: 'question', value: 'x' });
      await fake.waitFor(() => refusals.length > 0, 3000, 'the choices to be refused');

      expect(codesAt(refusals[0]!.errors, path)).toContain(code);
      expect(handle.state.choices).toBeNull();
    },
  );

  it('given an autocomplete interaction, when the bot replies with a message instead of choices, then the fake refuses it (400, 50035 at type)', async () => {
    await loginReady(client);
    const refusals: Array<Awaited<ReturnType<typeof refusal>>> = [];
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      refusals.push(
        await refusal(
          client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
            body: { type: 4, data: { content: 'hi' } },
            auth: false,
          }),
        ),
      );
    });

    fake.sendAutocomplete({ name: 'ask', focused: 'question', value: 'x' });
    await fake.waitFor(() => refusals.length > 0, 3000, 'the reply to be refused');

    expect([refusals[0]!.status, refusals[0]!.code]).toEqual([400, 50035]);
    expect(codesAt(refusals[0]!.errors, 'type')).toEqual(['BASE_TYPE_CHOICES']);
  });

  it('given a registered command, then asking to autocomplete an option without autocomplete (or none at all) is refused to the test: Discord would never send it', async () => {
    await loginReady(client);
    await client.application!.commands.set([askWithAutocomplete]);

    expect(() => fake.sendAutocomplete({ name: 'ask', focused: 'private', value: 't' })).toThrow(
      /does not have autocomplete enabled/,
    );
    expect(() => fake.sendAutocomplete({ name: 'ask', focused: 'topic', value: 't' })).toThrow(/has no option "topic"/);
  });
});

describe('message commands', () => {
  it('given "Apps → Ask about this" on a member’s guild message, then the interaction carries target_id and the message, content included though the bot lacks the MessageContent intent', async () => {
    await loginReady(client);
    await client.application!.commands.set([{ name: 'Ask about this', type: 3 }]);
    const targets: Array<{ id: string; content: string }> = [];
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isMessageContextMenuCommand()) return;
      targets.push({ id: interaction.targetMessage.id, content: interaction.targetMessage.content });
      await interaction.reply({
        content: `About: ${interaction.targetMessage.content}`,
        flags: MessageFlags.Ephemeral,
      });
    });
    const chatter = fake.sendMessage({ content: '博通的股价为什么上升?' });

    const state = await fake.sendMessageCommand({ name: 'Ask about this', target: chatter }).done;

    expect(targets).toEqual([{ id: chatter.id, content: '博通的股价为什么上升?' }]);
    expect(state.payload.data).toMatchObject({
      type: 3,
      name: 'Ask about this',
      target_id: chatter.id,
      id: fake.globalCommands[0]?.id,
    });
    expect(state.payload.data.resolved.messages[chatter.id].content).toBe('博通的股价为什么上升?');
    expect(state.targetMessageId).toBe(chatter.id);
    expect(state.original?.message).toMatchObject({
      type: 23,
      interaction_metadata: { type: 2, command_type: 3, target_message_id: chatter.id },
    });
  });

  it('given a target with no text and only an image, then the bot sees the attachment and downloads its bytes from the CDN', async () => {
    await loginReady(client);
    const downloaded: Array<{ content: string; name: string; width: number | null; bytes: Buffer }> = [];
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isMessageContextMenuCommand()) return;
      const image = interaction.targetMessage.attachments.first()!;
      downloaded.push({
        content: interaction.targetMessage.content,
        name: image.name,
        width: image.width,
        bytes: (await download(image.url)).bytes,
      });
      await interaction.reply('seen');
    });

    const state = await fake.sendMessageCommand({
      name: 'Ask about this',
      target: { attachments: [{ filename: 'screenshot.png', data: PNG_3_BY_2 }] },
    }).done;

    expect(downloaded).toEqual([{ content: '', name: 'screenshot.png', width: 3, bytes: PNG_3_BY_2 }]);
    const target = fake.messages.find((message) => message.id === state.targetMessageId)!;
    expect([target.source, target.channelId, target.files[0]?.data]).toEqual(['user', fake.textChannelId, PNG_3_BY_2]);
  });

  it('given a message command in a DM, then the target is in that user’s DM with the bot and the interaction comes from the DM', async () => {
    await loginReady(client);
    client.on(Events.InteractionCreate, async (interaction) => {
      if (interaction.isMessageContextMenuCommand())
        await interaction.reply(`DM target ${interaction.targetMessage.content}`);
    });
    const reader = fake.user(undefined, 'reader');

    const state = await fake.sendMessageCommand({
      name: 'Ask about this',
      userId: reader.id,
      dm: true,
      target: { content: 'a question in my DM' },
    }).done;

    expect([state.guildId, state.channelId]).toEqual([null, fake.dmChannelId(reader.id)]);
    expect(state.payload.data.guild_id).toBeUndefined();
    expect(state.content).toBe('DM target a question in my DM');
    expect(() => fake.sendMessageCommand({ name: 'Ask about this', target: state.targetMessageId! })).toThrow(
      /another user's DM/,
    );
  });
});

describe('subcommands with files', () => {
  it('given /admin upload with an attachment option, then the bot finds the subcommand and downloads the file Discord describes in resolved.attachments', async () => {
    await loginReady(client);
    const received: JsonObject[] = [];
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const file = interaction.options.getAttachment('file', true);
      const fetched = await download(file.url);
      received.push({
        group: interaction.options.getSubcommandGroup(false),
        subcommand: interaction.options.getSubcommand(),
        note: interaction.options.getString('note'),
        name: file.name,
        size: file.size,
        contentType: file.contentType,
        ephemeral: file.ephemeral,
        bytes: fetched.bytes.toString(),
        servedAs: fetched.contentType,
      });
      await interaction.reply({ content: 'uploaded', flags: MessageFlags.Ephemeral });
    });

    const state = await fake.sendInteraction({
      name: 'admin',
      subcommandGroup: 'corpus',
      subcommand: 'upload',
      options: { file: { filename: 'article.md', data: '# New article\n\nText.' }, note: 'replace' },
    }).done;

    expect(received).toEqual([
      {
        group: 'corpus',
        subcommand: 'upload',
        note: 'replace',
        name: 'article.md',
        size: 20,
        contentType: 'text/markdown; charset=utf-8',
        ephemeral: true,
        bytes: '# New article\n\nText.',
        servedAs: 'text/markdown; charset=utf-8',
      },
    ]);
    const [group] = state.payload.data.options;
    expect(group).toMatchObject({
      type: 2,
      name: 'corpus',
      options: [
        {
          type: 1,
          name: 'upload',
          options: [
            { name: 'file', type: 11 },
            { name: 'note', type: 3 },
          ],
        },
      ],
    });
    const attachmentId = group.options[0].options[0].value;
    expect(state.payload.data.resolved.attachments[attachmentId]).toMatchObject({
      id: attachmentId,
      filename: 'article.md',
      size: 20,
      url: expect.stringContaining(fake.cdnUrl),
      proxy_url: expect.stringContaining('/media/attachments/'),
    });
  });
});

describe('registering commands', () => {
  const adminCommand = {
    name: 'admin',
    description: 'Admin tools',
    default_member_permissions: '32',
    options: [
      {
        type: 2,
        name: 'corpus',
        description: 'The article',
        options: [
          {
            type: 1,
            name: 'upload',
            description: 'Replace the article',
            options: [{ type: 11, name: 'file', description: 'The new article', required: true }],
          },
        ],
      },
      { type: 1, name: 'status', description: 'How the index is doing' },
    ],
  };

  it('given slash commands with subcommands and a message command, when the bot overwrites global and guild commands, then both are accepted and echoed as Discord stores them', async () => {
    await loginReady(client);

    await client.application!.commands.set([adminCommand, { name: 'Ask about this', type: 3 }]);
    await client.application!.commands.set([{ name: 'Ask about this', type: 3 }], fake.guildId);

    expect(fake.globalCommands.map((command) => [command.name, command.type, command.description])).toEqual([
      ['admin', 1, 'Admin tools'],
      ['Ask about this', 3, ''],
    ]);
    expect(fake.globalCommands[0]?.options[0].options[0].options[0]).toMatchObject({
      type: 11,
      name: 'file',
      required: true,
    });
    expect(fake.guildCommands.get(fake.guildId)?.map((command) => command.name)).toEqual(['Ask about this']);
  });

  it.each<[string, JsonObject[], string, string]>([
    [
      'an upper-case slash command name',
      [{ name: 'Ask', description: 'd' }],
      '0.name',
      'APPLICATION_COMMAND_INVALID_NAME',
    ],
    [
      'a slash command name with a space',
      [{ name: 'ask me', description: 'd' }],
      '0.name',
      'APPLICATION_COMMAND_INVALID_NAME',
    ],
    ['a message command name of 33 characters', [{ name: 'A'.repeat(33), type: 3 }], '0.name', 'BASE_TYPE_BAD_LENGTH'],
    ['a slash command without description', [{ name: 'ask' }], '0.description', 'BASE_TYPE_BAD_LENGTH'],
    [
      'a message command with a description',
      [{ name: 'Ask about this', type: 3, description: 'not allowed' }],
      '0.description',
      'BASE_TYPE_MAX_LENGTH',
    ],
    [
      '26 options',
      [
        {
          name: 'ask',
          description: 'd',
          options: Array.from({ length: 26 }, (_, index) => ({ name: `o${index}`, description: 'd', type: 3 })),
        },
      ],
      '0.options',
      'BASE_TYPE_MAX_LENGTH',
    ],
    [
      'a required option after an optional one',
      [
        {
          name: 'ask',
          description: 'd',
          options: [
            { name: 'a', description: 'd', type: 3 },
            { name: 'b', description: 'd', type: 3, required: true },
          ],
        },
      ],
      '0.options.1',
      'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
    ],
    [
      'a subcommand beside a plain option',
      [
        {
          name: 'admin',
          description: 'd',
          options: [
            { name: 'status', description: 'd', type: 1 },
            { name: 'x', description: 'd', type: 3 },
          ],
        },
      ],
      '0.options',
      'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID',
    ],
    [
      'a group inside a subcommand',
      [
        {
          name: 'admin',
          description: 'd',
          options: [{ name: 's', description: 'd', type: 1, options: [{ name: 'g', description: 'd', type: 2 }] }],
        },
      ],
      '0.options.0.options.0.type',
      'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID',
    ],
    [
      'an option without description',
      [{ name: 'ask', description: 'd', options: [{ name: 'q', type: 3 }] }],
      '0.options.0.description',
      'BASE_TYPE_BAD_LENGTH',
    ],
    [
      '26 choices',
      [
        {
          name: 'ask',
          description: 'd',
          options: [
            {
              name: 'q',
              description: 'd',
              type: 3,
              choices: Array.from({ length: 26 }, (_, index) => ({ name: `c${index}`, value: `${index}` })),
            },
          ],
        },
      ],
      '0.options.0.choices',
      'BASE_TYPE_MAX_LENGTH',
    ],
    [
      'two slash commands named alike',
      [
        { name: 'ask', description: 'd' },
        { name: 'ask', description: 'd' },
      ],
      '1',
      'APPLICATION_COMMANDS_DUPLICATE_NAME',
    ],
    [
      'a localized name in upper case',
      [{ name: 'ask', description: 'd', name_localizations: { fr: 'Demander' } }],
      '0.name_localizations.fr',
      'APPLICATION_COMMAND_INVALID_NAME',
    ],
  ])(
    'given %s, when the bot overwrites its commands, then the fake refuses all of them like Discord (50035 at the field)',
    async (_case, commands, path, code) => {
      await loginReady(client);

      const refused = await refusal(
        client.rest.put(Routes.applicationCommands(fake.applicationId), { body: commands }),
      );

      expect([refused.status, refused.code]).toEqual([400, 50035]);
      expect(codesAt(refused.errors, path)).toContain(code);
      expect(fake.globalCommands).toEqual([]);
    },
  );

  it('given a slash command and a message command of one name, then both are accepted: names are unique per type', async () => {
    await loginReady(client);
    await client.application!.commands.set([
      { name: 'ask', description: 'd' },
      { name: 'ask', type: 3 },
    ]);
    expect(fake.globalCommands.map((command) => command.type)).toEqual([1, 3]);
  });
});
