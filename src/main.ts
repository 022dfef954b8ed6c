/** HTTP and queue workers in one process (`npm start`): the mode for the embedded database. */
import { runProcess } from './runtime/run-process.ts';

await runProcess('all');
