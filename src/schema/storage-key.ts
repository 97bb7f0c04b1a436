/**
 * The key under which a GraphQL field is stored in a view's JSONB column: its snake_case form.
 * `createdAt` -> `created_at`, `tenant_id` stays, `userID` -> `user_id`, `HTTPStatus` ->
 * `http_status`, `address2Line` -> `address2_line`. A run of capitals counts as one word, so an
 * acronym is not split letter by letter.
 */
export function toStorageKey(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}
