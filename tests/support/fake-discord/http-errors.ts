import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import type { JsonObject } from './types.js';

/** Discord's JSON error body: `{ message, code }`, plus `errors` for invalid form bodies. */
export function errorBody(code: number, message: string, errors?: JsonObject): JsonObject {
  return errors ? { message, code, errors } : { message, code };
}

/** Thrown by route handlers; the server answers with its status and body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: JsonObject,
  ) {
    super(body.message as string);
  }
}

export const notFound = (code: number, message: string): HttpError => new HttpError(404, errorBody(code, message));

export const unknownMessage = (): HttpError => notFound(RESTJSONErrorCodes.UnknownMessage, 'Unknown Message');

/** One problem with one field of a request body, e.g. `data.embeds.0.title` too long. */
export interface FieldError {
  path: string[];
  code: string;
  message: string;
}

/** Discord nests field errors along their path, each leaf holding `_errors`. */
function nestFieldErrors(fieldErrors: FieldError[]): JsonObject {
  const root: JsonObject = {};
  for (const fieldError of fieldErrors) {
    let node = root;
    for (const part of fieldError.path) node = node[part] ??= {};
    (node._errors ??= []).push({ code: fieldError.code, message: fieldError.message });
  }
  return root;
}

/** 400 Invalid Form Body (50035) listing every field error, as Discord answers a bad body. */
export function invalidFormBody(fieldErrors: FieldError[]): HttpError {
  return new HttpError(
    400,
    errorBody(RESTJSONErrorCodes.InvalidFormBodyOrContentType, 'Invalid Form Body', nestFieldErrors(fieldErrors)),
  );
}

/** Collects field errors under a path prefix (e.g. `data` for interaction callbacks). */
export class FieldErrors {
  readonly list: FieldError[] = [];

  constructor(private readonly prefix: string[] = []) {}

  add(path: Array<string | number>, code: string, message: string): void {
    this.list.push({ path: [...this.prefix, ...path.map(String)], code, message });
  }

  required(path: Array<string | number>): void {
    this.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
  }

  /** Strings are measured in code points, as Discord counts characters. */
  maxLength(path: Array<string | number>, value: unknown, limit: number): void {
    if (typeof value === 'string' && [...value].length > limit) {
      this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${limit} or fewer in length.`);
    }
  }

  maxItems(path: Array<string | number>, value: unknown, limit: number): void {
    if (Array.isArray(value) && value.length > limit) {
      this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${limit} or fewer in length.`);
    }
  }

  /** A string that must be present and between `minimum` and `maximum` characters long. */
  lengthBetween(path: Array<string | number>, value: unknown, minimum: number, maximum: number): void {
    const length = typeof value === 'string' ? [...value].length : 0;
    if (length < minimum || length > maximum)
      this.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${minimum} and ${maximum} in length.`);
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  /** 400 Invalid Form Body listing them all, or null if there are none. */
  toError(): HttpError | null {
    return this.empty ? null : invalidFormBody(this.list);
  }

  throwIfAny(): void {
    const error = this.toError();
    if (error) throw error;
  }
}
