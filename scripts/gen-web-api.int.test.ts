import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { apiTypesFile, renderApiTypes, servedOpenApi } from './gen-web-api.ts';

describe('the web app API types', () => {
  it('match the OpenAPI document the platform serves (regenerate: pnpm --filter @permed/web gen:api)', async () => {
    const document = await servedOpenApi();
    expect(Object.keys(document.paths as object)).toContain('/api/calls/{slug}/stages');
    const committed = await readFile(apiTypesFile, 'utf8');
    const served = await renderApiTypes(document);
    // Not toBe: a 570 kB diff helps nobody; the message says what to run.
    expect(
      committed === served,
      'services/web/app/api/schema.gen.ts is stale: run pnpm --filter @permed/web gen:api',
    ).toBe(true);
  });
});
