import { realRuntime } from '../real/runtime.js';

export const localRuntime = realRuntime('local', 'local processes, each node in a network namespace of its own (root)');
