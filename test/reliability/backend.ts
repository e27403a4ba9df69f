import { inject } from 'vitest';
import type { Backend } from '../../scripts/reliability/support/database.ts';

/** The server the journeys project was given (TEST_DATABASE_URL or a container), else PGlite. */
export function testBackend(): Backend {
  const info = inject('testDatabase');
  return info.mode === 'postgres' ? { kind: 'postgres', serverUrl: info.serverUrl } : { kind: 'pglite' };
}

/** Scenario figures go to the test log, so a CI run shows what was measured. */
export function report(name: string, figures: unknown): void {
  console.log(`[reliability] ${name} ${JSON.stringify(figures)}`);
}
