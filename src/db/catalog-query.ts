/**
 * The one catalog query behind `loadCatalog`. It takes five text arrays (relation schemas,
 * relation names, function schemas, function names, request role names; a NULL schema means
 * "resolve through the search_path") and answers a single JSON document, so the whole look-up
 * is one round trip.
 *
 * It reads only pg_catalog objects that exist unchanged from PostgreSQL 11 to 18 (`prokind`
 * came in 11; `security_invoker` is a view reloption since 15 and simply absent before).
 *
 * For each view it also lists the tables read with a view owner's rights (`owner_reads`):
 * walking the view's rewrite-rule dependencies (through nested views, at most 16 deep), a view
 * without security_invoker makes its owner the reader of everything below it. Each such table
 * comes with its row-level security state and whether that owner bypasses it. Tables reached
 * only through security_invoker views are read as the request role and are not listed.
 *
 * The same walk gives `setting_reads`: every `current_setting('app.<name>'...)` in the
 * definitions of the views read, in the SELECT policies of the tables read (unless their reader
 * bypasses row-level security), and in the functions those call directly. The schema check
 * uses it to tell whether an inject key that is not a column still filters the rows.
 *
 * A fifth text array names the request roles. For each one that exists, every relation gets
 * `privileges` (USAGE on its schema, SELECT on it, the columns it may SELECT), every function
 * overload `privileges` (USAGE on its schema, EXECUTE), and every relation the walk reaches as
 * the request role (below security_invoker views) an entry in `invoker_reads` saying whether
 * the role may SELECT from it. `missingRoles` lists the roles that do not exist;
 * `roleIdentifiers` maps each role to its name as SQL text (`quote_ident`), and `sql_name` is a
 * relation's name as a GRANT would take it (`regclass`: qualified when off the search_path).
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
request_roles AS (
  -- The roles requests switch to; oid is NULL for a role that does not exist (yet).
  SELECT rn.role_name, rn.ord, r.oid
  FROM unnest($5::text[]) WITH ORDINALITY AS rn(role_name, ord)
  LEFT JOIN pg_roles r ON r.rolname = rn.role_name
),
invoker_views AS (
  SELECT c.oid FROM pg_class c
  WHERE c.relkind = 'v' AND EXISTS (
    SELECT 1 FROM unnest(c.reloptions) AS o(opt)
    WHERE lower(o.opt) IN ('security_invoker=true', 'security_invoker=on', 'security_invoker=1',
                           'security_invoker=yes', 'security_invoker=t', 'security_invoker=y'))
),
view_walk AS (
  -- Every relation a wanted one reads, through nested views (at most 16 deep), with the role
  -- it is read as: the owner of the nearest view above it without security_invoker (reader,
  -- via), or NULL when it is read as the request role. A wanted table is its own only entry.
  WITH RECURSIVE walk(ord, relid, reader, via, depth) AS (
    SELECT w.ord, c.oid,
      CASE WHEN c.relkind <> 'v' OR c.oid IN (SELECT oid FROM invoker_views) THEN NULL
           ELSE c.relowner END,
      CASE WHEN c.relkind <> 'v' OR c.oid IN (SELECT oid FROM invoker_views) THEN NULL
           ELSE c.oid END, 0
    FROM wanted_relations w
    JOIN pg_class c ON c.oid = to_regclass(
      CASE WHEN w.schema_name IS NULL THEN quote_ident(w.rel_name)
           ELSE quote_ident(w.schema_name) || '.' || quote_ident(w.rel_name) END)
    WHERE c.relkind IN ('v', 'r', 'p')
    UNION
    SELECT wk.ord, ref.oid,
      CASE WHEN ref.relkind = 'v' AND ref.oid NOT IN (SELECT oid FROM invoker_views)
           THEN ref.relowner ELSE wk.reader END,
      CASE WHEN ref.relkind = 'v' AND ref.oid NOT IN (SELECT oid FROM invoker_views)
           THEN ref.oid ELSE wk.via END,
      wk.depth + 1
    FROM walk wk
    JOIN pg_rewrite rw ON rw.ev_class = wk.relid
    JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
                    AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> wk.relid
    JOIN pg_class ref ON ref.oid = d.refobjid
    WHERE wk.depth < 16 AND ref.relkind IN ('r', 'p', 'v', 'm', 'f')
  )
  SELECT DISTINCT wk.ord, wk.relid, wk.reader, wk.via,
    (rr.rolsuper OR rr.rolbypassrls OR (t.relowner = wk.reader AND NOT t.relforcerowsecurity))
      AS reader_bypasses
  FROM walk wk
  JOIN pg_class t ON t.oid = wk.relid
  LEFT JOIN pg_roles rr ON rr.oid = wk.reader
),
owner_walk AS (
  SELECT DISTINCT wk.ord, tn.nspname AS schema, t.relname AS name, t.relkind::text AS relkind,
    t.relrowsecurity AS rls, t.relforcerowsecurity AS force_rls,
    (SELECT count(*) FROM pg_policy p WHERE p.polrelid = t.oid)::int AS policies,
    rr.rolname AS reader, wk.reader_bypasses,
    vn.nspname AS via_schema, v.relname AS via_name
  FROM view_walk wk
  JOIN pg_class t ON t.oid = wk.relid
  JOIN pg_namespace tn ON tn.oid = t.relnamespace
  JOIN pg_roles rr ON rr.oid = wk.reader
  JOIN pg_class v ON v.oid = wk.via
  JOIN pg_namespace vn ON vn.oid = v.relnamespace
  WHERE t.relkind IN ('r', 'p', 'm', 'f') AND wk.reader IS NOT NULL
),
read_texts AS (
  -- The SQL that runs when a wanted relation is read: the definitions of the views it reads,
  -- and the row-level security policies filtering reads of its tables (FOR SELECT or ALL,
  -- where the reader does not bypass them).
  SELECT wk.ord, 'view ' || n.nspname || '.' || c.relname AS source,
    pg_get_viewdef(c.oid) AS body, rw.oid AS depender, 'pg_rewrite'::regclass AS depender_class
  FROM view_walk wk
  JOIN pg_class c ON c.oid = wk.relid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_rewrite rw ON rw.ev_class = c.oid
  WHERE c.relkind = 'v'
  UNION ALL
  SELECT wk.ord, 'policy ' || p.polname || ' on ' || n.nspname || '.' || c.relname,
    concat_ws(' ', pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)),
    p.oid, 'pg_policy'::regclass
  FROM view_walk wk
  JOIN pg_class c ON c.oid = wk.relid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_policy p ON p.polrelid = c.oid
  WHERE c.relrowsecurity AND p.polcmd IN ('r', '*') AND NOT coalesce(wk.reader_bypasses, false)
),
invoker_reads AS (
  -- The relations read as the request role when a wanted one is read: what a table or a
  -- security_invoker view reached only through security_invoker views reads (PostgreSQL checks
  -- their privileges against the current user). Each comes with what every existing request
  -- role may do with it: USAGE on its schema, SELECT on at least one column.
  SELECT x.ord, x.schema, x.name, x.relkind, x.sql_name,
    (SELECT coalesce(json_agg(json_build_object(
              'role', rr.role_name,
              'schema_usage', has_schema_privilege(rr.oid, x.relnamespace, 'USAGE'),
              'select', has_any_column_privilege(rr.oid, x.relid, 'SELECT')) ORDER BY rr.ord),
            '[]'::json)
       FROM request_roles rr WHERE rr.oid IS NOT NULL) AS privileges
  FROM (
    SELECT DISTINCT wk.ord, ref.oid AS relid, ref.relnamespace, rn.nspname AS schema,
      ref.relname AS name, ref.relkind::text AS relkind, ref.oid::regclass::text AS sql_name
    FROM view_walk wk
    JOIN pg_rewrite rw ON rw.ev_class = wk.relid
    JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
                    AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> wk.relid
    JOIN pg_class ref ON ref.oid = d.refobjid
    JOIN pg_namespace rn ON rn.oid = ref.relnamespace
    WHERE wk.reader IS NULL AND ref.relkind IN ('r', 'p', 'v', 'm', 'f')
  ) x
),
setting_reads AS (
  -- The app.* settings read_texts reads, directly or in a function they call.
  SELECT DISTINCT x.ord, lower(m.found[1]) AS setting, x.source
  FROM (
    SELECT rt.ord, rt.source, rt.body FROM read_texts rt
    UNION ALL
    SELECT rt.ord, 'function ' || fn.nspname || '.' || f.proname || ' (called by ' || rt.source || ')',
      f.prosrc
    FROM read_texts rt
    JOIN pg_depend d ON d.classid = rt.depender_class AND d.objid = rt.depender
                    AND d.refclassid = 'pg_proc'::regclass
    JOIN pg_proc f ON f.oid = d.refobjid
    JOIN pg_namespace fn ON fn.oid = f.pronamespace
    WHERE fn.nspname <> 'pg_catalog'
  ) x
  CROSS JOIN LATERAL regexp_matches(
    x.body, 'current_setting\\s*\\(\\s*''(app\\.[a-z_][a-z0-9_$]*)''', 'gi') AS m(found)
),
relations AS (
  SELECT w.ord, n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind,
    c.oid::regclass::text AS sql_name, coalesce(c.reloptions, '{}') AS options,
    (SELECT coalesce(json_agg(json_build_object(
              'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum),
            '[]'::json)
       FROM pg_attribute a
      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
    (SELECT coalesce(json_agg(json_build_object(
              'schema', o.schema, 'name', o.name, 'relkind', o.relkind, 'rls', o.rls,
              'force_rls', o.force_rls, 'policies', o.policies, 'reader', o.reader,
              'reader_bypasses', o.reader_bypasses, 'via_schema', o.via_schema,
              'via_name', o.via_name) ORDER BY o.schema, o.name, o.via_schema, o.via_name),
            '[]'::json)
       FROM owner_walk o WHERE o.ord = w.ord) AS owner_reads,
    (SELECT coalesce(json_agg(json_build_object('setting', sr.setting, 'source', sr.source)
              ORDER BY sr.setting, sr.source), '[]'::json)
       FROM setting_reads sr WHERE sr.ord = w.ord) AS setting_reads,
    (SELECT coalesce(json_agg(json_build_object(
              'schema', ir.schema, 'name', ir.name, 'relkind', ir.relkind,
              'sql_name', ir.sql_name, 'privileges', ir.privileges) ORDER BY ir.schema, ir.name),
            '[]'::json)
       FROM invoker_reads ir WHERE ir.ord = w.ord) AS invoker_reads,
    (SELECT coalesce(json_agg(json_build_object(
              'role', rr.role_name,
              'schema_usage', has_schema_privilege(rr.oid, c.relnamespace, 'USAGE'),
              'select', has_table_privilege(rr.oid, c.oid, 'SELECT'),
              'columns', (SELECT coalesce(json_agg(a.attname ORDER BY a.attnum), '[]'::json)
                            FROM pg_attribute a
                           WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                             AND has_column_privilege(rr.oid, c.oid, a.attnum, 'SELECT')))
              ORDER BY rr.ord), '[]'::json)
       FROM request_roles rr WHERE rr.oid IS NOT NULL) AS privileges
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
    END AS return_columns,
    (SELECT coalesce(json_agg(json_build_object(
              'role', rr.role_name,
              'schema_usage', has_schema_privilege(rr.oid, p.pronamespace, 'USAGE'),
              'execute', has_function_privilege(rr.oid, p.oid, 'EXECUTE')) ORDER BY rr.ord),
            '[]'::json)
       FROM request_roles rr WHERE rr.oid IS NOT NULL) AS privileges
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
  'missingRoles', (SELECT coalesce(json_agg(rr.role_name ORDER BY rr.ord), '[]'::json)
                   FROM request_roles rr WHERE rr.oid IS NULL),
  'roleIdentifiers', (SELECT coalesce(json_object_agg(rr.role_name, quote_ident(rr.role_name)),
                                      '{}'::json)
                      FROM request_roles rr),
  'relations', (SELECT coalesce(json_agg(r ORDER BY r.ord), '[]'::json) FROM relations r),
  'functions', (SELECT coalesce(json_agg(f ORDER BY f.ord, f.path_position, f.signature), '[]'::json)
                FROM functions f)
)::text AS catalog
`;
