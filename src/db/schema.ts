/**
 * The one relational schema, shared by PostgreSQL and embedded PGlite, split by area under ./tables.
 * Migrations in ./migrations are generated from this module (`npm run db:generate`).
 */
export * from './tables/core.ts';
export * from './tables/deliberation.ts';
export * from './tables/lists.ts';
export * from './tables/proxy.ts';
export * from './tables/voice.ts';
