export * from './client.ts';
export * as schema from './schema/index.ts';
export * from './audit.ts';
export * from './canonical.ts';
export * from './workflow-store.ts';
export * from './scheduler.ts';
export * from './outbox.ts';
export * from './poller.ts';
export * from './ranking-hash.ts';
