import { ChannelType, Events, type Message } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { client, fake, loginReady, useFakeDiscord } from './test-client.js';

useFakeDiscord();

describe('fake Discord with a real discord.js Client', () => {
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
});
