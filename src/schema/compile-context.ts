import type { JsonValue, NamedTypeKind, TypeRef } from './compiled-schema.ts';
import { closestName } from './edit-distance.ts';
import { BUILT_IN_SCALARS, GRAPHQL_SCALARS } from './scalar-names.ts';
import type { SchemaProblem } from './schema-compile-error.ts';
import type { SchemaIr } from './schema-json-shapes.ts';
import { formatTypeRef, namedTypeOf, parseTypeString, toTypeRef } from './type-string.ts';

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** Whether a type is read (object fields, return types) or written (arguments, input fields). */
export type TypeUsage = 'output' | 'input';

/**
 * Shared state of one compile: the declared names, the problems, warnings and notes so far, and
 * the scalars the schema uses. Checks record a problem and carry on, so that one compile reports
 * everything wrong at once.
 */
export class CompileContext {
  readonly problems: SchemaProblem[] = [];
  readonly warnings: string[] = [];
  /** Things served differently from how they were declared, on purpose: worth knowing, not fixing. */
  readonly notes: string[] = [];
  /** Declared type names and what they are. */
  readonly namedTypes = new Map<string, NamedTypeKind>();
  /** Enum values by enum name, for checking defaults. */
  readonly enumValues = new Map<string, ReadonlySet<string>>();
  private readonly usedScalars = new Set<string>();

  constructor(readonly ir: SchemaIr) {}

  problem(where: string, message: string): void {
    this.problems.push({ where, message });
  }

  warn(where: string, message: string): void {
    this.warnings.push(`${where}: ${message}`);
  }

  note(where: string, message: string): void {
    this.notes.push(`${where}: ${message}`);
  }

  /** Records a problem unless `name` is a GraphQL name that does not start with `__`. */
  checkName(name: string, where: string, what: string): boolean {
    if (!GRAPHQL_NAME.test(name) || name.startsWith('__')) {
      this.problem(
        where,
        `${what} "${name}" is not a GraphQL name: use letters, digits and _, starting with a letter or _ (and not with __)`,
      );
      return false;
    }
    return true;
  }

  /** What a name refers to: a declared type or a built-in scalar. */
  kindOf(name: string): NamedTypeKind | undefined {
    return this.namedTypes.get(name) ?? (BUILT_IN_SCALARS.has(name) ? 'scalar' : undefined);
  }

  /**
   * Reads a type string into a `TypeRef`. The outer nullability comes from `nullable`; a `!`
   * written after the type is dropped with a warning, as FraiseQL does. Records a problem and
   * returns undefined for bad syntax, unknown names, and types of the wrong kind for `usage`.
   */
  resolveType(
    text: string,
    nullable: boolean,
    where: string,
    usage: TypeUsage,
  ): TypeRef | undefined {
    const parsed = parseTypeString(text);
    if (!parsed.ok) {
      this.problem(where, parsed.message);
      return undefined;
    }
    if (parsed.type.nonNull) {
      this.warn(
        where,
        `the "!" in "${text}" is ignored: nullability comes from "nullable" (${String(nullable)})`,
      );
    }
    const name = namedTypeOf(parsed.type);
    if (!this.checkNamedType(name, where, usage)) return undefined;
    return toTypeRef(parsed.type, nullable);
  }

  /** Records a problem unless `name` is declared and fits `usage`; notes scalars used. */
  checkNamedType(name: string, where: string, usage: TypeUsage): boolean {
    const kind = this.kindOf(name);
    if (kind === undefined) {
      const suggestion = closestName(name, [...this.namedTypes.keys(), ...BUILT_IN_SCALARS]);
      const hint =
        suggestion === undefined
          ? 'declare it in "types", "enums" or "input_types", or as a scalar in "custom_scalars"'
          : `did you mean "${suggestion}"? Otherwise declare it`;
      this.problem(where, `unknown type "${name}": ${hint}`);
      return false;
    }
    if (usage === 'output' && kind === 'input') {
      this.problem(
        where,
        `"${name}" is an input type; a field or return type needs an object type, enum or scalar`,
      );
      return false;
    }
    if (usage === 'input' && kind === 'object') {
      this.problem(
        where,
        `"${name}" is an object type; arguments and input fields need an input type, enum or scalar`,
      );
      return false;
    }
    if (kind === 'scalar') this.usedScalars.add(name);
    return true;
  }

  /** Scalars beyond GraphQL's five, used or declared, sorted. */
  customScalars(): string[] {
    const declared = [...this.namedTypes]
      .filter(([, kind]) => kind === 'scalar')
      .map(([name]) => name);
    return [...new Set([...this.usedScalars, ...declared])]
      .filter((name) => !GRAPHQL_SCALARS.has(name))
      .sort();
  }

  /** Records a problem unless `value` is a valid default for `type`. */
  checkDefault(value: JsonValue, type: TypeRef, where: string): void {
    const mismatch = this.defaultMismatch(value, type);
    if (mismatch !== undefined) {
      this.problem(
        where,
        `the default ${JSON.stringify(value)} does not fit ${formatTypeRef(type)}: ${mismatch}`,
      );
    }
  }

  private defaultMismatch(value: JsonValue, type: TypeRef): string | undefined {
    if (value === null) return type.nullable ? undefined : 'null is not allowed here';
    if (type.kind === 'list') {
      if (!Array.isArray(value)) return 'a list is expected';
      for (const item of value as readonly JsonValue[]) {
        const inner = this.defaultMismatch(item, type.of);
        if (inner !== undefined) return inner;
      }
      return undefined;
    }
    switch (type.name) {
      case 'Int':
        return Number.isInteger(value) && Math.abs(value as number) <= 2 ** 31 - 1
          ? undefined
          : 'a 32-bit integer is expected';
      case 'Float':
        return typeof value === 'number' ? undefined : 'a number is expected';
      case 'Boolean':
        return typeof value === 'boolean' ? undefined : 'true or false is expected';
      case 'String':
        return typeof value === 'string' ? undefined : 'a string is expected';
      case 'ID':
        return typeof value === 'string' || Number.isInteger(value)
          ? undefined
          : 'a string is expected';
      default:
        return this.namedDefaultMismatch(value, type.name);
    }
  }

  private namedDefaultMismatch(value: JsonValue, name: string): string | undefined {
    const values = this.enumValues.get(name);
    if (values !== undefined) {
      return typeof value === 'string' && values.has(value)
        ? undefined
        : `one of ${[...values].join(', ')} is expected`;
    }
    if (this.kindOf(name) === 'input') {
      return typeof value === 'object' && !Array.isArray(value)
        ? undefined
        : 'an object is expected';
    }
    // Custom scalars accept any JSON value: they have no validation yet.
    return undefined;
  }
}
