import { GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLString } from 'graphql';

import type { BuiltinRootField } from '../graphql/builtin-root-field.ts';
import type { SessionIssuer } from './session-issuer.ts';

/** Name of the payload type; a schema type of the same name would clash. */
export const TOKEN_RESPONSE_TYPE = 'TokenResponse';

/** Name of the mutation; a schema mutation of the same name would clash. */
export const REFRESH_TOKEN_MUTATION = 'refreshToken';

const nonNull = <T extends GraphQLObjectType | typeof GraphQLString | typeof GraphQLInt>(type: T) =>
  new GraphQLNonNull(type);

const tokenResponse = new GraphQLObjectType({
  name: TOKEN_RESPONSE_TYPE,
  description: 'A new access token and the refresh token to use next time (the old one is spent).',
  fields: {
    access_token: { type: nonNull(GraphQLString) },
    token_type: { type: nonNull(GraphQLString), description: 'Always "Bearer".' },
    expires_in: { type: nonNull(GraphQLInt), description: 'Seconds until the access token expires.' },
    refresh_token: { type: nonNull(GraphQLString) },
    scope: { type: nonNull(GraphQLString), description: 'The granted scopes, space-separated.' },
  },
});

/**
 * `refreshToken(refresh_token: String!): TokenResponse!`, the spec page's mutation, answered
 * without SQL by the same code as `POST /auth/refresh`. Public: the refresh token is the
 * credential. Send it without an expired `Authorization` header, which would be refused before
 * the mutation runs.
 */
export function refreshTokenMutation(issuer: SessionIssuer): BuiltinRootField {
  return {
    operation: 'mutation',
    name: REFRESH_TOKEN_MUTATION,
    config: {
      type: new GraphQLNonNull(tokenResponse),
      description: 'Exchanges a refresh token for a new access token and refresh token.',
      args: { refresh_token: { type: new GraphQLNonNull(GraphQLString) } },
    },
    async resolve(args) {
      const token = args['refresh_token'];
      return issuer.refresh(typeof token === 'string' ? token : '');
    },
  };
}
