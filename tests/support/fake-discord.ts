/**
 * A loopback fake of Discord's REST API (v10) and gateway, for end-to-end tests of a bot
 * that runs the real discord.js Client.
 *
 *   const fake = await FakeDiscord.start({ heartbeatIntervalMs: 500 });
 *   const client = new Client({ intents, partials, ...fake.clientOptions() });
 *   await client.login(fake.token);
 *   const handle = fake.sendInteraction({ name: 'ask', options: { question: 'why?' } });
 *   const state = await handle.done;
 *   ...
 *   await client.destroy();
 *   await fake.close();
 *
 * Everything binds to 127.0.0.1 on an ephemeral port. Nothing here talks to the internet.
 * This file is the one entry point; the parts live in ./fake-discord/, one concern each.
 */
export { FakeDiscord, noIdentifyThrottle, startFakeDiscord } from './fake-discord/fake.js';
export { snowflake, snowflakeTime } from './fake-discord/snowflake.js';
export { shardOf } from './fake-discord/world.js';
export { computePings } from './fake-discord/validation.js';
export type {
  AttachmentInput,
  CdnRequest,
  CommandOptionInput,
  CommandOptionValue,
  FailRule,
  FakeDiscordOptions,
  GatewayCloseRecord,
  GatewayStats,
  InteractionCallbackRecord,
  InteractionHandle,
  InteractionState,
  InteractionUserInput,
  JsonObject,
  MessageRecord,
  MessageSource,
  Pings,
  RecordedRequest,
  SendAutocompleteInput,
  SendInteractionInput,
  SendMessageCommandInput,
  SendMessageInput,
  TargetMessageInput,
  UploadedFile,
} from './fake-discord/types.js';
