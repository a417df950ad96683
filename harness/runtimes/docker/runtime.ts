import { realRuntime } from '../real/runtime.js';

export const dockerRuntime = realRuntime('docker', 'Docker containers on a network of their own (an image faultline builds, or --image)');
