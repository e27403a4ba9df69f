import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { cells, matrix, roles, stages } from './matrix.ts';
import { renderMatrix } from './render-matrix.ts';

const docPath = new URL('../../docs/authorization-matrix.md', import.meta.url);

describe('docs/authorization-matrix.md', () => {
  it('is the rendered matrix (regenerate: node test/authz/render-matrix.ts > docs/authorization-matrix.md)', async () => {
    expect(await readFile(docPath, 'utf8')).toBe(renderMatrix());
  });

  it('states the number of cells, and every row answers every role in every stage', () => {
    const total = matrix.length * roles.length * stages.length;
    expect(cells()).toHaveLength(total);
    expect(renderMatrix()).toContain(`= ${total} cells.**`);
    for (const op of matrix)
      for (const s of stages) expect(Object.keys(op.expect[s]).sort()).toEqual([...roles].sort());
  });

  it('names every row once, and every answer is a status with an optional problem code', () => {
    expect(new Set(matrix.map((op) => op.id)).size).toBe(matrix.length);
    for (const { expected } of cells()) expect(expected).toMatch(/^(20[014]|4\d\d [A-Z_]+)$/);
  });
});
