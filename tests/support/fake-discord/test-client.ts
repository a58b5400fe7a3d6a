/**
 * What the tests of the fake Discord share: a fresh fake and a real discord.js Client for each
 * test (useFakeDiscord), logging in, and small helpers for files, components and refusals.
 */
import { ButtonStyle, Client, ComponentType, Events, GatewayIntentBits, Partials, Routes } from 'discord.js';
import type {
  APIActionRowComponent,
  APIComponentInMessageActionRow,
  ChatInputCommandInteraction,
  Interaction,
} from 'discord.js';
import { afterEach, beforeEach } from 'vitest';
import { FakeDiscord } from './fake.js';
import type { JsonObject, MessageRecord } from './types.js';

const HEARTBEAT_MS = 250;

/** The fake and the client of the running test; set by {@link useFakeDiscord}. */
export let fake: FakeDiscord;
export let client: Client;

function makeClient(): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages],
    partials: [Partials.Channel],
    ...fake.clientOptions(),
  });
}

/** Gives every test of the calling file a fresh fake and a client pointed at it, and closes both after. */
export function useFakeDiscord(): void {
  beforeEach(async () => {
    fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS });
    client = makeClient();
  });

  afterEach(async () => {
    await client.destroy();
    await fake.close();
  });
}

export async function loginReady(c: Client): Promise<void> {
  const ready = new Promise<void>((resolve) => c.once(Events.ClientReady, () => resolve()));
  await c.login(fake.token);
  await ready;
}

/** Answers every chat-input interaction with deferReply() + editReply(). */
export function answerWithDeferThenEdit(c: Client, content: (i: ChatInputCommandInteraction) => string): void {
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

/** A 3×2 PNG: just enough of one for Discord (and the fake) to read its size. */
export const PNG_3_BY_2 = Buffer.concat([
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
  Buffer.from([0, 0, 0, 3, 0, 0, 0, 2]),
  Buffer.from('0806000000', 'hex'),
]);

/** Discord's refusal of a request: status, JSON code and the field errors. */
export async function refusal(
  request: Promise<unknown>,
): Promise<{ status: number; code: number; errors: JsonObject }> {
  const error = await request.then(
    () => {
      throw new Error('expected Discord to refuse the request');
    },
    (rejected: unknown) => rejected as { status: number; code: number; rawError?: { errors?: JsonObject } },
  );
  return { status: error.status, code: error.code, errors: error.rawError?.errors ?? {} };
}

/** The error codes Discord lists at a field path, e.g. `components.0.components.5`. */
export function codesAt(errors: JsonObject, path: string): string[] {
  const node = path === '' ? errors : path.split('.').reduce<JsonObject | undefined>((at, key) => at?.[key], errors);
  return (node?._errors ?? []).map((error: { code: string }) => error.code);
}

export async function download(url: string): Promise<{ status: number; bytes: Buffer; contentType: string | null }> {
  const response = await fetch(url);
  return {
    status: response.status,
    bytes: Buffer.from(await response.arrayBuffer()),
    contentType: response.headers.get('content-type'),
  };
}

export const button = (customId: string, label = customId): JsonObject => ({
  type: ComponentType.Button,
  style: ButtonStyle.Primary,
  custom_id: customId,
  label,
});
export const row = (...components: JsonObject[]): APIActionRowComponent<APIComponentInMessageActionRow> => ({
  type: ComponentType.ActionRow,
  components: components as APIComponentInMessageActionRow[],
});

/** Posts a message as the bot through discord.js's REST client; resolves with the fake's record of it. */
export async function botPosts(body: JsonObject, channelId = fake.textChannelId): Promise<MessageRecord> {
  const sent = (await client.rest.post(Routes.channelMessages(channelId), { body })) as { id: string };
  return fake.messages.find((message) => message.id === sent.id)!;
}
