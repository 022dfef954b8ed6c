/** Queue workers only (`npm run start:worker`); needs PostgreSQL (DATABASE_URL). */
import { runProcess } from './runtime/run-process.ts';

await runProcess('worker');
