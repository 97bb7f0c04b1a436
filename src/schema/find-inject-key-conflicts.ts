import type { CompiledMutation, CompiledQuery, InjectSource } from './compiled-schema.ts';
import type { SchemaProblem } from './schema-compile-error.ts';

/**
 * Every inject key is also the transaction setting `app.<key>`, and one request may hold several
 * root fields, so a key must mean one claim in every operation that can share a request: if
 * query `a` injects `user_id` from `jwt:sub` and query `b` from `jwt:uid`, a request asking for
 * both could not set `app.user_id` to both values. Queries are compared with queries and
 * mutations with mutations (a GraphQL request runs one operation, so never both kinds; FraiseQL
 * schemas do reuse a key across the two). Returns one problem per operation whose claim for a
 * key differs from the first operation of its kind, in schema order, that injects that key.
 */
export function findInjectKeyConflicts(
  queries: Readonly<Record<string, CompiledQuery>>,
  mutations: Readonly<Record<string, CompiledMutation>>,
): SchemaProblem[] {
  return [
    ...conflictsAmong('queries', 'query', Object.values(queries)),
    ...conflictsAmong('mutations', 'mutation', Object.values(mutations)),
  ];
}

function conflictsAmong(
  kind: 'queries' | 'mutations',
  label: 'query' | 'mutation',
  operations: readonly (CompiledQuery | CompiledMutation)[],
): SchemaProblem[] {
  const first = new Map<string, { readonly operation: string; readonly claim: string }>();
  const problems: SchemaProblem[] = [];

  for (const operation of operations) {
    const here = `${label} "${operation.name}"`;
    for (const [key, source] of Object.entries(operation.inject)) {
      const claim = claimText(source);
      const earlier = first.get(key);
      if (earlier === undefined) {
        first.set(key, { operation: here, claim });
        continue;
      }
      if (earlier.claim === claim) continue;
      const renamed = `${key}_${claim.replace(/^jwt:/, '').replace(/\./g, '_')}`;
      problems.push({
        where: `${kind}[${operation.name}].inject_params.${key}`,
        message:
          `${here} injects ${key} from "${claim}", but ${earlier.operation} injects ${key} from ` +
          `"${earlier.claim}". Both become the setting app.${key}, which holds one value per ` +
          `request. Rename the key in one of them (e.g. ${renamed}), or inject the same claim in ` +
          `both.`,
      });
    }
  }
  return problems;
}

function claimText(source: InjectSource): string {
  return `${source.source}:${source.path.join('.')}`;
}
