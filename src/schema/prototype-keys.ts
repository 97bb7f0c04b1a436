import { describePath, isPlainObject } from './schema-json-path.ts';

/**
 * Paths of every `__proto__` key in a parsed JSON document. `JSON.parse` keeps such a key as
 * data, but copying it into a new object (as validation does) sets the copy's prototype
 * instead, so the entry would vanish silently: an inject map could lose a rule that way. Such
 * keys are refused wherever they appear.
 */
export function findPrototypeKeys(document: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown, path: PropertyKey[]): void => {
    if (Array.isArray(value)) {
      value.forEach((item: unknown, index) => visit(item, [...path, index]));
    } else if (isPlainObject(value)) {
      for (const key of Object.keys(value)) {
        if (key === '__proto__') found.push(describePath(document, [...path, key]));
        else visit(value[key], [...path, key]);
      }
    }
  };
  visit(document, []);
  return found;
}
