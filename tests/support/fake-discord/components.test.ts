import { ButtonStyle, ComponentType, Events, MessageFlags, Routes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { botPosts, button, client, codesAt, fake, loginReady, refusal, row, useFakeDiscord } from './test-client.js';
import type { JsonObject } from './types.js';

useFakeDiscord();

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
