import { existsSync } from 'node:fs';

// Playwright cannot download its own browser builds here, so the browser tests, the screenshots
// and the benchmark use the system's Chromium: Debian's chromium-headless-shell package (which
// .ci/run installs when it is missing) or a full Chromium.
const candidates = [
  '/usr/bin/chromium-headless-shell',
  '/usr/lib/chromium/chromium-headless-shell',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

/** The Chromium binary to launch; throws (never skips) when there is none. */
export function chromiumPath(): string {
  const found = candidates.find((file) => existsSync(file));
  if (!found) {
    throw new Error(
      `No Chromium found (looked at ${candidates.join(', ')}). Install one: ` +
        '`apt-get update && apt-get install -y chromium-headless-shell` (.ci/run does this itself).',
    );
  }
  return found;
}
