import { cpus, loadavg, totalmem } from 'node:os';
import type { Backend } from './database.ts';

/** `--pglite` or `--server <url>` from a script's arguments. */
export function backendFrom(values: { server?: string; pglite?: boolean }): Backend {
  return values.pglite ? { kind: 'pglite' } : { kind: 'postgres', serverUrl: values.server! };
}

export const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

/** The section title, the machine and date, and the table header. */
export function heading(title: string, setup: string): string[] {
  return [
    `### ${title}, ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; Node ${process.version}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} at the end. ${setup}`,
    '',
    '| check | result | expected |',
    '| --- | --- | --- |',
  ];
}

export const row = (check: string, result: string, expected: string): string =>
  `| ${check} | ${result.replaceAll('|', '\\|')} | ${expected} |`;

/** Prints the section; a failed check makes the process exit with 1, so CI and shells notice. */
export function printReport(lines: string[], ok: boolean): void {
  console.log([...lines, '', ok ? 'All checks passed.' : '**Some checks FAILED** (see above).'].join('\n'));
  if (!ok) process.exitCode = 1;
}
