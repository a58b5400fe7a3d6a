import { Events, Routes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { client, download, fake, loginReady, PNG_3_BY_2, refusal, useFakeDiscord } from './test-client.js';
import type { JsonObject } from './types.js';

useFakeDiscord();

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
