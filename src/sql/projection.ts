import { quoteLiteralKey } from './quote.ts';
import { projectsAsText } from './scalar-family.ts';
import type { SelectedField } from './selection.ts';

/**
 * `json_build_object` takes at most 100 arguments (PostgreSQL's FUNC_MAX_ARGS), so 50 keys.
 * Larger selections are built with `json_object_agg` over an ordered VALUES list instead.
 */
const MAX_BUILD_OBJECT_KEYS = 50;

/**
 * The SQL expression (type `json`) that shapes one JSONB document into the client's selection:
 * keys in selection order (`json` keeps the order; `jsonb` would sort them), string-stored
 * scalars read with `->>` (JSON strings), other scalars with `->` (their JSON type), nested
 * objects and lists of objects projected recursively with null kept as null, `__typename` as a
 * literal and masked fields as null. The result is NULL when `document` is not a JSON object
 * (or, with `isList`, not an array; elements keep their order).
 *
 * `document` is a jsonb expression produced by the SQL layer, e.g. `t."data"` or `r."entity"`.
 */
export function projectJson(
  selection: readonly SelectedField[],
  document: string,
  isList: boolean,
): string {
  return isList ? listValue(selection, document, 1) : objectValue(selection, document, 1);
}

function objectValue(selection: readonly SelectedField[], document: string, depth: number): string {
  const body = objectBody(selection, document, depth);
  return `CASE WHEN jsonb_typeof(${document}) = 'object' THEN ${body} END`;
}

function listValue(selection: readonly SelectedField[], document: string, depth: number): string {
  // Each nesting level gets its own alias, so an inner list can still see the outer element.
  const alias = `l${depth}`;
  const element = objectValue(selection, `${alias}.elem`, depth + 1);
  return (
    `CASE WHEN jsonb_typeof(${document}) = 'array' THEN ` +
    `(SELECT coalesce(json_agg(${element} ORDER BY ${alias}.ord), '[]'::json) ` +
    `FROM jsonb_array_elements(${document}) WITH ORDINALITY AS ${alias}(elem, ord)) END`
  );
}

function objectBody(selection: readonly SelectedField[], document: string, depth: number): string {
  const seen = new Set<string>();
  const pairs = selection.map((field) => {
    if (seen.has(field.responseKey)) {
      // The GraphQL layer merges fields with one response key; two here is a bug upstream.
      throw new TypeError(`Selection has the response key ${field.responseKey} twice`);
    }
    seen.add(field.responseKey);
    return { key: quoteLiteralKey(field.responseKey), value: fieldValue(field, document, depth) };
  });

  if (pairs.length <= MAX_BUILD_OBJECT_KEYS) {
    return `json_build_object(${pairs.map((pair) => `${pair.key}, ${pair.value}`).join(', ')})`;
  }
  const alias = `k${depth}`;
  const rows = pairs.map((pair, index) => `(${index + 1}, ${pair.key}, to_json(${pair.value}))`);
  return (
    `(SELECT json_object_agg(${alias}.json_key, ${alias}.json_value ORDER BY ${alias}.ord) ` +
    `FROM (VALUES ${rows.join(', ')}) AS ${alias}(ord, json_key, json_value))`
  );
}

function fieldValue(field: SelectedField, document: string, depth: number): string {
  switch (field.kind) {
    case 'typename':
      return `${quoteLiteralKey(field.typeName)}::text`;
    case 'masked':
      return 'NULL::json';
    case 'scalar': {
      const key = quoteLiteralKey(field.storageKey);
      return !field.isList && projectsAsText(field.scalar)
        ? `${document}->>${key}`
        : `${document}->${key}`;
    }
    case 'object': {
      const nested = `${document}->${quoteLiteralKey(field.storageKey)}`;
      return field.isList
        ? listValue(field.selections, nested, depth + 1)
        : objectValue(field.selections, nested, depth + 1);
    }
  }
}
