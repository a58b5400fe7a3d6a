/**
 * The state of a button or select menu lives in its custom_id, so it works
 * after a restart and days later: a versioned prefix (bump the version when
 * a layout changes, and the router then answers old buttons plainly), an
 * action, the user the message was made for, and what the action needs —
 * passage references (see core/index/passage-refs.ts), an answer id, a topic.
 * Discord allows 100 characters.
 */

export const CUSTOM_ID_LIMIT = 100;

/** Buttons and selects on answers. */
export const ANSWER_PREFIX = 'ans1';
/** Buttons and selects of /read. */
export const READ_PREFIX = 'read1';

export type AnswerAction =
  | 'more' // the next passages of the ranking: refs
  | 'context' // a quoted passage with its neighbours: ref (a button) or none (a select: the values are refs)
  | 'up' // 👍: the answer id
  | 'down' // 👎: the answer id
  | 'share' // post a private answer publicly
  | 'closest' // a declined question's closest passage: ref
  | 'example'; // ask an example question: the topic

export type ReadAction =
  | 'page' // a page starting at a passage: ref
  | 'back' // the page ending at a passage: ref
  | 'section'; // a select: the value is the section's first passage's ref

const ACTION_CODES = {
  more: 'm',
  context: 'c',
  up: 'u',
  down: 'd',
  share: 's',
  closest: 'x',
  example: 'q',
  page: 'p',
  back: 'b',
  section: 'n',
} as const satisfies Record<AnswerAction | ReadAction, string>;

const ACTIONS_BY_CODE = new Map<string, string>(Object.entries(ACTION_CODES).map(([action, code]) => [code, action]));

export interface ComponentState<Action extends string> {
  action: Action;
  /** The user the message was made for (the asker, the reader). */
  owner: string;
  /** What the action needs; never contains ':'. */
  data: string;
}

/** Builds a custom_id; throws if it would exceed Discord's 100 characters (a bug, not a user's problem). */
export function encodeCustomId<Action extends AnswerAction | ReadAction>(
  prefix: string,
  state: ComponentState<Action>,
): string {
  const customId = `${prefix}:${ACTION_CODES[state.action]}:${state.owner}:${state.data}`;
  if ([...customId].length > CUSTOM_ID_LIMIT) throw new RangeError(`custom_id over ${CUSTOM_ID_LIMIT} characters`);
  return customId;
}

/** Reads a custom_id built by {@link encodeCustomId}, or undefined for one this version does not know. */
export function decodeCustomId<Action extends AnswerAction | ReadAction>(
  prefix: string,
  customId: string,
): ComponentState<Action> | undefined {
  const [givenPrefix, code, owner, ...rest] = customId.split(':');
  const action = code === undefined ? undefined : ACTIONS_BY_CODE.get(code);
  if (givenPrefix !== prefix || !action || owner === undefined) return undefined;
  return { action: action as Action, owner, data: rest.join(':') };
}

/** Several passage references in one field. */
export const joinRefs = (refs: readonly string[]) => refs.join('.');
export const splitRefs = (data: string) => data.split('.').filter(Boolean);
