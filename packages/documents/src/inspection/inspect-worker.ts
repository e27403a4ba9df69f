// Entry point of the inspection worker thread: one file, one worker, then exit. It runs as a
// .ts file through Node's type stripping, so it imports only erasable TypeScript.
import { parentPort, workerData } from 'node:worker_threads';
import { analysePdf } from './analyse-pdf.ts';
import { type InspectionResult, reject } from './inspection-result.ts';
import { workerInput } from './worker-protocol.ts';

// pdf-lib reports recoverable oddities with console.warn; a hostile file could flood the log.
console.warn = () => undefined;
console.log = () => undefined;

async function run(): Promise<InspectionResult> {
  try {
    const { bytes, limits } = workerInput.parse(workerData);
    return await analysePdf(bytes, limits);
  } catch (error) {
    // Stack overflow from absurd nesting lands here too: the file is not something we can read.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return reject('UNPARSABLE', `inspection failed: ${message.slice(0, 300)}`);
  }
}

if (parentPort !== null) {
  const port = parentPort;
  void run().then((result) => port.postMessage(result));
}
