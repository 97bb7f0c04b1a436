/**
 * A set that refuses changes once built. Principals are cached and shared between requests,
 * so a layer that added a scope to one request's principal would grant it to the next ones.
 */
class FrozenSet<T> extends Set<T> {
  readonly #sealed: boolean;

  constructor(items: Iterable<T>) {
    super();
    for (const item of items) super.add(item);
    this.#sealed = true;
    Object.freeze(this);
  }

  override add(item: T): this {
    if (this.#sealed) throw new TypeError('a principal cannot be changed');
    return super.add(item);
  }

  override delete(): boolean {
    throw new TypeError('a principal cannot be changed');
  }

  override clear(): void {
    throw new TypeError('a principal cannot be changed');
  }
}

/** A read-only set of `items` whose mutators throw. */
export function frozenSet<T>(items: Iterable<T>): ReadonlySet<T> {
  return new FrozenSet(items);
}
