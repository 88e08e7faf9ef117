/**
 * `strategy.kind: module`: a strategy from a file of the user's (.ts, .js, .mjs, .cjs), loaded at
 * start. The process runs under tsx, whose require hook compiles TypeScript and loads ES modules
 * synchronously, so the hot path can build the strategy without an await (and rebuild it after an
 * operator resume: each hot path gets a fresh strategy from the same factory).
 *
 * The module exports `createStrategy(params)` (or a default export that is that function, or an
 * object holding it) and, optionally, `paramsSchema`, a zod schema (any copy of zod: only
 * safeParse is used) that `strategy.params` must pass. Every problem is a SessionConfigError
 * naming the field: `strategy.module: …` or `strategy.params.spreadBps: …`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ParamsSchemaLike, Strategy, StrategyModule } from './strategy';

export class StrategyModuleError extends Error {
  override name = 'StrategyModuleError';
}

export interface LoadedStrategyModule {
  file: string;
  /** the params as the module's schema parsed them (defaults applied), or as given without a schema */
  params: unknown;
  create(): Strategy;
}

type Factory = (params: unknown) => Strategy;

function pick(mod: StrategyModule): { factory: Factory | undefined; schema: ParamsSchemaLike | undefined } {
  const d = mod.default;
  const factory = mod.createStrategy ?? (typeof d === 'function' ? d : d?.createStrategy);
  const schema = mod.paramsSchema ?? (typeof d === 'object' && d !== null ? d.paramsSchema : undefined);
  return { factory: factory as Factory | undefined, schema };
}

function issuesText(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .map((i) => `${['strategy', 'params', ...i.path.map(String)].join('.')}: ${i.message}`)
    .join('; ');
}

/** Loads the module, checks its exports and the params; throws StrategyModuleError naming the field. */
export function loadStrategyModule(file: string, params: unknown): LoadedStrategyModule {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new StrategyModuleError(`strategy.module: ${file}: no such file`);
  let mod: StrategyModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(abs) as StrategyModule;
  } catch (e) {
    throw new StrategyModuleError(`strategy.module: ${file}: cannot be loaded: ${(e as Error).message.split('\n')[0]}`);
  }
  const { factory, schema } = pick(mod);
  if (typeof factory !== 'function') {
    throw new StrategyModuleError(`strategy.module: ${file}: exports no createStrategy(params) function (named or default export)`);
  }
  if (schema !== undefined && typeof schema.safeParse !== 'function') {
    throw new StrategyModuleError(`strategy.module: ${file}: paramsSchema is not a zod schema (no safeParse)`);
  }
  let parsed: unknown = params;
  if (schema) {
    const r = schema.safeParse(params);
    if (!r.success) throw new StrategyModuleError(issuesText(r.error.issues));
    parsed = r.data;
  }
  // called when a hot path is built (at start, and again after an operator resume): a factory
  // that throws fails the worker's start with this message
  const create = (): Strategy => {
    let s: Strategy;
    try {
      s = factory(parsed);
    } catch (e) {
      throw new StrategyModuleError(`strategy.params: ${file}: createStrategy refused them: ${(e as Error).message}`);
    }
    if (s === null || typeof s !== 'object' || typeof (s as Strategy).onTick !== 'function') {
      throw new StrategyModuleError(`strategy.module: ${file}: createStrategy did not return a Strategy (an object with onTick)`);
    }
    return s;
  };
  return { file: abs, params: parsed, create };
}
