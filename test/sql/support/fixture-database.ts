import type { Database, SqlStatement } from '../../../src/db/database.ts';
import { createTestDatabase } from '../../support/test-database.ts';

/**
 * The database the SQL layer's tests run generated statements on: the shared test database
 * (embedded PGlite, or PostgreSQL when FRAISEQL_TEST_DATABASE_URL is set), reduced to what these
 * tests need. Statements run as the connecting role unless a test uses `database` directly.
 */
export interface FixtureDatabase {
  readonly database: Database;
  run<Row>(statement: SqlStatement): Promise<Row[]>;
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

export async function openFixtureDatabase(): Promise<FixtureDatabase> {
  const test = await createTestDatabase();
  return {
    database: test.db,
    async run<Row>(statement: SqlStatement): Promise<Row[]> {
      const result = await test.db.query<Row>(statement.text, statement.values);
      return [...result.rows];
    },
    async exec(script: string): Promise<void> {
      await test.db.exec(script);
    },
    async close(): Promise<void> {
      await test.close();
    },
  };
}
