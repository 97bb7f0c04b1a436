/**
 * Thrown by the authoring API (`type`, `query`, `mutation`, `defineSchema`, ...) as soon as a
 * declaration is wrong, naming the declaration and the option: the mistake shows up when the
 * schema module is loaded, not later at compile or request time.
 */
export class SchemaAuthoringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaAuthoringError';
  }
}
