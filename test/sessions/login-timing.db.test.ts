/**
 * An unknown username must not be told apart from a wrong password by the time the refusal
 * takes: both spend one argon2id verification. The test interleaves rounds of (wrong
 * password, unknown user, wrong password) logins through the real server and compares the
 * unknown-user time with the wrong-password times of its own round, so machine load that
 * drifts over the run affects both sides alike. Without the dummy verification an unknown
 * user is refused in a fraction of a millisecond and a wrong password takes tens.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startTestServer, type TestServer } from '../support/test-server.ts';
import { post, refusal } from './support/auth-client.ts';

const ROUNDS = 40;
const WARM_UP = 3;

let server: TestServer;

before(async () => {
  server = await startTestServer({ projectDir: 'examples/blog' });
});
after(async () => {
  await server?.close();
});

/** Milliseconds one refused login takes, end to end through the server. */
async function timeRefusedLogin(username: string): Promise<number> {
  const started = performance.now();
  const reply = await post(server.app, '/auth/login', { username, password: 'not-the-password' });
  const elapsed = performance.now() - started;
  assert.equal(refusal(reply).reason, 'INVALID_CREDENTIALS', reply.text);
  return elapsed;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

describe('login timing', () => {
  test('unknown user and wrong password differ by less than the noise between two wrong-password logins', async (context) => {
    for (let round = 0; round < WARM_UP; round += 1) {
      await timeRefusedLogin('alice');
      await timeRefusedLogin('mallory');
    }

    const unknownMinusWrong: number[] = [];
    const wrongMinusWrong: number[] = [];
    const wrongTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const first = await timeRefusedLogin('alice');
      const unknown = await timeRefusedLogin(`mallory-${round}`);
      const second = await timeRefusedLogin('alice');
      unknownMinusWrong.push(unknown - (first + second) / 2);
      wrongMinusWrong.push(Math.abs(first - second));
      wrongTimes.push(first, second);
    }

    const difference = Math.abs(median(unknownMinusWrong));
    const noise = median(wrongMinusWrong);
    const report =
      `unknown user vs wrong password: ${difference.toFixed(2)} ms; between two wrong passwords: ` +
      `${noise.toFixed(2)} ms; a wrong-password login takes ${median(wrongTimes).toFixed(2)} ms`;
    context.diagnostic(report);
    assert.ok(difference < noise, report);
  });
});
