import type { CheckResult } from './checks.js';

const MARK = { pass: '✓', fail: '✗', skip: '-' } as const;

/** The report an admin reads: one ✓/✗ line per check, then its evidence and, for a failure, the fix. */
export function renderReport(heading: string, results: readonly CheckResult[]): string {
  const lines = [heading, ''];
  for (const r of results) {
    lines.push(`${MARK[r.verdict]} ${r.title}${r.verdict === 'skip' ? ' (skipped)' : ''}`);
    for (const e of r.evidence) lines.push(`    ${e}`);
    if (r.fix && r.verdict === 'fail') lines.push(`    fix: ${r.fix}`);
  }
  const passed = results.filter((r) => r.verdict === 'pass').length;
  lines.push(
    '',
    passed === results.length
      ? `All ${results.length} checks passed.`
      : `${passed} of ${results.length} checks passed.`,
  );
  return lines.join('\n');
}

export function allPassed(results: readonly CheckResult[]): boolean {
  return results.length > 0 && results.every((r) => r.verdict === 'pass');
}
