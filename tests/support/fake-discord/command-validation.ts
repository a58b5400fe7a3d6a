/**
 * What Discord checks in the application commands a bot registers: names (lowercase and without
 * spaces for slash commands, free for context menus), descriptions (required for slash commands
 * only), at most 25 options, subcommand nesting, required options first, choices, and the 8000
 * character budget. Codes and messages are Discord's where they are known; the few the fake had
 * to word itself say so.
 */
import { ApplicationCommandOptionType, ApplicationCommandType, Locale } from 'discord-api-types/v10';
import { FieldErrors } from './http-errors.js';
import type { JsonObject } from './types.js';

type Path = Array<string | number>;

/** Slash command and option names (Discord's documented pattern, with the unicode flag). */
const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const MAX_OPTIONS = 25;
const MAX_CHOICES = 25;
const MAX_COMMAND_SIZE = 8000;
const LOCALES: readonly string[] = Object.values(Locale);
const COMMAND_TYPES: readonly number[] = [
  ApplicationCommandType.ChatInput,
  ApplicationCommandType.User,
  ApplicationCommandType.Message,
  ApplicationCommandType.PrimaryEntryPoint,
];
const OPTION_TYPES: readonly number[] = Object.values(ApplicationCommandOptionType).filter(
  (value): value is number => typeof value === 'number',
);
const SUBCOMMANDS: readonly number[] = [
  ApplicationCommandOptionType.Subcommand,
  ApplicationCommandOptionType.SubcommandGroup,
];
const WITH_CHOICES: readonly number[] = [
  ApplicationCommandOptionType.String,
  ApplicationCommandOptionType.Integer,
  ApplicationCommandOptionType.Number,
];

const enumChoices = (values: readonly (number | string)[]): string => `Value must be one of (${values.join(', ')}).`;

/** Name and description localizations follow the rules of the field they translate. */
function checkNameAndDescription(definition: JsonObject, at: Path, chatInput: boolean, errors: FieldErrors): void {
  checkName(definition.name, [...at, 'name'], chatInput, errors);
  checkLocalizations(definition.name_localizations, [...at, 'name_localizations'], errors, (value, valueAt) =>
    checkName(value, valueAt, chatInput, errors),
  );
  if (!chatInput) return;
  errors.lengthBetween([...at, 'description'], definition.description, 1, 100);
  checkLocalizations(
    definition.description_localizations,
    [...at, 'description_localizations'],
    errors,
    (value, valueAt) => errors.lengthBetween(valueAt, value, 1, 100),
  );
}

