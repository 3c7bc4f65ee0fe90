/**
 * The shared pipe-spawner suite (spawner-suite.ts) against the child_process spawner, the
 * fallback when the native addon is not built.
 */
import { PipeSpawner } from '../../../daemon/process/spawn-pipe.js';
import { spawnerSuite } from './spawner-suite.js';

spawnerSuite('PipeSpawner (child_process)', () => new PipeSpawner());
