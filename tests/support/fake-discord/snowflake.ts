/** Discord's epoch (the first second of 2015), which snowflake timestamps count from. */
const DISCORD_EPOCH = 1420070400000n;

/** Snowflakes made within one millisecond differ in their 12-bit increment, as Discord's do. */
let increment = 0n;

/** A realistic snowflake for "now" (timestamp bits from Date.now()). */
export function snowflake(at: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  const workerId = 1n << 17n;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | workerId | increment).toString();
}

/** Timestamp (ms) encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** ISO 8601, as Discord writes timestamps. */
export function isoTime(milliseconds: number = Date.now()): string {
  return new Date(milliseconds).toISOString();
}
