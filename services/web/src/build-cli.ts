// `pnpm install` (root postinstall) and `pnpm --filter @permed/web build`: build the web app when
// its sources changed since the last build (--force: always).
import { ensureWebBuild } from './build.ts';

const result = ensureWebBuild({ force: process.argv.includes('--force'), log: (line) => console.log(line) });
if (!result.built) console.log('web app is up to date (services/web/dist)');
