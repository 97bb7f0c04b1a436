/**
 * The one catalog query behind `loadCatalog`. It takes four text arrays (relation schemas,
 * relation names, function schemas, function names; a NULL schema means "resolve through the
 * search_path") and answers a single JSON document, so the whole look-up is one round trip.
 *
 * It reads only pg_catalog objects that exist unchanged from PostgreSQL 11 to 18 (`prokind`
 * came in 11; `security_invoker` is a view reloption since 15 and simply absent before).
 */
export const CATALOG_QUERY = `
WITH wanted_relations AS (
  SELECT r.schema_name, r.rel_name, r.ord
  FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS r(schema_name, rel_name, ord)
),
wanted_functions AS (
  SELECT f.schema_name, f.fn_name, f.ord
  FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS f(schema_name, fn_name, ord)
),
search_path AS (
  SELECT s.nsp, s.pos FROM unnest(current_schemas(true)) WITH ORDINALITY AS s(nsp, pos)
),
relations AS (
  SELECT w.ord, n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind,
    coalesce(c.reloptions, '{}') AS options,
    (SELECT coalesce(json_agg(json_build_object(
              'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum),
            '[]'::json)
       FROM pg_attribute a
      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
  FROM wanted_relations w
  JOIN pg_class c ON c.oid = to_regclass(
    CASE WHEN w.schema_name IS NULL THEN quote_ident(w.rel_name)
         ELSE quote_ident(w.schema_name) || '.' || quote_ident(w.rel_name) END)
  JOIN pg_namespace n ON n.oid = c.relnamespace
),
functions AS (
  SELECT w.ord, n.nspname AS schema, p.proname AS name,
    p.oid::regprocedure::text AS signature, p.prokind::text AS kind, p.proretset AS set_of,
    format_type(p.prorettype, NULL) AS return_type, t.typtype::text AS return_kind,
    p.proargtypes::text AS input_types, coalesce(sp.pos, 0) AS path_position,
    p.pronargdefaults AS default_count,
    (SELECT coalesce(json_agg(json_build_object(
              'name', coalesce(p.proargnames[a.i], ''), 'type', format_type(a.t, NULL),
              'mode', coalesce(p.proargmodes[a.i]::text, 'i')) ORDER BY a.i), '[]'::json)
       FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY AS a(t, i))
      AS arguments,
    CASE WHEN t.typtype = 'c' THEN
      (SELECT coalesce(json_agg(json_build_object(
                'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum),
              '[]'::json)
         FROM pg_attribute a
        WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped)
    END AS return_columns
  FROM wanted_functions w
  JOIN pg_proc p ON p.proname = w.fn_name
  JOIN pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_type t ON t.oid = p.prorettype
  LEFT JOIN search_path sp ON sp.nsp = n.nspname
  WHERE (w.schema_name IS NOT NULL AND n.nspname = w.schema_name)
     OR (w.schema_name IS NULL AND sp.pos IS NOT NULL AND n.nspname NOT LIKE 'pg\\_temp%')
)
SELECT json_build_object(
  'searchPath', to_json(current_schemas(false)),
  'relations', (SELECT coalesce(json_agg(r ORDER BY r.ord), '[]'::json) FROM relations r),
  'functions', (SELECT coalesce(json_agg(f ORDER BY f.ord, f.path_position, f.signature), '[]'::json)
                FROM functions f)
)::text AS catalog
`;
