export * from './common.ts';
export * from './clock.ts';
export * from './research-areas.ts';
export * from './funder.ts';
export * from './proposal.ts';
export * from './rule.ts';
export * from './call.ts';
