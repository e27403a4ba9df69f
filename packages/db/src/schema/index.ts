export * from './identity.ts';
export * from './audit.ts';
export * from './funders.ts';
export * from './calls.ts';
export * from './workflow.ts';
export * from './proposals.ts';
export * from './ranking.ts';
