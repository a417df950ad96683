#!/usr/bin/env node
/**
 * The faultline command line. A check of a large history is handed to a
 * second process (young-generation.ts) before the commands' modules load, so
 * this one stays light.
 */
import { rerunWithLargerYoungGeneration, wantsLargerYoungGeneration } from './young-generation.js';

if (wantsLargerYoungGeneration(process.argv.slice(2), process.env, process.execArgv)) {
  process.exitCode = await rerunWithLargerYoungGeneration();
} else {
  await (await import('./cli.js')).runCommandLine();
}
