export * from './database.ts';
export * from './app.ts';
