// Runs every test suite and prints the closing line CI reads: `N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

// A report left over from an earlier run must never stand in for this one.
rmSync('test-results', { recursive: true, force: true });
mkdirSync('test-results', { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;

function run(label, command, args, summarize) {
  console.log(`\n=== ${label}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  if (result.status !== 0) exitCode = 1;
  const counts = summarize();
  if (!counts) {
    console.log(`${label}: no report was written`);
    exitCode = 1;
    totals.failed += 1;
    return;
  }
  for (const key of Object.keys(totals)) totals[key] += counts[key];
  console.log(`${label}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
}

const readJson = (path) => (existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined);

run(
  'vitest (unit + integration)',
  'node_modules/.bin/vitest',
  ['run', '--coverage', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json'],
  () => {
    const report = readJson('test-results/vitest.json');
    return (
      report && {
        passed: report.numPassedTests,
        failed: report.numFailedTests,
        skipped: report.numPendingTests + report.numTodoTests,
      }
    );
  },
);

run('playwright (end-to-end, Chromium)', 'node_modules/.bin/playwright', ['test'], () => {
  const report = readJson('test-results/playwright.json');
  return (
    report && {
      passed: report.stats.expected + report.stats.flaky,
      failed: report.stats.unexpected,
      skipped: report.stats.skipped,
    }
  );
});

// CI also packages the app unpacked, where the Electron zip can be had (test/package-dir.mjs says why not otherwise).
if (process.env.CI) {
  console.log('\n=== electron-builder --dir (CI only)');
  if (spawnSync('node', ['test/package-dir.mjs'], { stdio: 'inherit' }).status !== 0) exitCode = 1;
}

if (totals.failed > 0) exitCode = 1;
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(exitCode);
