import type { CallReport, LoadReport, RunReport, RunTotals } from '../console-api/types.js';
import { baseNameOf, folderOf } from './names.js';

/** The reporters of tce-run (and the Run view's copy buttons): text lines, JUnit XML, JSON. */

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

export function totalsOf(calls: readonly CallReport[], durationMs: number): RunTotals {
  const count = (v: CallReport['verdict']) => calls.filter((c) => c.verdict === v).length;
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped'), durationMs };
}

/** `✓ orders/create  12 ms` / `✗ orders/pay  4 ms  — $.status: expected "paid", got "open"`. */
export function callLine(call: CallReport): string {
  const mark = call.verdict === 'passed' ? 'PASS' : call.verdict === 'failed' ? 'FAIL' : 'SKIP';
  const role = call.role === 'call' ? '' : ` (${call.role})`;
  const why = call.message === undefined || call.verdict === 'passed' ? '' : `  ${call.message}`;
  return `${mark} ${call.name}${role}  ${Math.round(call.durationMs)} ms${why}`;
}

/** The line CI logs are searched for: exactly `N passed, N failed`. */
export const summaryLine = (t: RunTotals): string => `${t.passed} passed, ${t.failed} failed`;

export function textReport(report: RunReport): string {
  const lines = report.calls.map(callLine);
  if (report.totals.skipped > 0) lines.push(`${report.totals.skipped} skipped`);
  lines.push(summaryLine(report.totals), `time ${seconds(report.totals.durationMs)} s`);
  return `${lines.join('\n')}\n`;
}

const xmlEscape = (text: string): string =>
  text
    // XML 1.0 cannot hold most control characters at all, escaped or not.
    // eslint-disable-next-line no-control-regex -- removing them is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/**
 * JUnit XML as Jenkins, GitLab and GitHub's test reporters read it: `<testsuites>` with one
 * `<testsuite>` per folder, one `<testcase>` per call (classname = folder, name = call), a
 * failing call's `<failure message="the failing expectation">` with every outcome in its text.
 */
export function junitReport(report: RunReport, suiteName = 'tce-run'): string {
  const folders = new Map<string, CallReport[]>();
  for (const call of report.calls) {
    const folder = folderOf(call.name) || '(top)';
    folders.set(folder, [...(folders.get(folder) ?? []), call]);
  }
  const t = report.totals;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(suiteName)}" tests="${report.calls.length}" failures="${t.failed}" errors="0" skipped="${t.skipped}" time="${seconds(t.durationMs)}">`,
  ];
  const timestamp = new Date(report.startedAt).toISOString().replace(/\.\d+Z$/, '');
  for (const [folder, calls] of folders) {
    const ft = totalsOf(
      calls,
      calls.reduce((sum, c) => sum + c.durationMs, 0),
    );
    out.push(
      `  <testsuite name="${xmlEscape(folder)}" tests="${calls.length}" failures="${ft.failed}" errors="0" skipped="${ft.skipped}" time="${seconds(ft.durationMs)}" timestamp="${timestamp}">`,
    );
    for (const call of calls) {
      const name = baseNameOf(call.name) + (call.role === 'call' ? '' : ` (${call.role})`);
      const open = `    <testcase classname="${xmlEscape(folder)}" name="${xmlEscape(name)}" time="${seconds(call.durationMs)}"`;
      if (call.verdict === 'passed') {
        out.push(`${open}/>`);
        continue;
      }
      out.push(`${open}>`);
      if (call.verdict === 'skipped') out.push(`      <skipped message="${xmlEscape(call.message ?? 'skipped')}"/>`);
      else {
        const detail = call.outcomes.map((o) => `${o.pass ? 'ok  ' : 'FAIL'} ${o.kind}: ${o.message}`).join('\n');
        out.push(
          `      <failure message="${xmlEscape(call.message ?? 'failed')}" type="expectation">${xmlEscape(detail)}</failure>`,
        );
      }
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

export const jsonReport = (report: RunReport | LoadReport): string => `${JSON.stringify(report, null, 2)}\n`;

const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** The load run's table: throughput, errors by code, latency percentiles. */
export function loadTable(r: LoadReport): string {
  const l = r.latency;
  const errors = Object.entries(r.errors);
  const lines = [
    `${r.call}: ${r.calls} calls in ${(r.durationMs / 1000).toFixed(1)} s, ${r.callsPerSecond.toFixed(1)} calls/s, ${r.ok} ok, ${r.calls - r.ok} failed`,
    errors.length === 0 ? 'errors: none' : `errors: ${errors.map(([code, n]) => `${code}×${n}`).join(', ')}`,
    'latency (ms)   p50      p90      p99      p99.9    max      mean',
    `               ${[l.p50Ms, l.p90Ms, l.p99Ms, l.p999Ms, l.maxMs, l.meanMs].map((v) => ms(v).padEnd(8)).join(' ')}`,
    r.correctedForCoordinatedOmission
      ? "coordinated omission: corrected (--rate given: latency counts from each call's intended send time)"
      : 'coordinated omission: not corrected (no --rate: latency counts from the actual send)',
  ];
  return `${lines.join('\n')}\n`;
}
