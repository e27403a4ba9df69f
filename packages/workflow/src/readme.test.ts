import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { callEventTypes } from './call-events.ts';
import { lifecycleDiagram } from './lifecycle-diagram.ts';
import { proposalEventTypes } from './proposal-events.ts';

// The README documents the lifecycles; these checks fail when the machines change and it does not.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it.each(['call', 'proposal'] as const)('embeds the current %s diagram', (kind) => {
    expect(readme).toContain('```mermaid\n' + lifecycleDiagram(kind) + '\n```');
  });

  it('has a table row for every event', () => {
    const rows = readme.split('\n').filter((line) => line.startsWith('| `'));
    for (const type of [...callEventTypes, ...proposalEventTypes]) {
      expect(rows.some((row) => row.split('|')[1]!.includes(`\`${type}\``))).toBe(true);
    }
  });
});
