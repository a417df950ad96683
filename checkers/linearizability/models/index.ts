/** The model registry: `--model <name>` picks one of these. Add a model here. */
import { UsageError } from '../../../common/errors.js';
import type { Model, ModelFactory, ModelOptions } from '../model.js';
import { createCasRegister } from './cas-register.js';
import { createKv } from './kv.js';
import { createMultiRegister } from './multi-register.js';
import { createMutex } from './mutex.js';

const factories: Record<string, ModelFactory> = {
  register: (options) => createCasRegister(options, false) as Model<unknown, unknown>,
  'cas-register': (options) => createCasRegister(options, true) as Model<unknown, unknown>,
  mutex: (options) => createMutex(options) as Model<unknown, unknown>,
  kv: (options) => createKv(options) as Model<unknown, unknown>,
  'multi-register': (options) => createMultiRegister(options) as Model<unknown, unknown>,
};

export const MODEL_NAMES: readonly string[] = Object.keys(factories);

export function createModel(name: string, options: ModelOptions = {}): Model<unknown, unknown> {
  const factory = factories[name];
  if (factory === undefined) {
    throw new UsageError(`unknown model "${name}"`, {
      where: '--model',
      hint: `choose one of: ${MODEL_NAMES.join(', ')}`,
    });
  }
  return factory(options);
}
