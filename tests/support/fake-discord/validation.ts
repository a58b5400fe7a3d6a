/**
 * What Discord checks in a message body before accepting it (its documented limits), and who a
 * message pings under its allowed_mentions rules.
 */
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import { errorBody, FieldErrors, HttpError } from './http-errors.js';
import type { JsonObject, Pings, UploadedFile } from './types.js';

const MAX_CONTENT = 2000;
const MAX_EMBEDS = 10;
const MAX_EMBED_FIELDS = 25;
/** All titles, descriptions, field names and values, footers and author names of a message's embeds. */
const MAX_EMBEDS_TOTAL = 6000;

const characters = (text: unknown): number => (typeof text === 'string' ? [...text].length : 0);

function checkEmbeds(embeds: JsonObject[], errors: FieldErrors): void {
  if (embeds.length > MAX_EMBEDS) errors.add(['embeds'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_EMBEDS} or fewer in length.`);
  let total = 0;
  embeds.forEach((embed, embedIndex) => {
    const at = ['embeds', embedIndex];
    errors.maxLength([...at, 'title'], embed.title, 256);
    errors.maxLength([...at, 'description'], embed.description, 4096);
    errors.maxLength([...at, 'footer', 'text'], embed.footer?.text, 2048);
    errors.maxLength([...at, 'author', 'name'], embed.author?.name, 256);
    total += characters(embed.title) + characters(embed.description) + characters(embed.footer?.text) + characters(embed.author?.name);
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

export interface MessageBodyRules {
  /** Creating a message (not editing one): it must end up with something to show. */
  requireNonEmpty: boolean;
  /** Where the message sits in the request body, e.g. `data` in an interaction callback. */
  prefix?: string[];
}

/** The error Discord would answer this message body with, or null if it would accept it. */
export function validateMessageBody(body: JsonObject | null, files: UploadedFile[], rules: MessageBodyRules): HttpError | null {
  const message = body ?? {};
  const errors = new FieldErrors(rules.prefix ?? []);
  errors.maxLength(['content'], message.content, MAX_CONTENT);
  const embeds: JsonObject[] = Array.isArray(message.embeds) ? message.embeds : [];
  checkEmbeds(embeds, errors);
  if (!errors.empty) return errors.toError();
  if (rules.requireNonEmpty) {
    const hasContent = typeof message.content === 'string' && message.content.length > 0;
    const hasSomethingElse =
      embeds.length > 0 ||
      files.length > 0 ||
      (Array.isArray(message.components) && message.components.length > 0) ||
      (Array.isArray(message.sticker_ids) && message.sticker_ids.length > 0) ||
      (Array.isArray(message.attachments) && message.attachments.length > 0) ||
      message.poll != null;
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
