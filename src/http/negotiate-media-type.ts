/** The two response media types of the GraphQL-over-HTTP specification. */
export type GraphQLMediaType = 'application/graphql-response+json' | 'application/json';

/**
 * Picks the response media type from the Accept header. No header means application/json, as
 * the GraphQL-over-HTTP spec asks. With `application/graphql-response+json`, request errors get
 * 4xx statuses; with `application/json` they get 200 (legacy clients expect that).
 * Returns undefined when the client accepts neither.
 */
export function negotiateMediaType(accept: string | undefined): GraphQLMediaType | undefined {
  if (accept === undefined || accept.trim() === '') return 'application/json';
  let best: { type: GraphQLMediaType; quality: number } | undefined;
  for (const part of accept.split(',')) {
    const [rawType, ...params] = part.split(';');
    const type = mediaTypeFor((rawType ?? '').trim().toLowerCase());
    if (type === undefined) continue;
    const quality = qualityOf(params);
    if (quality <= 0) continue;
    if (best === undefined || quality > best.quality) best = { type, quality };
  }
  return best?.type;
}

function mediaTypeFor(type: string): GraphQLMediaType | undefined {
  switch (type) {
    case 'application/graphql-response+json':
      return 'application/graphql-response+json';
    case 'application/json':
    case 'application/*':
    case '*/*':
      return 'application/json';
    default:
      return undefined;
  }
}

function qualityOf(params: readonly string[]): number {
  for (const param of params) {
    const [name, value] = param.split('=').map((piece) => piece.trim().toLowerCase());
    if (name === 'q' && value !== undefined) {
      const quality = Number(value);
      return Number.isFinite(quality) ? quality : 0;
    }
  }
  return 1;
}
