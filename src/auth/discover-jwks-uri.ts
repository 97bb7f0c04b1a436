import { fetchKeyDocument, type KeyDocumentFetchLimits } from './fetch-key-document.ts';
import { keyUrlProblem, type KeyUrlRules } from './key-url-policy.ts';

/**
 * Finds an issuer's JWKS through OpenID Connect Discovery 1.0: fetches
 * `{issuer}/.well-known/openid-configuration` (§4) and returns its `jwks_uri`.
 *
 * The document's `issuer` must be exactly the configured one (§4.3): otherwise tokens would
 * carry an `iss` the server does not expect, or the document belongs to someone else. The
 * `jwks_uri` obeys the same https rule as a configured JWKS URL.
 */
export async function discoverJwksUri(
  issuer: string,
  limits: KeyDocumentFetchLimits,
  rules: KeyUrlRules,
): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const document = await fetchKeyDocument(url, limits);

  const announced = document['issuer'];
  if (announced !== issuer) {
    throw new Error(
      `the discovery document at ${url} names issuer ${JSON.stringify(announced)}, not ` +
        `"${issuer}"; set OIDC_ISSUER to exactly the provider's issuer`,
    );
  }
  const jwksUri = document['jwks_uri'];
  if (typeof jwksUri !== 'string' || jwksUri === '') {
    throw new Error(`the discovery document at ${url} has no jwks_uri`);
  }
  const problem = keyUrlProblem(jwksUri, 'discovered jwks_uri', rules);
  if (problem !== undefined) throw new Error(problem);
  return jwksUri;
}
