/**
 * What the client selected, with fragments, aliases and `@skip`/`@include` already resolved
 * by the GraphQL layer. The SQL layer turns it into a JSON projection; nothing in it comes
 * from the request text except `responseKey`, which is only ever emitted as a bound value or
 * a quoted literal produced by `quoteLiteralKey`.
 */
export type SelectedField =
  | {
      readonly kind: 'typename';
      readonly responseKey: string;
      /** The concrete type name (from the compiled schema). */
      readonly typeName: string;
    }
  | {
      readonly kind: 'scalar';
      readonly responseKey: string;
      /** Key inside the JSONB document (from the compiled schema). */
      readonly storageKey: string;
      /** GraphQL scalar or enum name, e.g. `String`, `Int`, `DateTime`. */
      readonly scalar: string;
      /** A list of scalars (returned as the stored JSON array). */
      readonly isList: boolean;
    }
  | {
      readonly kind: 'object';
      readonly responseKey: string;
      readonly storageKey: string;
      /** The object type name, for nested `__typename` and filters. */
      readonly typeName: string;
      /** The stored value is an array of objects; each element is projected. */
      readonly isList: boolean;
      readonly selections: readonly SelectedField[];
    }
  | {
      /** A field the caller may not read, configured with `onDeny: 'mask'`: always null. */
      readonly kind: 'masked';
      readonly responseKey: string;
    };
