export * from './errors.ts';
export * from './access.ts';
export * from './app.ts';
export * from './server.ts';
export type { ZodTypeProvider, FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
export * from './openapi.ts';
