/** A key as the HTTP API and the CLI show it (see `describeApiKey`): never the secret. */
export type KeyView = Readonly<Record<string, unknown>>;

/** A new key: the only time it is shown. */
export interface IssuedKeyView {
  readonly key: string;
  readonly view: KeyView;
}

/** The fields of `POST /api/keys`, as a client sends them. */
export interface CreateKeyBody {
  readonly name?: string;
  readonly scopes?: readonly string[];
  readonly expires_in?: string | number;
  readonly expires_at?: string;
  readonly owner?: string;
}

/** The fields of `POST /api/keys/{id}/rotate`. */
export interface RotateKeyBody {
  readonly grace?: string | number;
  readonly expires_in?: string | number;
  readonly expires_at?: string;
}

/** The outcome of a revocation. */
export interface RevokedKeyView {
  readonly view: KeyView;
  /** True when the key was revoked before: nothing changed. */
  readonly alreadyRevoked: boolean;
}

/** A refused or failed administration step; the message is for the person at the terminal. */
export class KeyAdministrationError extends Error {
  constructor(
    message: string,
    /** The HTTP status a server refused with, when a server did. */
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'KeyAdministrationError';
  }
}

/**
 * Key management as the CLI uses it: directly on the project's database, or through a running
 * server's /api/keys when that server holds the (embedded) database.
 */
export interface KeyAdministration {
  /** Where the work happens, for messages: `database` or `server http://...`. */
  readonly where: string;
  create(body: CreateKeyBody): Promise<IssuedKeyView>;
  /** Keys of `owner`, or every key when undefined. */
  list(owner: string | undefined): Promise<KeyView[]>;
  rotate(id: string, body: RotateKeyBody): Promise<IssuedKeyView & { readonly replaces: KeyView }>;
  /**
   * Revokes a key named by its id, its prefix (`sk_` + 9 characters) or the key itself. A key
   * already revoked is left as it is, and said to be.
   */
  revoke(reference: string): Promise<RevokedKeyView>;
}

/** How a key is named on the command line. */
export type KeyReference =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'prefix'; readonly prefix: string }
  | { readonly kind: 'key'; readonly key: string };
