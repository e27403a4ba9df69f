export * from './identity.ts';
export * from './audit.ts';
