import type { FastifyRequest } from 'fastify';
import { z } from 'zod';

import { PublicError } from '../errors/public-error.ts';
import { MAX_PASSWORD_LENGTH } from './password-hasher.ts';

/**
 * The JSON bodies of the /auth routes. Unknown keys are refused by name: a client writing
 * `scope` for `scopes` would otherwise silently get every permission instead of the few it
 * meant to ask for.
 */

const username = z.string().min(1).max(200);
const password = z.string().min(1).max(MAX_PASSWORD_LENGTH);
const scopeName = z.string().regex(/^[^\s]+$/, 'a scope has no spaces').max(200);

export const loginBody = z
  .object({
    username,
    password,
    /** An array of scopes, or one space-separated string (RFC 6749 §3.3). */
    scopes: z
      .union([z.array(scopeName).max(100), z.string().max(10_000)])
      .transform((value) => (typeof value === 'string' ? value.split(/\s+/).filter((item) => item !== '') : value))
      .optional(),
  })
  .strict();

export const refreshBody = z.object({ refresh_token: z.string().min(1).max(200) }).strict();

export const logoutBody = z.object({ refresh_token: z.string().min(1).max(200).optional() }).strict();

export const revokeAllBody = z.object({ sub: z.string().min(1).max(255).optional() }).strict();

export const createUserBody = z
  .object({
    username,
    password,
    email: z.string().min(3).max(320).optional(),
    role: z.string().min(1).max(200).optional(),
    subject: z.string().min(1).max(255).optional(),
  })
  .strict();

export const setPasswordBody = z.object({ password }).strict();

/**
 * The request body checked against `schema`; a missing body counts as `{}`. Refusals name the
 * key and the rule, never the value (it may be a password).
 * @throws PublicError BAD_REQUEST, or UNSUPPORTED_MEDIA_TYPE for a body that is not JSON.
 */
export function readBody<T extends z.ZodType>(request: FastifyRequest, schema: T): z.infer<T> {
  const hasBody = request.body !== undefined && request.body !== null;
  if (hasBody && !isJson(request.headers['content-type'])) {
    throw new PublicError('UNSUPPORTED_MEDIA_TYPE');
  }
  const parsed = schema.safeParse(hasBody ? request.body : {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = issue.path.length === 0 ? 'body' : issue.path.join('.');
      return `${where}: ${issue.message}`;
    });
    throw new PublicError('BAD_REQUEST', {
      message: `Invalid request body (${problems.join('; ')}).`,
      extensions: { reason: 'BAD_REQUEST' },
    });
  }
  return parsed.data;
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}
