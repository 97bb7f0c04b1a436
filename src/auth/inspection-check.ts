import type { ErrorReason } from '../errors/catalogue.ts';

/** The checks `token inspect` reports, in printing order. */
export type InspectionCheckName =
  | 'configuration'
  | 'format'
  | 'header'
  | 'signature'
  | 'exp'
  | 'nbf'
  | 'iat'
  | 'iss'
  | 'aud'
  | 'lifetime'
  | 'subject'
  | 'scopes'
  | 'roles'
  | 'jti';

/** `info` reports a fact that accepts or refuses nothing (scopes, roles). */
export type InspectionStatus = 'ok' | 'fail' | 'skipped' | 'info';

/** One line of the report. */
export interface InspectionCheck {
  readonly name: InspectionCheckName;
  readonly status: InspectionStatus;
  readonly summary: string;
  /** The refusal reason when `status` is `fail`. */
  readonly reason?: ErrorReason;
}

/** A check that passed. */
export function passedCheck(name: InspectionCheckName, summary: string): InspectionCheck {
  return { name, status: 'ok', summary };
}

/** A check not made (absent claim, nothing configured, an earlier failure). */
export function skippedCheck(name: InspectionCheckName, summary: string): InspectionCheck {
  return { name, status: 'skipped', summary };
}

/** A fact that accepts or refuses nothing. */
export function infoCheck(name: InspectionCheckName, summary: string): InspectionCheck {
  return { name, status: 'info', summary };
}

/** A check that refuses the token. */
export function failedCheck(name: InspectionCheckName, summary: string): InspectionCheck {
  return { name, status: 'fail', summary };
}
