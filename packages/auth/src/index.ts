export * from './password.ts';
export * from './tokens.ts';
export * from './users.ts';
export * from './sessions.ts';
export * from './routes.ts';
