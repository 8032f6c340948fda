// Saving a project file (file.write): a compare-and-swap that never reports success over an
// external edit, fsync of the file and its folder, read-only files refused, symbolic links
// written through, and no temporary file left behind by a save that was killed. Real files,
// real child processes; the fsync order is read from strace.
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readText, writeText } from '../../electron/host/file-store.js';
import { ProjectFolder } from '../../electron/host/project-folder.js';
import { ConsoleError } from '../../shared/console-api/api.js';
import { startConsole } from './host-kit.js';

const DIST = fileURLToPath(new URL('../../dist/electron/host/', import.meta.url));
const ORDERS_IDL =
  'module orders { struct Line { string sku; int qty; }; interface Desk { sequence<Line> open(); }; };\n';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tce-save-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const conflictOrThrow = (error: unknown): 'conflict' => {
  if (error instanceof ConsoleError && error.code === 'conflict') return 'conflict';
  throw error;
};

type Phase = 'before' | 'saving' | 'after';

/** Resolves after `n` turns of the event loop: lands an external write at any step of a save. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('saving races external edits', () => {
  it('never reports success for a save that overwrote an external edit, and loses none', async () => {
    const file = new ProjectFolder(dir).contain('race.idl');
    writeFileSync(file.real, ORDERS_IDL);
    // How many loop turns one save takes here, so external writes land before, during and after saves.
    const calibration: number[] = [];
    for (let i = 0; i < 7; i++) {
      let ticking = true;
      let ticks = 0;
      const ticker = (async () => {
        while (ticking) {
          await turns(1);
          ticks++;
        }
      })();
      await writeText(file, `${ORDERS_IDL}// calibrate ${i}\n`, (await readText(file)).version);
      ticking = false;
      await ticker;
      calibration.push(ticks);
    }
    const saveTurns = calibration.sort((a, b) => a - b)[3]!;

    const ROUNDS = 250;
    const counts = { saved: 0, conflicts: 0, putBack: 0, raced: 0, lostAsSuccess: 0, lostAsConflict: 0, torn: 0 };
    for (let i = 0; i < ROUNDS; i++) {
      const base = await readText(file);
      const mine = `${ORDERS_IDL}// mine ${i}\n`;
      const theirs = `${ORDERS_IDL}// theirs ${i}\n`;
      const at: { now: Phase; external: Phase } = { now: 'before', external: 'before' };
      // An editor writing in place (open, truncate, write, close) at a random moment.
      const external = turns(Math.floor(Math.random() * saveTurns * 1.3)).then(() => {
        at.external = at.now;
        writeFileSync(file.real, theirs);
      });
      at.now = 'saving';
      const outcome = await writeText(file, mine, base.version).then(
        () => 'saved' as const,
        (error: unknown) => {
          if (error instanceof ConsoleError && /their text is back in place/.test(error.message)) counts.putBack++;
          return conflictOrThrow(error);
        },
      );
      at.now = 'after';
      await external;
      const final = readFileSync(file.real, 'utf8');
      if (at.external === 'saving') counts.raced++;
      if (outcome === 'saved') counts.saved++;
      else counts.conflicts++;
      if (final === mine && outcome === 'saved') counts.lostAsSuccess++;
      else if (final === mine) counts.lostAsConflict++;
      else if (final !== theirs) counts.torn++;
    }
    console.log(`save race: ${ROUNDS} rounds, ${JSON.stringify(counts)}`);
    expect(counts.lostAsSuccess).toBe(0);
    expect(counts.lostAsConflict).toBe(0);
    expect(counts.torn).toBe(0);
    // The race was run, not avoided: external writes landed inside saves, and both outcomes happened.
    expect(counts.raced).toBeGreaterThan(ROUNDS / 10);
    expect(counts.saved).toBeGreaterThan(0);
    expect(counts.conflicts).toBeGreaterThan(0);
  }, 180_000);
});

describe('saving: files as they are on disk', () => {
  it('refuses a read-only file with a clear error and leaves it as it was', async () => {
    const file = new ProjectFolder(dir).contain('locked.idl');
    writeFileSync(file.real, ORDERS_IDL);
    chmodSync(file.real, 0o444);
    const { version } = await readText(file);
    const error = await writeText(file, 'module changed {};\n', version).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsoleError);
    expect(error).toMatchObject({
      code: 'io',
      message: expect.stringMatching(/locked\.idl is read-only .*0444.*not saved and is still in the editor/),
    });
    expect(readFileSync(file.real, 'utf8')).toBe(ORDERS_IDL);
    expect(statSync(file.real).mode & 0o777).toBe(0o444);
    expect(readdirSync(dir)).toEqual(['locked.idl']);
  });

  it('writes through a symbolic link to its target, keeping the link and the target mode', async () => {
    mkdirSync(join(dir, 'shared'));
    writeFileSync(join(dir, 'shared', 'orders.idl'), ORDERS_IDL, { mode: 0o600 });
    chmodSync(join(dir, 'shared', 'orders.idl'), 0o600);
    symlinkSync(join('shared', 'orders.idl'), join(dir, 'alias.idl'));
    const c = await startConsole();
    try {
      await c.bridge.call('project.open', { path: dir });
      const opened = await c.bridge.call('file.read', { path: 'alias.idl' });
      const changed = ORDERS_IDL.replace('int qty;', 'int qty; double price;');
      const saved = await c.bridge.call('file.write', {
        path: 'alias.idl',
        text: changed,
        baseVersion: opened.version,
      });
      expect(saved.path).toBe(join(dir, 'alias.idl'));
      expect(lstatSync(join(dir, 'alias.idl')).isSymbolicLink()).toBe(true);
      expect(readFileSync(join(dir, 'shared', 'orders.idl'), 'utf8')).toBe(changed);
      expect(statSync(join(dir, 'shared', 'orders.idl')).mode & 0o777).toBe(0o600);
      expect(readdirSync(join(dir, 'shared'))).toEqual(['orders.idl']);
    } finally {
      await c.close();
    }
  });
});

const hasStrace = spawnSync('strace', ['-V']).status === 0;

describe('saving: durability', () => {
  it.skipIf(!hasStrace)('fsyncs the new text before it replaces the file, and the folder after', () => {
    writeFileSync(join(dir, 'orders.idl'), ORDERS_IDL);
    const trace = join(tmpdir(), `tce-save-trace-${process.pid}-${Date.now()}.txt`);
    const script = `
      import { readText, writeText } from ${JSON.stringify(join(DIST, 'file-store.js'))};
      import { ProjectFolder } from ${JSON.stringify(join(DIST, 'project-folder.js'))};
      const folder = new ProjectFolder(${JSON.stringify(dir)});
      const file = folder.contain('orders.idl');
      await writeText(file, 'module replaced {};\\n', (await readText(file)).version);
      await writeText(folder.contain('fresh.idl'), 'module fresh {};\\n', null);`;
    try {
      const run = spawnSync(
        'strace',
        [
          '-f',
          '-y',
          '-o',
          trace,
          '-e',
          'trace=fsync,fdatasync,rename,renameat,renameat2,link,linkat',
          process.execPath,
          '--input-type=module',
          '-e',
          script,
        ],
        { encoding: 'utf8' },
      );
      expect(run.status, run.stderr).toBe(0);
      const calls = readFileSync(trace, 'utf8')
        .split('\n')
        .map((l) => l.replace(/^(\[pid\s+\d+\]\s*|\d+\s+)/, ''));
      const position = (pattern: RegExp): number => calls.findIndex((l) => pattern.test(l));
      const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      for (const name of ['orders.idl', 'fresh.idl']) {
        // The new text goes to a temporary file that is fsynced, then renamed (or linked) into place, then the folder is fsynced.
        const placed = position(
          new RegExp(
            `^(rename|renameat2?|link|linkat)\\(.*"${escape(join(dir, `.${name}`))}[^"]*", .*"${escape(join(dir, name))}"`,
          ),
        );
        expect(placed, `${name} is put in place by rename or link:\n${calls.join('\n')}`).toBeGreaterThanOrEqual(0);
        const temp = new RegExp(`^f(data)?sync\\(\\d+<${escape(join(dir, `.${name}`))}[^>]*>\\)`);
        const syncedTemp = calls.slice(0, placed).some((l) => temp.test(l));
        expect(syncedTemp, `the temporary file of ${name} is fsynced before it is put in place`).toBe(true);
        const folderSync = new RegExp(`^f(data)?sync\\(\\d+<${escape(dir)}>\\)`);
        expect(
          calls.slice(placed + 1).some((l) => folderSync.test(l)),
          `the folder is fsynced after ${name} is put in place`,
        ).toBe(true);
      }
    } finally {
      rmSync(trace, { force: true });
    }
  });

  it('leaves no temporary file once the project opens again after a save was killed', async () => {
    writeFileSync(join(dir, 'orders.idl'), ORDERS_IDL);
    const big = (i: number): string => `// ${i}\n${'x'.repeat(4 << 20)}\n`;
    writeFileSync(join(dir, 'big.idl'), big(0));
    const script = `
      import { readText, writeText } from ${JSON.stringify(join(DIST, 'file-store.js'))};
      import { ProjectFolder } from ${JSON.stringify(join(DIST, 'project-folder.js'))};
      const file = new ProjectFolder(${JSON.stringify(dir)}).contain('big.idl');
      let { version } = await readText(file);
      process.stdout.write('saving\\n');
      for (let i = 1; ; i++) ({ version } = await writeText(file, ${JSON.stringify(`// `)} + i + '\\n' + 'x'.repeat(4 << 20) + '\\n', version));`;
    const ours = new Set(['orders.idl', 'big.idl']);
    const leftovers = (): string[] => readdirSync(dir).filter((n) => !ours.has(n));
    let kills = 0;
    while (leftovers().length === 0 && kills < 40) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await new Promise<void>((resolve) => createInterface({ input: child.stdout }).once('line', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 200));
      child.kill('SIGKILL');
      await exited;
      kills++;
    }
    console.log(`killed save: ${kills} kill(s), left ${leftovers().join(', ')}`);
    expect(leftovers().length, `a killed save left a temporary file within ${kills} kills`).toBeGreaterThan(0);
    // Whatever the kill interrupted, the file is one whole text.
    const text = readFileSync(join(dir, 'big.idl'), 'utf8');
    expect(text).toMatch(/^\/\/ \d+\nx{4194304}\n$/);
    expect(big(Number(text.slice(3, text.indexOf('\n'))))).toBe(text);

    const c = await startConsole();
    try {
      await c.bridge.call('project.open', { path: dir });
      expect(leftovers()).toEqual([]);
      expect(readFileSync(join(dir, 'big.idl'), 'utf8')).toBe(text);
    } finally {
      await c.close();
    }
  }, 180_000);
});
