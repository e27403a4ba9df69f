export * from './errors.ts';
export * from './access.ts';
export * from './content-disposition.ts';
export * from './app.ts';
export * from './server.ts';
export * from './multipart-errors.ts';
export * from './text-guard.ts';
export type { ZodTypeProvider, FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
export * from './openapi.ts';
