import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The README is the front door and docs/ the rooms behind it: a link to a
 * page or a section that is not there is a door painted on a wall.
 */

const root = resolve(import.meta.dirname, '../..');
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    const heading = !inFence && /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const slug = heading[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

function relativeLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z]+:/i.test(target));
}

describe('the README and docs/', () => {
  for (const page of pages) {
    it(`given ${page}, then every link to a file of the project and to a section leads somewhere`, () => {
      const markdown = readFileSync(join(root, page), 'utf8');
      const broken: string[] = [];
      for (const link of relativeLinks(markdown)) {
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path ? resolve(dirname(join(root, page)), path) : join(root, page);
        if (!existsSync(target)) {
          broken.push(`${link}: no such file`);
          continue;
        }
        if (anchor && target.endsWith('.md') && !anchorsOf(readFileSync(target, 'utf8')).has(anchor)) {
          broken.push(`${link}: no such section`);
        }
      }
      expect(broken).toEqual([]);
    });
  }

  it('given a heading with code, punctuation and a repeat, then its anchor is the one GitHub makes', () => {
    const anchors = anchorsOf('# Measuring (`npm run eval`)\n## Privacy: what is kept\n## Notes\n## Notes\n');
    expect([...anchors]).toEqual(['measuring-npm-run-eval', 'privacy-what-is-kept', 'notes', 'notes-1']);
  });
});
