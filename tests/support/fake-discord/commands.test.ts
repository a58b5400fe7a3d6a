import { Routes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { client, codesAt, fake, loginReady, refusal, useFakeDiscord } from './test-client.js';
import type { JsonObject } from './types.js';

useFakeDiscord();

describe('fake Discord with a real discord.js Client', () => {
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
