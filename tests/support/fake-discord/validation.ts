/**
 * What Discord checks in a message body before accepting it (its documented limits), and who a
 * message pings under its allowed_mentions rules.
 */
import { ButtonStyle, ComponentType, MessageFlags, RESTJSONErrorCodes } from 'discord-api-types/v10';
import { errorBody, FieldErrors, HttpError } from './http-errors.js';
import type { JsonObject, Pings, UploadedFile } from './types.js';

/** Discord's default upload limit per file (10 MiB), which interactions announce as attachment_size_limit. */
export const ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;
const MAX_CONTENT = 2000;
const MAX_EMBEDS = 10;
const MAX_EMBED_FIELDS = 25;
/** All titles, descriptions, field names and values, footers and author names of a message's embeds. */
const MAX_EMBEDS_TOTAL = 6000;

const characters = (text: unknown): number => (typeof text === 'string' ? [...text].length : 0);

function checkEmbeds(embeds: JsonObject[], errors: FieldErrors): void {
  if (embeds.length > MAX_EMBEDS)
    errors.add(['embeds'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_EMBEDS} or fewer in length.`);
  let total = 0;
  embeds.forEach((embed, embedIndex) => {
    const at = ['embeds', embedIndex];
    errors.maxLength([...at, 'title'], embed.title, 256);
    errors.maxLength([...at, 'description'], embed.description, 4096);
    errors.maxLength([...at, 'footer', 'text'], embed.footer?.text, 2048);
    errors.maxLength([...at, 'author', 'name'], embed.author?.name, 256);
    total +=
      characters(embed.title) +
      characters(embed.description) +
      characters(embed.footer?.text) +
      characters(embed.author?.name);
    const fields: JsonObject[] = Array.isArray(embed.fields) ? embed.fields : [];
    if (fields.length > MAX_EMBED_FIELDS) {
      errors.add([...at, 'fields'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_EMBED_FIELDS} or fewer in length.`);
    }
    fields.forEach((field, fieldIndex) => {
      const fieldAt = [...at, 'fields', fieldIndex];
      for (const key of ['name', 'value'] as const) {
        if (typeof field[key] !== 'string' || field[key].length === 0) errors.required([...fieldAt, key]);
      }
      errors.maxLength([...fieldAt, 'name'], field.name, 256);
      errors.maxLength([...fieldAt, 'value'], field.value, 1024);
      total += characters(field.name) + characters(field.value);
    });
  });
  if (total > MAX_EMBEDS_TOTAL) {
    errors.add(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${MAX_EMBEDS_TOTAL}`);
  }
}

const MAX_ACTION_ROWS = 5;
const MAX_BUTTONS_PER_ROW = 5;
const MAX_CUSTOM_ID = 100;
const MAX_BUTTON_LABEL = 80;
const MAX_SELECT_OPTIONS = 25;
const MAX_SELECT_OPTION_TEXT = 100;
const SELECT_TYPES: readonly number[] = [
  ComponentType.StringSelect,
  ComponentType.UserSelect,
  ComponentType.RoleSelect,
  ComponentType.MentionableSelect,
  ComponentType.ChannelSelect,
];

/** Interactive components and where they sit, for the message-wide custom_id check. */
type Located = Array<{ component: JsonObject; at: Array<string | number> }>;

function checkButton(button: JsonObject, at: Array<string | number>, errors: FieldErrors): void {
  errors.maxLength([...at, 'label'], button.label, MAX_BUTTON_LABEL);
  if (button.style === ButtonStyle.Link) {
    if (typeof button.url !== 'string' || button.url.length === 0)
      errors.add([...at, 'url'], 'BUTTON_COMPONENT_URL_REQUIRED', 'A url is required');
    errors.maxLength([...at, 'url'], button.url, 512);
    if (button.custom_id !== undefined) {
      errors.add(
        [...at, 'custom_id'],
        'BUTTON_COMPONENT_CUSTOM_ID_URL_MUTUALLY_EXCLUSIVE',
        'A custom id and url cannot both be specified',
      );
    }
  } else if (button.style !== ButtonStyle.Premium) {
    if (typeof button.custom_id !== 'string' || button.custom_id.length === 0) {
      errors.add([...at, 'custom_id'], 'BUTTON_COMPONENT_CUSTOM_ID_REQUIRED', 'A custom id is required');
    }
  }
}

function checkStringSelect(select: JsonObject, at: Array<string | number>, errors: FieldErrors): void {
  errors.maxLength([...at, 'placeholder'], select.placeholder, 150);
  const options: JsonObject[] = Array.isArray(select.options) ? select.options : [];
  if (options.length < 1 || options.length > MAX_SELECT_OPTIONS) {
    errors.add([...at, 'options'], 'BASE_TYPE_BAD_LENGTH', `Must be between 1 and ${MAX_SELECT_OPTIONS} in length.`);
  }
  const values = new Set<string>();
  options.forEach((option, index) => {
    const optionAt = [...at, 'options', index];
    for (const key of ['label', 'value'] as const) {
      if (typeof option[key] !== 'string' || option[key].length === 0) errors.required([...optionAt, key]);
      errors.maxLength([...optionAt, key], option[key], MAX_SELECT_OPTION_TEXT);
    }
    errors.maxLength([...optionAt, 'description'], option.description, MAX_SELECT_OPTION_TEXT);
    if (values.has(option.value)) {
      errors.add(
        [...optionAt, 'value'],
        'SELECT_COMPONENT_OPTION_VALUE_DUPLICATED',
        'The specified option value is already used',
      );
    }
    values.add(option.value);
  });
  const maxValues = select.max_values ?? 1;
  if (maxValues > options.length && options.length > 0) {
    errors.add([...at, 'options'], 'BASE_TYPE_MIN_LENGTH', `Must be ${maxValues} or more in length.`);
  }
}

/** One action row: up to 5 buttons, or a single select (a select takes the whole width). */
function checkActionRow(row: JsonObject, at: Array<string | number>, errors: FieldErrors, interactive: Located): void {
  const children: JsonObject[] = Array.isArray(row.components) ? row.components : [];
  if (children.length < 1 || children.length > MAX_BUTTONS_PER_ROW) {
    errors.add(
      [...at, 'components'],
      'BASE_TYPE_BAD_LENGTH',
      `Must be between 1 and ${MAX_BUTTONS_PER_ROW} in length.`,
    );
  }
  const hasSelect = children.some((child) => SELECT_TYPES.includes(child.type));
  children.forEach((child, index) => {
    const childAt = [...at, 'components', index];
    if (hasSelect && index > 0) {
      errors.add(childAt, 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
    }
    if (child.type === ComponentType.Button) checkButton(child, childAt, errors);
    if (child.type === ComponentType.StringSelect) checkStringSelect(child, childAt, errors);
    const missingCustomId = typeof child.custom_id !== 'string' || child.custom_id.length === 0;
    if (SELECT_TYPES.includes(child.type) && missingCustomId) errors.required([...childAt, 'custom_id']);
    if (typeof child.custom_id === 'string') interactive.push({ component: child, at: childAt });
  });
}

/**
 * Message components: at most 5 action rows, each checked as above; custom_ids of 1–100 characters,
 * unique within the message. Components V2 layouts (flag 1 << 15) are checked only where they hold
 * action rows and interactive components.
 */
function checkComponents(message: JsonObject, errors: FieldErrors): void {
  if (!Array.isArray(message.components)) return;
  const componentsV2 = (Number(message.flags ?? 0) & MessageFlags.IsComponentsV2) !== 0;
  const rows: JsonObject[] = message.components;
  if (!componentsV2 && rows.length > MAX_ACTION_ROWS) {
    errors.add(['components'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_ACTION_ROWS} or fewer in length.`);
  }
  const interactive: Located = [];
  const visit = (component: JsonObject, at: Array<string | number>, topLevel: boolean): void => {
    if (component?.type === ComponentType.ActionRow) {
      checkActionRow(component, at, errors, interactive);
    } else if (topLevel && !componentsV2) {
      // Without Components V2 a message's top level holds action rows only (the code here is the fake's wording).
      errors.add([...at, 'type'], 'BASE_TYPE_CHOICES', `Value must be one of (${ComponentType.ActionRow},).`);
    } else if (componentsV2) {
      if (typeof component?.custom_id === 'string') interactive.push({ component, at });
      const children: JsonObject[] = Array.isArray(component?.components) ? component.components : [];
      children.forEach((child, index) => visit(child, [...at, 'components', index], false));
      if (component?.accessory) visit(component.accessory, [...at, 'accessory'], false);
    }
  };
  rows.forEach((row, index) => visit(row, ['components', index], true));
  const seen = new Set<string>();
  for (const { component, at } of interactive) {
    errors.lengthBetween([...at, 'custom_id'], component.custom_id, 1, MAX_CUSTOM_ID);
    if (seen.has(component.custom_id)) {
      errors.add([...at, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
    }
    seen.add(component.custom_id);
  }
}

export interface MessageBodyRules {
  /** Creating a message (not editing one): it must end up with something to show. */
  requireNonEmpty: boolean;
  /** Where the message sits in the request body, e.g. `data` in an interaction callback. */
  prefix?: string[];
}

/** The error Discord would answer this message body with, or null if it would accept it. */
export function validateMessageBody(
  body: JsonObject | null,
  files: UploadedFile[],
  rules: MessageBodyRules,
): HttpError | null {
  // Discord refuses an oversized upload before reading the rest of the body.
  if (files.some((file) => file.size > ATTACHMENT_SIZE_LIMIT)) {
    return new HttpError(413, errorBody(RESTJSONErrorCodes.RequestEntityTooLarge, 'Request entity too large'));
  }
  const message = body ?? {};
  const errors = new FieldErrors(rules.prefix ?? []);
  errors.maxLength(['content'], message.content, MAX_CONTENT);
  const embeds: JsonObject[] = Array.isArray(message.embeds) ? message.embeds : [];
  checkEmbeds(embeds, errors);
  checkComponents(message, errors);
  if (!errors.empty) return errors.toError();
  if (rules.requireNonEmpty) {
    const hasContent = typeof message.content === 'string' && message.content.length > 0;
    const hasSomethingElse =
      embeds.length > 0 ||
      files.length > 0 ||
      (Array.isArray(message.components) && message.components.length > 0) ||
      (Array.isArray(message.sticker_ids) && message.sticker_ids.length > 0) ||
      (Array.isArray(message.attachments) && message.attachments.length > 0) ||
      (message.poll !== undefined && message.poll !== null);
    if (!hasContent && !hasSomethingElse) {
      return new HttpError(400, errorBody(RESTJSONErrorCodes.CannotSendAnEmptyMessage, 'Cannot send an empty message'));
    }
  }
  return null;
}

/** Who a message pings, per Discord's allowed_mentions semantics. */
export function computePings(content: string, allowed: JsonObject | undefined, replyAuthorId: string | null): Pings {
  const users = [...new Set([...content.matchAll(/<@!?(\d+)>/g)].map((match) => match[1]!))];
  const roles = [...new Set([...content.matchAll(/<@&(\d+)>/g)].map((match) => match[1]!))];
  const everyone = /@(everyone|here)/.test(content);
  if (!allowed) {
    return { users, roles, everyone, repliedUser: replyAuthorId !== null };
  }
  const parse: string[] = Array.isArray(allowed.parse) ? allowed.parse : [];
  const allowedUsers: string[] = Array.isArray(allowed.users) ? allowed.users : [];
  const allowedRoles: string[] = Array.isArray(allowed.roles) ? allowed.roles : [];
  return {
    users: parse.includes('users') ? users : users.filter((user) => allowedUsers.includes(user)),
    roles: parse.includes('roles') ? roles : roles.filter((role) => allowedRoles.includes(role)),
    everyone: everyone && parse.includes('everyone'),
    repliedUser: replyAuthorId !== null && allowed.replied_user === true,
  };
}

const MAX_AUTOCOMPLETE_CHOICES = 25;

/** An APPLICATION_COMMAND_AUTOCOMPLETE_RESULT's data: at most 25 choices, names of 1–100 characters,
 *  string values of at most 100. */
export function validateAutocompleteChoices(data: JsonObject | null): HttpError | null {
  const errors = new FieldErrors(['data']);
  const choices: unknown = data?.choices;
  if (!Array.isArray(choices)) {
    errors.required(['choices']);
    return errors.toError();
  }
  errors.maxItems(['choices'], choices, MAX_AUTOCOMPLETE_CHOICES);
  choices.forEach((choice: JsonObject, index) => {
    errors.lengthBetween(['choices', index, 'name'], choice?.name, 1, 100);
    if (typeof choice?.value === 'string') errors.maxLength(['choices', index, 'value'], choice.value, 100);
    else if (typeof choice?.value !== 'number') errors.required(['choices', index, 'value']);
  });
  return errors.toError();
}
