import type { SelectedField } from '../../../src/sql/selection.ts';

/** Shorthands for building selections in tests. */
export function scalar(
  responseKey: string,
  scalarName = 'String',
  storageKey?: string,
): SelectedField {
  return {
    kind: 'scalar',
    responseKey,
    storageKey: storageKey ?? responseKey.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
    scalar: scalarName,
    isList: false,
  };
}

export function scalarList(responseKey: string, scalarName = 'String'): SelectedField {
  return { kind: 'scalar', responseKey, storageKey: responseKey, scalar: scalarName, isList: true };
}

export function object(
  responseKey: string,
  typeName: string,
  selections: readonly SelectedField[],
  options: { isList?: boolean; storageKey?: string } = {},
): SelectedField {
  return {
    kind: 'object',
    responseKey,
    storageKey: options.storageKey ?? responseKey,
    typeName,
    isList: options.isList ?? false,
    selections,
  };
}

export function typename(typeName: string, responseKey = '__typename'): SelectedField {
  return { kind: 'typename', responseKey, typeName };
}

export function masked(responseKey: string): SelectedField {
  return { kind: 'masked', responseKey };
}
