export * from './common.ts';
export * from './clock.ts';
