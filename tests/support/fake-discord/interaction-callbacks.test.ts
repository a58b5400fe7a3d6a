import { Events, MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { snowflakeTime } from './snowflake.js';
import { answerWithDeferThenEdit, client, fake, loginReady, useFakeDiscord } from './test-client.js';

useFakeDiscord();

describe('fake Discord with a real discord.js Client', () => {
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
});
