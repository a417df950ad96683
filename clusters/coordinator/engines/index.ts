/** Picks a consensus engine by kind. */
import type { EngineKind } from '../engine.js';
import { RaftEngine } from './raft/engine.js';
import type { InspectableEngine, TunedEngineOptions } from './shared/options.js';
import { ZabEngine } from './zab/engine.js';

export type { EngineTuning, InspectableEngine, TunedEngineOptions } from './shared/options.js';
export { ENGINE_BUG_NAMES } from './shared/options.js';

export function createEngine(kind: EngineKind, options: TunedEngineOptions): InspectableEngine {
  return kind === 'raft' ? new RaftEngine(options) : new ZabEngine(options);
}
