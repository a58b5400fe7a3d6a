/**
 * Application commands the bot registers: global and per-guild lists, replaced by bulk overwrite
 * (PUT) or created one by one, checked and echoed back with ids as Discord does.
 */
import { ApplicationCommandType, RESTJSONErrorCodes } from 'discord-api-types/v10';
import { validateCommand, validateCommandList } from './command-validation.js';
import { invalidFormBody, notFound } from './http-errors.js';
import type { RestServer } from './rest-server.js';
import { snowflake } from './snowflake.js';
import type { JsonObject } from './types.js';
import type { World } from './world.js';

const typeOf = (command: JsonObject): number => command.type ?? ApplicationCommandType.ChatInput;

/** Command names are unique per type: a chat input and a message command may share one. */
const sameCommand = (one: JsonObject, other: JsonObject): boolean =>
  one.name === other.name && typeOf(one) === typeOf(other);

export class CommandRegistry {
  /** Global commands as last PUT/POSTed by the bot. */
  globalCommands: JsonObject[] = [];
  /** Guild commands by guild id. */
  readonly guildCommands = new Map<string, JsonObject[]>();

  constructor(private readonly world: World) {}

  /** A registered command usable in the fake's guild (global or guild-scoped), by name (and type). */
  find(name: string, type?: ApplicationCommandType): JsonObject | undefined {
    return [...this.globalCommands, ...(this.guildCommands.get(this.world.guildId) ?? [])].find(
      (command) => command.name === name && (type === undefined || typeOf(command) === type),
    );
  }

  /** The definition of an option, along a path of names (group, subcommand, option; absent ones skipped). */
  optionDefinition(command: JsonObject, path: Array<string | undefined>): JsonObject | undefined {
    let options: JsonObject[] = command.options ?? [];
    let found: JsonObject | undefined;
    for (const name of path) {
      if (name === undefined) continue;
      found = options.find((option) => option.name === name);
      if (!found) return undefined;
      options = found.options ?? [];
    }
    return found;
  }

  installRoutes(rest: RestServer): void {
    const requireApplication = (applicationId: string): void => {
      if (applicationId !== this.world.applicationId)
        throw notFound(RESTJSONErrorCodes.UnknownApplication, 'Unknown Application');
    };
    rest.route('PUT', '/applications/:application/commands', (request, parameters) => {
      rest.requireBotAuth(request);
      requireApplication(parameters.application!);
      this.globalCommands = this.replaceAll(request.body, null);
      return { status: 200, body: this.globalCommands };
    });
    rest.route('GET', '/applications/:application/commands', (request, parameters) => {
      rest.requireBotAuth(request);
      requireApplication(parameters.application!);
      return { status: 200, body: this.globalCommands };
    });
    rest.route('POST', '/applications/:application/commands', (request, parameters) => {
      rest.requireBotAuth(request);
      requireApplication(parameters.application!);
      const body: JsonObject = request.body ?? {};
      validateCommand(body).throwIfAny();
      const existing = this.globalCommands.find((command) => sameCommand(command, body));
      const command = this.commandObject(body, null, existing?.id);
      this.globalCommands = [...this.globalCommands.filter((other) => !sameCommand(other, command)), command];
      // 201 for a new command, 200 when it replaced one of the same name.
      return { status: existing ? 200 : 201, body: command };
    });
    rest.route('DELETE', '/applications/:application/commands/:command', (request, parameters) => {
      rest.requireBotAuth(request);
      requireApplication(parameters.application!);
      const before = this.globalCommands.length;
      this.globalCommands = this.globalCommands.filter((command) => command.id !== parameters.command);
      if (before === this.globalCommands.length)
        throw notFound(RESTJSONErrorCodes.UnknownApplicationCommand, 'Unknown application command');
      return { status: 204 };
    });
    rest.route('PUT', '/applications/:application/guilds/:guild/commands', (request, parameters) => {
      rest.requireBotAuth(request);
      requireApplication(parameters.application!);
      this.world.requireGuildAccess(parameters.guild!);
      const commands = this.replaceAll(request.body, parameters.guild!);
      this.guildCommands.set(parameters.guild!, commands);
      return { status: 200, body: commands };
    });
    rest.route('GET', '/applications/:application/guilds/:guild/commands', (request, parameters) => {
      rest.requireBotAuth(request);
      requireApplication(parameters.application!);
      return { status: 200, body: this.guildCommands.get(parameters.guild!) ?? [] };
    });
  }

  /** A bulk overwrite: all valid or nothing changes; commands keep their ids when one of the same name and type existed. */
  private replaceAll(list: unknown, guildId: string | null): JsonObject[] {
    if (!Array.isArray(list)) {
      throw invalidFormBody([
        { path: [], code: 'LIST_TYPE_CONVERT', message: 'Only iterables may be used in a ListType' },
      ]);
    }
    validateCommandList(list).throwIfAny();
    const previous = guildId ? (this.guildCommands.get(guildId) ?? []) : this.globalCommands;
    return list.map((command: JsonObject) =>
      this.commandObject(command, guildId, previous.find((old) => sameCommand(old, command))?.id),
    );
  }

  /** The command as Discord stores and returns it, defaults filled in. */
  private commandObject(command: JsonObject, guildId: string | null, existingId?: string): JsonObject {
    return {
      id: existingId ?? snowflake(),
      application_id: this.world.applicationId,
      version: snowflake(),
      type: typeOf(command),
      name: command.name,
      name_localizations: command.name_localizations ?? null,
      // Context menu commands have no description; Discord returns an empty string for them.
      description: command.description ?? '',
      description_localizations: command.description_localizations ?? null,
      options: command.options ?? [],
      default_member_permissions: command.default_member_permissions ?? null,
      dm_permission: command.dm_permission ?? true,
      contexts: command.contexts ?? null,
      integration_types: command.integration_types ?? [0],
      nsfw: command.nsfw ?? false,
      ...(guildId ? { guild_id: guildId } : {}),
    };
  }
}
