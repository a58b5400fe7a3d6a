import { Events, MessageFlags, Routes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { client, codesAt, download, fake, loginReady, PNG_3_BY_2, refusal, useFakeDiscord } from './test-client.js';
import type { JsonObject } from './types.js';

useFakeDiscord();

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

describe('a user-installed app, used where its bot is not a member', () => {
  it('given a server that did not invite the bot, then the interaction is authorized by the user alone, from a channel the bot cannot see, and reaching that channel by REST is refused and recorded', async () => {
    await loginReady(client);
    const seen: Array<{ context: unknown; owners: unknown; guildId: string | null; member: boolean }> = [];
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen.push({
        context: interaction.context,
        owners: interaction.authorizingIntegrationOwners.toJSON(),
        guildId: interaction.guildId,
        member: interaction.member !== null,
      });
      const refused = await client.rest.get(Routes.channel(interaction.channelId)).catch((error: unknown) => error);
      expect((refused as { status?: number }).status).toBe(403);
      await interaction.reply({ content: 'through the interaction', flags: MessageFlags.Ephemeral });
    });

    const state = await fake.sendInteraction({ name: 'ask', userId: '300000000000000001', userInstall: 'guild' }).done;

    expect(seen).toEqual([
      { context: 0, owners: { '1': '300000000000000001' }, guildId: fake.foreignGuildId, member: true },
    ]);
    expect(state.content).toBe('through the interaction');
    expect(fake.forbiddenRequests).toEqual([
      {
        method: 'GET',
        path: `/channels/${state.channelId}`,
        reason: `channel ${state.channelId} is one the bot cannot see`,
      },
    ]);
  });

  it('given a group DM, then the interaction has context 2, no server and no member', async () => {
    await loginReady(client);
    const seen: unknown[] = [];
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen.push([interaction.context, interaction.guildId, interaction.member, interaction.user.id]);
      await interaction.reply({ content: 'hello, friends' });
    });

    const state = await fake.sendInteraction({
      name: 'ask',
      userId: '300000000000000002',
      userInstall: 'private-channel',
    }).done;

    expect(seen).toEqual([[2, null, null, '300000000000000002']]);
    expect(state.payload.authorizing_integration_owners).toEqual({ '1': '300000000000000002' });
    expect(state.payload.member).toBeUndefined();
    expect(state.original!.guildId).toBeNull();
    expect(fake.forbiddenRequests).toEqual([]);
  });
});
