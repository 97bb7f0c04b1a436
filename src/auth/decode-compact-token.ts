import { authFailure } from './auth-failure.ts';

/** A token split and decoded, nothing verified yet. */
export interface DecodedToken {
  /** The JOSE header (RFC 7515 §4). Unverified. */
  readonly header: Readonly<Record<string, unknown>>;
  /** The claims set (RFC 7519 §4). Unverified. */
  readonly payload: Readonly<Record<string, unknown>>;
  /** Lengths of the three parts, for diagnostics. */
  readonly partLengths: readonly [number, number, number];
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Splits a JWS compact serialisation (RFC 7515 §7.1) and decodes its header and claims
 * without verifying anything, refusing with MALFORMED_TOKEN whatever is not three unpadded
 * base64url parts whose first two are UTF-8 JSON objects (RFC 7519 §7.2 steps 1-10).
 *
 * The signature part may be empty here so that an unsigned `alg: none` token is refused for
 * what it is (ALGORITHM_NOT_ALLOWED) rather than as malformed.
 */
export function decodeCompactToken(token: string, maxTokenBytes: number): DecodedToken {
  if (token.length > maxTokenBytes) {
    throw malformed(`the token has ${token.length} bytes; the limit is ${maxTokenBytes}`);
  }
  const parts = token.split('.');
  if (parts.length === 5) {
    throw malformed(
      'the token has five parts: it is an encrypted JWE, and only signed JWTs are accepted',
    );
  }
  if (parts.length !== 3) {
    throw malformed(
      `the token has ${parts.length} part${parts.length === 1 ? '' : 's'}; a JWT has three, ` +
        'header.payload.signature, separated by dots',
    );
  }
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeJsonObject(headerPart, 'header');
  const payload = decodeJsonObject(payloadPart, 'payload');
  if (!isBase64url(signaturePart)) {
    throw malformed('the signature part is not canonical unpadded base64url');
  }
  return {
    header,
    payload,
    partLengths: [headerPart.length, payloadPart.length, signaturePart.length],
  };
}

/**
 * True when `part` is canonical unpadded base64url (RFC 7515 §2). Decoders ignore the unused
 * low bits of the last character, so `...Xk` and `...Xl` can decode to the same bytes; only the
 * canonical spelling is accepted, so that one token has one text.
 */
function isBase64url(part: string): boolean {
  if (!BASE64URL.test(part) || part.length % 4 === 1) return false;
  return Buffer.from(part, 'base64url').toString('base64url') === part;
}

function decodeJsonObject(part: string, name: 'header' | 'payload'): Record<string, unknown> {
  if (part === '') throw malformed(`the ${name} part is empty`);
  if (!isBase64url(part)) throw malformed(`the ${name} part is not canonical unpadded base64url`);
  let text: string;
  try {
    text = UTF8.decode(Buffer.from(part, 'base64url'));
  } catch {
    throw malformed(`the ${name} part does not decode to UTF-8 text`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed(`the ${name} part is not valid JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw malformed(`the ${name} part is JSON but not an object`);
  }
  return value as Record<string, unknown>;
}

function malformed(explanation: string): Error {
  return authFailure('MALFORMED_TOKEN', explanation);
}
