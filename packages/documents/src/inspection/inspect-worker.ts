// The inspection workers' task function (a tinypool pool, see inspection-pool.ts): one file per
// task, on a worker that is reused. It runs as a .ts file through Node's type stripping, so it
// imports only erasable TypeScript.
import { threadId } from 'node:worker_threads';
import { analysePdf } from './analyse-pdf.ts';
import { type InspectionResult, reject } from './inspection-result.ts';
import { workerInput } from './worker-protocol.ts';

// pdf-lib reports recoverable oddities with console.warn; a hostile file could flood the log.
console.warn = () => undefined;
console.log = () => undefined;

async function analyse(input: unknown): Promise<InspectionResult> {
  try {
    const { bytes, limits } = workerInput.parse(input);
    return await analysePdf(bytes, limits);
  } catch (error) {
    // Stack overflow from absurd nesting lands here too: the file is not something we can read.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return reject('UNPARSABLE', `inspection failed: ${message.slice(0, 300)}`);
  }
}

/** The thread id lets the pool count distinct workers (recycling is observable in tests). */
export default async function inspect(
  input: unknown,
): Promise<{ result: InspectionResult; threadId: number }> {
  return { result: await analyse(input), threadId };
}
