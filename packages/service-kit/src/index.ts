export * from './deps.ts';
export * from './build.ts';
export * from './run.ts';
export * from './workflow.ts';
export * from './deadline.ts';
