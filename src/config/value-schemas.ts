import { z } from 'zod';

// How the settings' values are checked and parsed; the table of settings itself is settings.ts.

export const snowflake = /^\d{17,20}$/;

export const booleanText = z
  .string()
  .trim()
  .toLowerCase()
  .refine((value) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(value), {
    message: 'expected true or false',
  })
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

export function integer(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, `expected a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `expected at least ${min}`).max(max, `expected at most ${max}`));
}

export const fraction = z
  .string()
  .trim()
  .regex(/^-?\d+(\.\d+)?$/, 'expected a number between 0 and 1, e.g. 0.82')
  .transform(Number)
  .pipe(z.number().min(0, 'expected at least 0').max(1, 'expected at most 1'));

export const userIds = z
  .string()
  .transform((value) => value.split(/[\s,]+/).filter(Boolean))
  .refine((ids) => ids.every((id) => snowflake.test(id)), {
    message: 'expected a comma-separated list of user ids (17–20 digit numbers)',
  });

/** `0-3`, `0,2` or `1`: shard ids and ranges of them, in any order; each id once. */
export const shardIds = z.string().transform((value, context) => {
  const ids: number[] = [];
  for (const part of value.split(/[\s,]+/).filter(Boolean)) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    const first = Number(range?.[1]);
    const last = Number(range?.[2] ?? range?.[1]);
    if (!range || last < first || last - first >= 4096) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `expected shard ids or ranges such as 0-3 or 0,2 (not "${part}")`,
      });
      return z.NEVER;
    }
    for (let id = first; id <= last; id++) ids.push(id);
  }
  if (ids.length === 0) {
    context.addIssue({ code: z.ZodIssueCode.custom, message: 'expected at least one shard id, e.g. 0 or 0-3' });
    return z.NEVER;
  }
  return [...new Set(ids)].sort((one, other) => one - other);
});

/** The URL with its password replaced by `***`, to be shown in messages and logs. */
export function maskPassword(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@\s]*:)[^@\s]*@/i, '$1***@');
}

/** A postgres:// URL; its password is never repeated in a message. */
export const databaseUrl = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\/[^\s]+$/.test(value) && URL.canParse(value), {
    message: 'expected a URL such as postgres://bot:password@db.example:5432/bot',
  });
