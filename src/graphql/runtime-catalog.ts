import { catalogKey, type DatabaseCatalog, type FunctionOverload } from '../db/catalog.ts';
import type { CompiledSchema, QualifiedName } from '../schema/compiled-schema.ts';
import type { FunctionReturnKind, FunctionShape } from '../sql/function-shape.ts';

/** What the executor needs from the database catalog, read once at server start. */
export interface RuntimeCatalog {
  /** The view's columns (name -> PostgreSQL type); empty when the view is unknown. */
  columnsOf(source: QualifiedName): ReadonlyMap<string, string>;
  /** The mutation function's signature; throws when it was not catalogued. */
  functionShape(fn: QualifiedName): FunctionShape;
}

const NO_COLUMNS: ReadonlyMap<string, string> = new Map();

/**
 * Builds the runtime view of the catalog. Every mutation function must resolve to exactly one
 * overload with a supported return type; `checkSchemaAgainstDatabase` has already explained
 * any problem to the operator, so a failure here only names the function.
 */
export function createRuntimeCatalog(catalog: DatabaseCatalog, schema: CompiledSchema): RuntimeCatalog {
  const shapes = new Map<string, FunctionShape>();
  for (const mutation of Object.values(schema.mutations)) {
    const key = catalogKey(mutation.sqlFunction);
    const overloads = catalog.functions.get(key)?.overloads ?? [];
    const [overload, ...others] = overloads;
    if (overload === undefined || others.length > 0) {
      throw new Error(
        `Mutation ${mutation.name} calls ${key}, which has ${overloads.length} overloads; exactly one is needed.`,
      );
    }
    shapes.set(key, shapeOf(mutation.sqlFunction, overload));
  }

  return {
    columnsOf(source) {
      const relation = catalog.relations.get(catalogKey(source));
      return relation?.exists === true ? relation.columns : NO_COLUMNS;
    },
    functionShape(fn) {
      const shape = shapes.get(catalogKey(fn));
      if (shape === undefined) throw new Error(`Function ${catalogKey(fn)} was not catalogued at start`);
      return shape;
    },
  };
}

function shapeOf(name: QualifiedName, overload: FunctionOverload): FunctionShape {
  const parameters = overload.parameters
    .filter((parameter) => parameter.mode === 'in' || parameter.mode === 'inout' || parameter.mode === 'variadic')
    .map((parameter) => ({ name: parameter.name, type: parameter.type }));
  return { name, parameters, returns: returnKindOf(overload) };
}

function returnKindOf(overload: FunctionOverload): FunctionReturnKind {
  const { returns } = overload;
  if (returns.columns?.has('succeeded') === true && returns.columns.has('entity')) return 'mutation_response';
  if (returns.type === 'jsonb') return returns.setOf ? 'setof jsonb' : 'jsonb';
  if (returns.type === 'json') return returns.setOf ? 'setof json' : 'json';
  throw new Error(
    `Function ${overload.signature} returns ${returns.type}; a mutation function must return jsonb, json or a mutation_response row.`,
  );
}
