/** HTTP only (`npm run start:web`); needs PostgreSQL (DATABASE_URL) and a separate worker process. */
import { runProcess } from './runtime/run-process.ts';

await runProcess('web');
