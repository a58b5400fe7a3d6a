import { SETTING_GROUPS, SETTINGS, type Setting } from './settings.js';

/**
 * `.env.example` and the README's settings table, rendered from the settings
 * table, so that the defaults they show are the parser's own. A test fails
 * when the committed files differ; `npm run settings` rewrites them.
 */

const entries = () => Object.entries(SETTINGS) as [string, Setting][];

const RULE_WIDTH = 75;

export function renderEnvExample(): string {
  const lines = [
    '# Copy to .env and fill in. Every setting is optional except DISCORD_TOKEN for `npm start`.',
    '# Empty values mean "use the default". Generated from src/config/settings.ts by `npm run settings`.',
  ];
  for (const group of SETTING_GROUPS) {
    const members = entries().filter(([, setting]) => setting.group === group);
    if (members.length === 0) continue;
    lines.push('', `# --- ${group} `.padEnd(RULE_WIDTH, '-'));
    for (const [name, setting] of members) {
      lines.push(...setting.comment.map((line) => `# ${line}`));
      const assignment = `${name}=${setting.default ?? ''}`;
      lines.push(setting.commentedOut ? `# ${assignment}` : assignment);
    }
  }
  return `${lines.join('\n')}\n`;
}

const escapeCell = (text: string) => text.replace(/\|/g, '\\|');

export function renderSettingsTable(): string {
  const rows = entries().map(([name, setting]) => {
    const shown = setting.defaultLabel ?? (setting.default === undefined ? '—' : `\`${setting.default}\``);
    return `| \`${name}\` | ${escapeCell(shown)} | ${escapeCell(setting.summary)} |`;
  });
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

export const SETTINGS_START = '<!-- settings:start -->';
export const SETTINGS_END = '<!-- settings:end -->';

/** The README with its settings table (between the markers) replaced by the rendered one. */
export function withSettingsTable(readme: string): string {
  const start = readme.indexOf(SETTINGS_START);
  const end = readme.indexOf(SETTINGS_END);
  if (start === -1 || end < start) throw new Error(`README.md lacks the ${SETTINGS_START} … ${SETTINGS_END} markers`);
  return `${readme.slice(0, start + SETTINGS_START.length)}\n${renderSettingsTable()}\n${readme.slice(end)}`;
}
