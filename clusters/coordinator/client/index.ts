/** The coordinator's client library and the workload recipes built on it. */
export { CoordinatorClient, type CallOptions, type ClientOptions } from './client.js';
export * as requests from './requests.js';
export type { CreateFlags } from './requests.js';
export {
  LockRecipe,
  RegisterRecipe,
  SequenceRecipe,
  ensurePath,
  promised,
  type LockOptions,
  type RecipeOptions,
} from './recipes.js';
export type { Callback, ClientState, FailReason, Outcome, WatchEvent } from './types.js';
