import { HTTPError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import {
  handleUnhandledRejection,
  onUnhandledRejection,
  type RejectionOrigin,
} from '../../src/bot/unhandled-rejections.js';
import { capturingLogger } from '../support/fixtures.js';

function fromFrame(file: string): Error {
  const error = new Error('Cannot read properties of undefined');
  error.stack = `TypeError: ${error.message}\n    at connect (${file}:12:5)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`;
  return error;
}

function handle(reason: unknown) {
  const captured = capturingLogger();
  let restarts = 0;
  const counted: RejectionOrigin[] = [];
  const stopCounting = onUnhandledRejection((origin) => counted.push(origin));
  try {
    const origin = handleUnhandledRejection(reason, { logger: captured.logger, restart: () => restarts++ });
    return { origin, restarts, counted, lines: captured.lines() };
  } finally {
    stopCounting();
  }
}

const networkError = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

describe('given a promise rejection nobody handled', () => {
  it.each([
    ['a Discord REST error', new HTTPError(503, 'Service Unavailable', 'POST', '/interactions', {}), 'discord'],
    ['a reset connection', networkError, 'network'],
    [
      'an error thrown inside the gateway library',
      fromFrame('/app/node_modules/@discordjs/ws/dist/index.js'),
      'discord',
    ],
  ])('then from %s it is logged with its origin, counted, and the bot carries on', (_, reason, origin) => {
    const handled = handle(reason);
    expect(handled.origin).toBe(origin);
    expect(handled.restarts).toBe(0);
    expect(handled.counted).toEqual([origin]);
    expect(handled.lines).toEqual([
      expect.objectContaining({
        level: 50,
        origin,
        err: expect.objectContaining({ message: reason.message }),
      }),
    ]);
  });

  it.each([
    ['the index swap', fromFrame('/app/dist/core/knowledge-base.js')],
    ['something that is not even an error', 'a string'],
  ])('then from %s it is logged as fatal, counted, and the bot stops for its supervisor to restart it', (_, reason) => {
    const handled = handle(reason);
    expect(handled.origin).toBe('program');
    expect(handled.restarts).toBe(1);
    expect(handled.counted).toEqual(['program']);
    expect(handled.lines).toEqual([expect.objectContaining({ level: 60, origin: 'program' })]);
  });
});
