import { existsSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';

import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';

import { configSchema } from './config-schema.ts';
import { ENV_BINDINGS, NOT_YET_ENFORCED_ENV, type EnvBinding } from './environment-variables.ts';
import type { ResolvedConfig } from './resolved-config.ts';

/** A configuration the server cannot run with. The message says what to change. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** The project directory. Default: the current directory. */
  readonly dir?: string;
  /** Environment to read. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

type Table = Record<string, unknown>;

/**
 * Reads `fraiseql.toml` (when present) from the project directory, expands `${VAR}` in its
 * strings, applies the environment variables of ENV_BINDINGS on top, and validates the result.
 * Throws ConfigError naming the key and what to do.
 */
export function loadConfig(options: LoadConfigOptions = {}): ResolvedConfig {
  const projectDir = resolve(options.dir ?? process.cwd());
  const env = options.env ?? process.env;
  const configPath = join(projectDir, 'fraiseql.toml');
  const hasFile = existsSync(configPath);

  refuseNotYetEnforced(env);

  const raw: Table = hasFile ? readToml(configPath) : {};
  const origins: ValueOrigins = new Map();
  const expanded = expandTable(raw, env, '', origins);
  for (const binding of ENV_BINDINGS) applyEnv(expanded, binding, env, origins);

  const parsed = configSchema.safeParse(expanded);
  if (!parsed.success) {
    throw new ConfigError(describeIssues(parsed.error, origins, hasFile ? raw : {}, configPath));
  }
  const file = parsed.data;

  const production = [env.NODE_ENV, env.FRAISEQL_ENV].some(
    (value) => value?.toLowerCase() === 'production',
  );
  const within = (path: string): string => (isAbsolute(path) ? path : join(projectDir, path));

  return {
    ...file,
    project: { ...file.project, name: file.project.name ?? basename(projectDir) },
    production,
    projectDir,
    ...(hasFile ? { configPath } : {}),
    paths: {
      ...resolveSchemaSource(projectDir, file.schema.source),
      compiled: within(file.schema.compiled),
      dataDir: within(file.database.data_dir),
      migrationsDir: within(file.database.migrations_dir),
    },
  };
}

function readToml(path: string): Table {
  try {
    return parseToml(readFileSync(path, 'utf8')) as Table;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${path} is not valid TOML: ${reason}`);
  }
}

function refuseNotYetEnforced(env: Readonly<Record<string, string | undefined>>): void {
  for (const [name, reason] of Object.entries(NOT_YET_ENFORCED_ENV)) {
    if (env[name] !== undefined && env[name] !== '') {
      throw new ConfigError(
        `${name} is set, but ${reason}. Unset ${name}, or enforce it in front of fraiseql-ts ` +
          '(a proxy), so that nobody relies on a protection that is not there.',
      );
    }
  }
}

/**
 * Where a value that did not come from the file as written came from, by dotted path
 * (`auth.leeway_seconds`, `auth.previous_secrets.0.secret`): the environment variable that set
 * it, or the `${VAR}` of the file it was expanded from. Names only: values may be secrets.
 */
type ValueOrigins = Map<string, { readonly variable: string; readonly via: 'env' | 'placeholder' }>;

/**
 * One line per problem, each naming where its value came from: the environment variable
 * that set it (the file is named only when it holds a value the variable overrides), the
 * file, or the file's `${VAR}`. A problem with no value behind it names only the key.
 */
function describeIssues(
  error: z.ZodError,
  origins: ValueOrigins,
  file: Table,
  configPath: string,
): string {
  const lines = [...error.issues]
    .sort((a, b) => a.path.length - b.path.length)
    .map((issue) => {
      const path = issue.path.map(String);
      const at = path.length === 0 ? '' : `\n  → at ${path.join('.')}`;
      return `✖ ${issue.message}${at}${sourceOf(path, origins, file, configPath)}`;
    });
  return `Invalid configuration:\n${lines.join('\n')}`;
}

function sourceOf(
  path: readonly string[],
  origins: ValueOrigins,
  file: Table,
  configPath: string,
): string {
  // The longest prefix with a recorded origin: JWT_AUDIENCE sets auth.audience, whose item
  // auth.audience.0 may be the one refused.
  for (let length = path.length; length > 0; length -= 1) {
    const origin = origins.get(path.slice(0, length).join('.'));
    if (origin === undefined) continue;
    if (origin.via === 'placeholder') return ` in ${configPath}, from \${${origin.variable}}`;
    const overrides = holds(file, path) ? ` (it overrides the value in ${configPath})` : '';
    return `, set by the environment variable ${origin.variable}${overrides}`;
  }
  return holds(file, path) ? ` in ${configPath}` : '';
}

/** True when the file sets a value at `path` (a table counts: its unknown keys are in it). */
function holds(table: Table, path: readonly string[]): boolean {
  let current: unknown = table;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) {
      return false;
    }
    current = (current as Table)[segment];
  }
  return true;
}

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Expands `${VAR}` and `${VAR:-default}` in every string. A value that is exactly `${VAR}`
 * with VAR unset or empty is dropped, so the key takes its default (`url = "${DATABASE_URL}"`
 * means embedded when DATABASE_URL is unset). An unset variable inside longer text is an error.
 */
function expandTable(
  table: Table,
  env: Readonly<Record<string, string | undefined>>,
  at: string,
  origins: ValueOrigins,
): Table {
  const out: Table = {};
  for (const [key, value] of Object.entries(table)) {
    const path = at === '' ? key : `${at}.${key}`;
    const expanded = expandValue(value, env, path, origins);
    if (expanded !== undefined) out[key] = expanded;
  }
  return out;
}

function expandValue(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  path: string,
  origins: ValueOrigins,
): unknown {
  if (typeof value === 'string') return expandString(value, env, path, origins);
  if (Array.isArray(value)) {
    return value.map((item, index) => expandValue(item, env, `${path}[${index}]`, origins));
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return expandTable(value as Table, env, path, origins);
  }
  return value;
}

function expandString(
  value: string,
  env: Readonly<Record<string, string | undefined>>,
  path: string,
  origins: ValueOrigins,
): string | undefined {
  // The key origins are looked up by: `a.b[0]` as `a.b.0`, the way validation names it.
  const key = path.replace(/\[(\d+)\]/g, '.$1');
  const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value);
  if (whole?.[1] !== undefined) {
    const found = env[whole[1]];
    if (found === undefined || found === '') return undefined;
    origins.set(key, { variable: whole[1], via: 'placeholder' });
    return found;
  }
  return value.replace(PLACEHOLDER, (_match, name: string, fallback: string | undefined) => {
    const found = env[name];
    if (found !== undefined && found !== '') {
      origins.set(key, { variable: name, via: 'placeholder' });
      return found;
    }
    if (fallback !== undefined) return fallback;
    throw new ConfigError(
      `fraiseql.toml: ${path} refers to \${${name}}, which is not set. Set ${name}, or write ` +
        `\${${name}:-default} to give a default.`,
    );
  });
}

function applyEnv(
  table: Table,
  binding: EnvBinding,
  env: Readonly<Record<string, string | undefined>>,
  origins: ValueOrigins,
): void {
  const text = env[binding.name];
  if (text === undefined || text === '') return;
  const [section, key] = binding.path;
  const target = (table[section] ??= {}) as Table;
  target[key] = convertEnvValue(binding, text);
  origins.set(`${section}.${key}`, { variable: binding.name, via: 'env' });
}

function convertEnvValue(binding: EnvBinding, text: string): unknown {
  switch (binding.kind) {
    case 'string':
      return text;
    case 'integer': {
      if (!/^\d+$/.test(text.trim())) {
        throw new ConfigError(`${binding.name} must be a whole number, got "${text}".`);
      }
      return Number(text.trim());
    }
    case 'boolean': {
      const normal = text.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(normal)) return true;
      if (['0', 'false', 'no', 'off'].includes(normal)) return false;
      throw new ConfigError(`${binding.name} must be true or false, got "${text}".`);
    }
    case 'list': {
      const items = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
      return binding.path[1] === 'audience' && items.length === 1 ? items[0] : items;
    }
  }
}

function resolveSchemaSource(
  projectDir: string,
  configured: string | undefined,
): { schemaSource?: string } {
  if (configured !== undefined) {
    return { schemaSource: isAbsolute(configured) ? configured : join(projectDir, configured) };
  }
  for (const candidate of ['schema.ts', 'schema.json']) {
    const path = join(projectDir, candidate);
    if (existsSync(path)) return { schemaSource: path };
  }
  return {};
}
