/**
 * Turns a path into a `schema.json` document into readable text, naming array elements by their
 * `name` when they have one: `['queries', 2, 'inject_params']` becomes
 * `queries[tenantOrders].inject_params`.
 */
export function describePath(document: unknown, path: readonly PropertyKey[]): string {
  let text = '';
  let current: unknown = document;
  for (const segment of path) {
    if (typeof segment === 'number' && Array.isArray(current)) {
      const element: unknown = current[segment];
      text += `[${elementLabel(element, segment)}]`;
      current = element;
      continue;
    }
    const key = String(segment);
    text += text === '' ? key : `.${key}`;
    current = isPlainObject(current) ? current[key] : undefined;
  }
  return text === '' ? '(document)' : text;
}

/** An array element's label: its `name` when it is a non-empty string, else its index. */
export function elementLabel(element: unknown, index: number): string {
  if (isPlainObject(element) && typeof element.name === 'string' && element.name !== '') {
    return element.name;
  }
  return String(index);
}

/** True for a JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
