export { webApp, type WebAppOptions } from './plugin.ts';
export { ensureWebBuild, webSourceHash, webDist, webRoot, builtHash } from './build.ts';
export { chromiumPath } from './chromium.ts';
