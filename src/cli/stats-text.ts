import type { StatsReport } from '../store/stats.js';

const BAR_WIDTH = 40;

function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${Math.round((part / whole) * 100)}%`;
}

/** `npm run stats` as text: the same report as /stats, for a terminal. */
export function statsToText(report: StatsReport): string {
  const { p50, p95 } = report.latencyMs;
  let most = 1;
  for (const day of report.perDay) most = Math.max(most, day.answered + day.partial + day.declined);
  const bar = (count: number, character: string) => character.repeat(Math.round((count / most) * BAR_WIDTH));
  const lines = [
    `Questions over the last ${report.days} day${report.days === 1 ? '' : 's'} (${report.since} to ${report.until})`,
    `  questions  ${report.questions}`,
    `  answered   ${report.answered} (${percent(report.answered, report.questions)})`,
    ...(report.partial > 0 ? [`  partial    ${report.partial} (${percent(report.partial, report.questions)})`] : []),
    `  declined   ${report.declined} (${percent(report.declined, report.questions)})`,
    `  feedback   ${report.votes.up} up, ${report.votes.down} down`,
    `  latency    ${p50 === null ? '-' : `p50 ${p50} ms, p95 ${p95} ms`}`,
    '',
    'Where asked:',
    `  servers with the bot              ${report.byInstallation.server}`,
    `  servers through a user's install  ${report.byInstallation['user-in-server']}`,
    `  DMs with the bot                  ${report.byInstallation['bot-dm']}`,
    `  group DMs and DMs between users   ${report.byInstallation['private-channel']}`,
    '',
    'Questions per day (UTC; # answered, ~ partial, . declined):',
    ...report.perDay.map(
      (day) =>
        `  ${day.day}  ${String(day.answered).padStart(4)} + ${String(day.partial).padEnd(3)} + ${String(day.declined).padEnd(4)} ` +
        `${bar(day.answered, '#')}${bar(day.partial, '~')}${bar(day.declined, '.')}`,
    ),
    '',
    'Asked most, not answered:',
    ...(report.unanswered.length === 0
      ? ['  none']
      : report.unanswered.map((entry, index) => `  ${index + 1}. (${entry.count}x) ${entry.question}`)),
    ...(report.declinedWithoutText > 0
      ? [`  and ${report.declinedWithoutText} declined questions whose text is not kept`]
      : []),
    '',
    'What the article lacks (words partial answers found missing):',
    ...(report.coverageGaps.length === 0
      ? ['  none']
      : report.coverageGaps.map((entry, index) => `  ${index + 1}. (${entry.count}x) ${entry.word}`)),
    '',
    'Quoted most:',
    ...(report.mostQuoted.length === 0
      ? ['  none']
      : report.mostQuoted.map((entry) => `  ${entry.passageId}  ${entry.count}x`)),
    '',
    'Down-voted most:',
    ...(report.mostDownVoted.length === 0
      ? ['  none']
      : report.mostDownVoted.map((entry) => `  ${entry.passageId}  ${entry.down} down, ${entry.up} up`)),
  ];
  return `${lines.join('\n')}\n`;
}
