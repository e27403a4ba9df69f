export * from './password.ts';
export * from './tokens.ts';
export * from './users.ts';
export * from './sessions.ts';
export * from './routes.ts';
export * from './password-policy.ts';
export * from './login-throttle.ts';
