import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INVITE_PERMISSIONS, inviteUrl, missingTokenHelp, userInstallUrl } from '../../src/bot/onboarding.js';
import { PROJECT_ROOT } from '../support/fixtures.js';

describe('given the invite link', () => {
  it('then it asks for the bot and applications.commands scopes and exactly the permissions the bot uses', () => {
    const url = new URL(inviteUrl('123456789012345678'));
    expect(url.origin + url.pathname).toBe('https://discord.com/oauth2/authorize');
    expect(url.searchParams.get('client_id')).toBe('123456789012345678');
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    // View Channels, Send Messages, Embed Links, Read Message History, Send Messages in Threads.
    const expected = (1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 16n) | (1n << 38n);
    expect(INVITE_PERMISSIONS).toBe(expected);
    expect(url.searchParams.get('permissions')).toBe(expected.toString());
  });

  it('then the README and the missing-token message give the same link', async () => {
    const readme = await readFile(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(inviteUrl('APPLICATION_ID'));
    expect(missingTokenHelp()).toContain(inviteUrl('YOUR_APPLICATION_ID'));
  });
});

describe('given the link that installs the app to a user’s account', () => {
  it('then it asks for the user installation with applications.commands only (no bot user, no permissions)', () => {
    const url = new URL(userInstallUrl('123456789012345678'));
    expect(url.origin + url.pathname).toBe('https://discord.com/oauth2/authorize');
    expect(url.searchParams.get('client_id')).toBe('123456789012345678');
    expect(url.searchParams.get('integration_type')).toBe('1');
    expect(url.searchParams.get('scope')).toBe('applications.commands');
    expect(url.searchParams.has('permissions')).toBe(false);
  });

  it('then docs/discord.md gives that link', async () => {
    const guide = await readFile(path.join(PROJECT_ROOT, 'docs', 'discord.md'), 'utf8');
    expect(guide).toContain(userInstallUrl('APPLICATION_ID'));
  });
});
