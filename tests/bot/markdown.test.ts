import { describe, expect, it } from 'vitest';
import { escapeQuoted } from '../../src/bot/markdown.js';

describe('given quoted text full of markdown and mentions', () => {
  const text =
    '**bold** __under__ ~~strike~~ ||spoiler|| `code` ```block``` [one](https://a.example) [two](https://b.example) \\ @everyone <@&123456789012345678>\n> quote\n# heading\n-# small\n- item\n1. item';

  it('then every construct is escaped, so the quote displays literally and cannot change the formatting around it', () => {
    const escaped = escapeQuoted(text);
    for (const marker of ['**', '__', '~~', '||', '\n>', '\n#', '\n-#', '\n-', '\n1.']) {
      expect(escaped).not.toContain(marker);
    }
    expect(escaped).not.toMatch(/(^|[^\\])[`[]/); // no backtick, no masked link opens unescaped
    expect(escaped).toContain('\\*\\*bold\\*\\*');
    expect(escaped).toContain('\\[two](https://b.example)');
    expect(escaped).toContain('\\\\ @everyone'); // a lone backslash cannot escape what follows
    expect(escaped).toContain('<@&123456789012345678\\>'); // shown as text, not as a role
  });
});
