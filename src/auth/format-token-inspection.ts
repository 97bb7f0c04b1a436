import type { InspectionStatus, TokenInspection } from './token-inspection.ts';

const MARK: Readonly<Record<InspectionStatus, string>> = {
  ok: 'ok',
  fail: 'FAIL',
  skipped: '--',
  info: 'info',
};

/**
 * The text report of `token inspect`: one line per check (`name  status  summary`), then the
 * fingerprint to find the server's log lines, then the verdict with the response a client
 * would get.
 */
export function formatTokenInspection(inspection: TokenInspection): string {
  const lines = inspection.checks.map(
    (check) => `${check.name.padEnd(13)} ${MARK[check.status].padEnd(4)}  ${check.summary}`,
  );
  lines.push(
    `${'fingerprint'.padEnd(13)} ${''.padEnd(4)}  ${inspection.fingerprint} ` +
      '(in server log lines about this token)',
  );
  if (inspection.accepted) {
    lines.push('verdict: ACCEPTED - the server would accept this token now');
  } else if (inspection.reason !== undefined) {
    lines.push(
      `verdict: REFUSED - the server answers 401 "${inspection.message ?? ''}" ` +
        `(reason ${inspection.reason}): ${inspection.explanation ?? ''}`,
    );
  } else {
    lines.push(
      `verdict: REFUSED - ${inspection.explanation ?? inspection.message ?? 'unknown cause'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
