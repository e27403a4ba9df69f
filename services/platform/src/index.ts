export * from './app.ts';
export * from './seed.ts';