/** A `min_length` or `max_length` outside 0 (or 1) to 6000. */
function checkLengthLimit(option: JsonObject, key: 'min_length' | 'max_length', at: Path, errors: FieldErrors): void {
  const value = option[key];
  if (value === undefined) return;
  if (value > 6000) errors.add([...at, key], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 6000.');
  const minimum = key === 'min_length' ? 0 : 1;
  if (value < minimum)
    errors.add([...at, key], 'NUMBER_TYPE_MIN', `int value should be greater than or equal to ${minimum}.`);
}

function checkName(name: unknown, at: Path, chatInput: boolean, errors: FieldErrors): void {
  if (typeof name !== 'string' || name.length === 0) {
    errors.required(at);
    return;
  }
  if ([...name].length > 32) errors.lengthBetween(at, name, 1, 32);
  else if (chatInput && (!CHAT_INPUT_NAME.test(name) || name !== name.toLowerCase())) {
    errors.add(at, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  }
}

/** Localization dictionaries: keys are Discord's locales, values follow the field's own rules. */
function checkLocalizations(
  localizations: unknown,
  at: Path,
  errors: FieldErrors,
  checkValue: (value: unknown, at: Path) => void,
): void {
  if (localizations === undefined || localizations === null) return;
  for (const [locale, value] of Object.entries(localizations as JsonObject)) {
    if (!LOCALES.includes(locale)) errors.add([...at, locale], 'BASE_TYPE_CHOICES', enumChoices(LOCALES));
    else checkValue(value, [...at, locale]);
  }
}

function checkChoices(option: JsonObject, at: Path, errors: FieldErrors): void {
  const choices: unknown = option.choices;
  if (choices === undefined) return;
  if (!WITH_CHOICES.includes(option.type)) {
    // Only string, integer and number options take choices (the fake's wording).
    errors.add([...at, 'choices'], 'BASE_TYPE_MAX_LENGTH', 'Must be 0 or fewer in length.');
    return;
  }
  if (!Array.isArray(choices)) return;
  errors.maxItems([...at, 'choices'], choices, MAX_CHOICES);
  if (option.autocomplete === true && choices.length > 0) {
    // Discord refuses autocomplete with choices (documented); the code here is the fake's wording.
    errors.add(
      [...at, 'autocomplete'],
      'APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_WITH_CHOICES',
      'Autocomplete cannot be set together with choices',
    );
  }
  choices.forEach((choice: JsonObject, index) => {
    const choiceAt = [...at, 'choices', index];
    errors.lengthBetween([...choiceAt, 'name'], choice?.name, 1, 100);
    const wantsString = option.type === ApplicationCommandOptionType.String;
    if (wantsString ? typeof choice?.value !== 'string' : typeof choice?.value !== 'number')
      errors.required([...choiceAt, 'value']);
    if (wantsString) errors.maxLength([...choiceAt, 'value'], choice?.value, 100);
  });
}

/**
 * One level of options: at most 25, unique names, subcommands (or groups) not mixed with other
 * types, required options before optional ones. `depth` 0 is the command's own options.
 */
function checkOptions(options: unknown, at: Path, depth: number, parentType: number | null, errors: FieldErrors): void {
  if (options === undefined || options === null) return;
  if (!Array.isArray(options)) {
    errors.add(at, 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
    return;
  }
  errors.maxItems(at, options, MAX_OPTIONS);
  const subcommands = options.filter((option: JsonObject) => SUBCOMMANDS.includes(option?.type));
  if (subcommands.length > 0 && subcommands.length < options.length) {
    const message = 'Sub-command and sub-command group option types are mutually exclusive to all other types';
    errors.add(at, 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', message);
  }
  const names = new Set<string>();
  let optionalSeen = false;
  options.forEach((option: JsonObject, index) => {
    const optionAt = [...at, index];
    const type = option?.type;
    if (!OPTION_TYPES.includes(type)) {
      errors.add([...optionAt, 'type'], 'BASE_TYPE_CHOICES', enumChoices(OPTION_TYPES));
      return;
    }
    // Only nesting allowed: command → group → subcommand → options, or command → subcommand → options.
    const nestingOk =
      (type === ApplicationCommandOptionType.SubcommandGroup && depth === 0) ||
      (type === ApplicationCommandOptionType.Subcommand &&
        (depth === 0 || parentType === ApplicationCommandOptionType.SubcommandGroup)) ||
      (!SUBCOMMANDS.includes(type) && parentType !== ApplicationCommandOptionType.SubcommandGroup);
    if (!nestingOk)
      errors.add([...optionAt, 'type'], 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Invalid option type specified');
    checkNameAndDescription(option, optionAt, true, errors);
    if (typeof option.name === 'string') {
      // Unique names per level (the wording is the fake's; Discord's is not documented).
      if (names.has(option.name))
        errors.add(
          [...optionAt, 'name'],
          'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS',
          'Option name already used',
        );
      names.add(option.name);
    }
    if (SUBCOMMANDS.includes(type)) {
      checkOptions(option.options, [...optionAt, 'options'], depth + 1, type, errors);
      return;
    }
    if (option.required === true && optionalSeen) {
      errors.add(
        optionAt,
        'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
        'Required options must be placed before non-required options',
      );
    }
    if (option.required !== true) optionalSeen = true;
    checkChoices(option, optionAt, errors);
    checkLengthLimit(option, 'min_length', optionAt, errors);
    checkLengthLimit(option, 'max_length', optionAt, errors);
  });
}

/** Names, descriptions and choice names and values, over the command, its subcommands and options. */
function commandSize(command: JsonObject): number {
  const length = (text: unknown): number => (typeof text === 'string' ? [...text].length : 0);
  const sum = (list: unknown, measure: (item: JsonObject) => number): number =>
    Array.isArray(list) ? list.reduce((total: number, item: JsonObject) => total + measure(item), 0) : 0;
  const ofOption = (option: JsonObject): number =>
    length(option?.name) +
    length(option?.description) +
    sum(option?.choices, (choice) => length(choice?.name) + length(choice?.value)) +
    sum(option?.options, ofOption);
  return ofOption(command);
}

/** Checks one command definition; field paths start at `at` (an index in a bulk overwrite). */
export function validateCommand(definition: JsonObject | null, at: Path = [], errors = new FieldErrors()): FieldErrors {
  const command: JsonObject = definition ?? {};
  const type = command.type ?? ApplicationCommandType.ChatInput;
  if (!COMMAND_TYPES.includes(type)) {
    errors.add([...at, 'type'], 'BASE_TYPE_CHOICES', enumChoices(COMMAND_TYPES));
    return errors;
  }
  const chatInput = type === ApplicationCommandType.ChatInput;
  checkNameAndDescription(command, at, chatInput, errors);
  if (chatInput) {
    checkOptions(command.options, [...at, 'options'], 0, null, errors);
  } else {
    // User and message commands take no description and no options (Discord: "not allowed"; the wording is the fake's).
    const none = 'Must be 0 or fewer in length.';
    if (typeof command.description === 'string' && command.description.length > 0)
      errors.add([...at, 'description'], 'BASE_TYPE_MAX_LENGTH', none);
    if (Array.isArray(command.options) && command.options.length > 0)
      errors.add([...at, 'options'], 'BASE_TYPE_MAX_LENGTH', none);
  }
  if (commandSize(command) > MAX_COMMAND_SIZE)
    errors.add(at, 'APPLICATION_COMMAND_TOO_LARGE', `Command exceeds maximum size (${MAX_COMMAND_SIZE})`);
  return errors;
}

/** Checks a bulk overwrite: each command, and names unique per command type. */
export function validateCommandList(commands: JsonObject[]): FieldErrors {
  const errors = new FieldErrors();
  const seen = new Set<string>();
  commands.forEach((command, index) => {
    validateCommand(command, [index], errors);
    const key = `${command?.type ?? ApplicationCommandType.ChatInput}:${command?.name}`;
    if (seen.has(key))
      errors.add([index], 'APPLICATION_COMMANDS_DUPLICATE_NAME', 'Application command names must be unique');
    seen.add(key);
  });
  return errors;
}
