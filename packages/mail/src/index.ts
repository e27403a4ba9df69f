export * from './mailer.ts';
export * from './outbox-handler.ts';
