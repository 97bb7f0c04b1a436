/** Why an administration request cannot be done; each maps to one HTTP status. */
export type RbacErrorKind = 'invalid' | 'not_found' | 'conflict';

/**
 * A refused role or permission change, worded for the person who asked (the admin API answers
 * it as 400/404/409; the CLI prints it).
 */
export class RbacError extends Error {
  readonly kind: RbacErrorKind;

  constructor(kind: RbacErrorKind, message: string) {
    super(message);
    this.name = 'RbacError';
    this.kind = kind;
  }
}
