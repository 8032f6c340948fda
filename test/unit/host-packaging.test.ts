// electron-builder.yml and package.json must describe the same app: the main file the build
// produces, the pinned Electron, and exactly the main process's run-time libraries as dependencies.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const builder = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as {
  electronVersion: string;
  directories: { output: string };
  files: string[];
  extraMetadata?: { main?: string };
  linux: { target: string[]; maintainer?: string; category?: string };
  mac: { target: string };
  win: { target: string };
};

/** dist/electron/x/y.js (or .cjs) ← electron/x/y.ts (or .cts): what tsc -p tsconfig.build.json emits. */
function sourceOf(built: string): string {
  return join(
    root,
    built
      .replace(/^dist\//, '')
      .replace(/\.js$/, '.ts')
      .replace(/\.cjs$/, '.cts'),
  );
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.c?ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Packages a module loads when it runs: value imports and requires, not `import type`. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = new Set<string>();
  for (const m of text.matchAll(
    /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\bfrom\s+)?'([^']+)'|require\('([^']+)'\)/gm,
  )) {
    const spec = m[1] ?? m[2]!;
    if (spec.startsWith('.') || spec.startsWith('node:')) continue;
    found.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
  }
  return [...found];
}

describe('packaging', () => {
  it('starts the shell main file the build produces, in package.json and electron-builder.yml alike', () => {
    const main = builder.extraMetadata?.main ?? pkg.main;
    expect(main).toBe(pkg.main);
    expect(main).toBe('dist/electron/shell/main.js');
    expect(existsSync(sourceOf(main))).toBe(true);
    const mainSource = readFileSync(sourceOf(main), 'utf8');
    expect(mainSource).toContain("'preload.cjs'");
    expect(existsSync(sourceOf('dist/electron/shell/preload.cjs'))).toBe(true);
    for (const bin of Object.values(pkg.bin)) expect(existsSync(sourceOf(bin)), bin).toBe(true);
  });

  it('ships the built main process, shared code and renderer, and no tests or benchmarks', () => {
    for (const needed of ['package.json', 'dist/electron/**/*', 'dist/shared/**/*', 'dist/renderer/**/*'])
      expect(builder.files).toContain(needed);
    expect(builder.files.filter((f) => /test|bench/.test(f))).toEqual([]);
    expect(builder.directories.output).toBe('release');
  });

  it('pins the Electron version that is installed as a devDependency', () => {
    const installed = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(pkg.devDependencies['electron']).toBe(builder.electronVersion);
    expect(installed.version).toBe(builder.electronVersion);
    expect(pkg.dependencies['electron']).toBeUndefined();
  });

  it('builds AppImage and deb (with maintainer and category), dmg and nsis', () => {
    expect(builder.linux.target).toEqual(['AppImage', 'deb']);
    expect(builder.linux.maintainer).toMatch(/<[^>]+@[^>]+>/);
    expect(builder.linux.category).toBe('Development');
    expect(builder.mac.target).toBe('dmg');
    expect(builder.win.target).toBe('nsis');
  });

  it('lists as dependencies exactly the packages electron/ and shared/ load at run time', () => {
    const files = [...sources(join(root, 'electron')), ...sources(join(root, 'shared'))];
    const used = new Map<string, string>();
    for (const file of files)
      for (const name of runtimeImports(file)) if (!used.has(name)) used.set(name, relative(root, file));
    // Electron is the runtime itself; the package imports its own runtime by name (generated code).
    used.delete('electron');
    used.delete('tce-console');
    for (const [name, file] of used) expect(pkg.dependencies[name], `${file} imports ${name}`).toBeDefined();
    expect(Object.keys(pkg.dependencies).sort()).toEqual([...used.keys()].sort());
    for (const bundled of ['react', 'react-dom', 'monaco-editor', 'zustand', 'vite'])
      expect(pkg.dependencies[bundled]).toBeUndefined();
  });
});
