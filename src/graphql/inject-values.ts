import type { Caller } from '../auth/principal.ts';
import { readClaimPath } from '../auth/read-token-identity.ts';
import { PublicError } from '../errors/public-error.ts';
import type { InjectSource } from '../schema/compiled-schema.ts';

/** One injected value: the SQL name it fills and the claim value as text. */
export interface InjectedValue {
  readonly name: string;
  readonly value: string;
}

/**
 * Reads each `inject` claim from the verified principal. `jwt:sub` is the principal's subject
 * (which may come from `user_id`); other paths are read as scope and role claims are
 * (`jwt:org.id` reads a key named `org.id`, else `org` then `id`). A missing claim
 * is an error, never NULL: a NULL would silently match nothing or, worse, everything.
 */
export function resolveInjectedValues(
  operation: string,
  inject: Readonly<Record<string, InjectSource>>,
  caller: Caller,
): InjectedValue[] {
  const entries = Object.entries(inject);
  if (entries.length === 0) return [];
  if (caller.kind === 'anonymous') {
    throw new PublicError('MISSING_TOKEN', {
      extensions: { reason: 'MISSING_TOKEN' },
      logDetail: { operation, why: 'operation injects token claims' },
    });
  }
  const { principal } = caller;
  return entries.map(([name, source]) => {
    const claim = source.path.join('.');
    const raw = claim === 'sub' ? principal.subject : readClaimPath(principal.claims, claim);
    if (raw === undefined || raw === null || raw === '') {
      throw new PublicError('MISSING_INJECT_CLAIM', {
        message:
          `Operation '${operation}' needs the token claim '${claim}' (injected as '${name}'), ` +
          'and the token does not carry it. Issue the token with that claim.',
        extensions: { reason: 'MISSING_INJECT_CLAIM', claim },
      });
    }
    return { name, value: typeof raw === 'string' ? raw : JSON.stringify(raw) };
  });
}
