import { randomUUID } from 'node:crypto';

import { isDatabaseError, type Database } from '../db/database.ts';

/** What a login reads about a user. */
export interface LoginRecord {
  readonly id: string;
  readonly subject: string;
  /** NULL when the user cannot log in with a password. */
  readonly passwordHash: string | null;
  readonly disabled: boolean;
}

/** A user as the CLI and the admin API show it (never the hash). */
export interface UserSummary {
  readonly id: string;
  readonly subject: string;
  readonly username: string | null;
  readonly email: string | null;
  /** Primary role (users.role). */
  readonly role: string | null;
  /** Every role: the primary one and those granted in user_roles, sorted. */
  readonly roles: readonly string[];
  readonly disabled: boolean;
  readonly hasPassword: boolean;
  readonly createdAt: string;
}

/** What creating a user takes. */
export interface NewUser {
  readonly username: string;
  readonly passwordHash: string;
  readonly email?: string;
  /** Primary role; must exist in fraiseql_auth.roles. */
  readonly role?: string;
  /**
   * The JWT `sub`. Default: a random UUID, which nobody can guess from the order users were
   * added in and which fits row-level security policies casting the subject to uuid (as the
   * example's do).
   */
  readonly subject?: string;
}

/** A user change refused by the database for a reason the caller can fix. */
export class UserChangeError extends Error {
  constructor(
    message: string,
    readonly kind: 'exists' | 'unknown_role',
  ) {
    super(message);
    this.name = 'UserChangeError';
  }
}

const SUMMARY = `id::text AS id, subject, username, email, role,
  ARRAY(SELECT r.name FROM fraiseql_auth.roles r
         WHERE r.name = users.role
            OR r.id IN (SELECT ur.role_id FROM fraiseql_auth.user_roles ur WHERE ur.user_id = users.id)
         ORDER BY r.name) AS roles,
  disabled, password_hash IS NOT NULL AS "hasPassword",
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt"`;

/**
 * fraiseql_auth.users (built-in migration 003) as login and user administration use it. Runs as
 * the server's login role: request roles cannot read this schema.
 */
export class UserStore {
  constructor(private readonly database: Database) {}

  async findByUsername(username: string): Promise<LoginRecord | undefined> {
    const result = await this.database.query<LoginRecord>(
      `SELECT id::text AS id, subject, password_hash AS "passwordHash", disabled
         FROM fraiseql_auth.users WHERE username = $1`,
      [username],
    );
    return result.rows[0];
  }

  /** Every permission the user holds through users.role and user_roles, sorted. */
  async permissionsOf(userId: string): Promise<string[]> {
    const result = await this.database.query<{ permission: string }>(
      `SELECT DISTINCT permission FROM fraiseql_auth.user_permissions
        WHERE user_id = $1::bigint ORDER BY permission`,
      [userId],
    );
    return result.rows.map((row) => row.permission);
  }

  async create(user: NewUser): Promise<UserSummary> {
    try {
      const result = await this.database.query<UserSummary>(
        `INSERT INTO fraiseql_auth.users (username, password_hash, email, role, subject)
         VALUES ($1, $2, $3, $4, $5) RETURNING ${SUMMARY}`,
        [
          user.username,
          user.passwordHash,
          user.email ?? null,
          user.role ?? null,
          user.subject ?? randomUUID(),
        ],
      );
      const created = result.rows[0];
      if (created === undefined) throw new Error('INSERT ... RETURNING gave no row');
      return created;
    } catch (error) {
      if (isDatabaseError(error) && error.code === '23505') {
        throw new UserChangeError(
          `A user with this ${error.constraint?.includes('subject') === true ? 'subject' : 'username'} already exists.`,
          'exists',
        );
      }
      if (isDatabaseError(error) && error.code === '23503') {
        throw new UserChangeError(
          `Role "${user.role ?? ''}" does not exist; create it first (fraiseql_auth.roles).`,
          'unknown_role',
        );
      }
      throw error;
    }
  }

  /** Undefined when no user has this username. */
  async setPasswordHash(username: string, passwordHash: string): Promise<UserSummary | undefined> {
    const result = await this.database.query<UserSummary>(
      `UPDATE fraiseql_auth.users SET password_hash = $2, updated_at = now()
        WHERE username = $1 RETURNING ${SUMMARY}`,
      [username, passwordHash],
    );
    return result.rows[0];
  }

  /** Disabling revokes every token of the user (a trigger of built-in migration 006). */
  async setDisabled(username: string, disabled: boolean): Promise<UserSummary | undefined> {
    const result = await this.database.query<UserSummary>(
      `UPDATE fraiseql_auth.users SET disabled = $2, updated_at = now()
        WHERE username = $1 RETURNING ${SUMMARY}`,
      [username, disabled],
    );
    return result.rows[0];
  }

  async list(): Promise<UserSummary[]> {
    const result = await this.database.query<UserSummary>(
      `SELECT ${SUMMARY} FROM fraiseql_auth.users ORDER BY id`,
    );
    return [...result.rows];
  }
}
