import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compile } from '../../shared/idl/compile.js';
import { tceCallLine } from '../../renderer/invoke/tce-call-line.js';
import { wireSignature } from '../../renderer/invoke/wire-signature.js';

const model = (text: string) => compile([{ path: '/p/test.idl', text }]).model;

describe('copy as tce-call', () => {
  const command = ['/usr/bin/node', '/opt/tce console/dist/electron/cli/tce-call.js'];

  it("writes a command line a POSIX shell reads back as the same call, starting this package's own tce-call", () => {
    const { line, secrets } = tceCallLine(
      {
        interface: 'test.Server',
        method: 'echo',
        args: ["it's"],
        mode: 'async',
        timeoutMs: 3000,
        extra: { name: 'scott.bo', note: 'a b' },
      },
      ['/p/test.idl', '/p/other.idl'],
      'tcp://127.0.0.1:12002',
      { command },
    );
    expect(line).toBe(
      `/usr/bin/node '/opt/tce console/dist/electron/cli/tce-call.js' --idl /p/test.idl,/p/other.idl --target tcp://127.0.0.1:12002 test.Server.echo '["it'\\''s"]' --extra name=scott.bo --extra 'note=a b' --mode async --timeout 3000`,
    );
    expect(line).not.toMatch(/npx/);
    expect(secrets).toEqual([]);
    // sh splits it back into the very words tce-call gets.
    const words = execFileSync('sh', ['-c', `set -- ${line}; printf '%s\\0' "$@"`], { encoding: 'utf8' })
      .split('\0')
      .slice(0, -1);
    expect(words).toEqual([
      ...command,
      '--idl',
      '/p/test.idl,/p/other.idl',
      '--target',
      'tcp://127.0.0.1:12002',
      'test.Server.echo',
      `["it's"]`,
      '--extra',
      'name=scott.bo',
      '--extra',
      'note=a b',
      '--mode',
      'async',
      '--timeout',
      '3000',
    ]);
  });

  it('leaves out what tce-call defaults or ignores', () => {
    expect(
      tceCallLine(
        { interface: 'test.Server', method: 'heartbeat', args: { hello: 'hi' }, mode: 'oneway', timeoutMs: 30000 },
        ['t.idl'],
        'ws://h:1',
        { command: ['node', '/x/tce-call.js'] },
      ).line,
    ).toBe(`node /x/tce-call.js --idl t.idl --target ws://h:1 test.Server.heartbeat '{"hello":"hi"}' --mode oneway`);
  });

  it('expands variables and leaves secrets to the shell as environment variables, never inlined', () => {
    const { line, secrets } = tceCallLine(
      {
        interface: 'test.Server',
        method: 'echo',
        args: ['x {{user}} "{{quote}}"'],
        mode: 'twoway',
        extra: { who: '{{user}}', auth: 'Bearer {{api-token}}' },
      },
      ['t.idl'],
      'tcp://{{host}}:1',
      { command: ['node', '/x/tce-call.js'], variables: { user: 'scott bo', host: '127.0.0.1', quote: 'say "hi"' } },
    );
    expect(line).toBe(
      `node /x/tce-call.js --idl t.idl --target tcp://127.0.0.1:1 test.Server.echo '["x scott bo \\"say \\"hi\\"\\""]' --extra 'who=scott bo' --extra 'auth=Bearer '"$TCE_SECRET_API_TOKEN"`,
    );
    expect(secrets).toEqual(['TCE_SECRET_API_TOKEN']);
    const auth = execFileSync('sh', ['-c', `set -- ${line}; for w; do :; done; printf %s "$w"`], {
      encoding: 'utf8',
      env: { ...process.env, TCE_SECRET_API_TOKEN: 's3cret' },
    });
    expect(auth).toBe('auth=Bearer s3cret');
    const args = execFileSync('sh', ['-c', `set -- ${line}; printf %s "$8"`], { encoding: 'utf8' });
    expect(JSON.parse(args)).toEqual(['x scott bo "say "hi""']);
  });
});

describe('wire signature', () => {
  const base = 'module test { struct P { int x; }; interface S { string echo(string text); void put(P p); }; };';

  it('is the same for edits that do not change the bytes of a call', () => {
    const renamed =
      'module test { struct P { int x; }; interface S { string echo(string words); void put(P p); }; }; // comment';
    expect(wireSignature(model(renamed), 'test.S', 'put')).toBe(wireSignature(model(base), 'test.S', 'put'));
  });

  it('changes with the opidx, a parameter type, or a type the call reaches', () => {
    const sig = wireSignature(model(base), 'test.S', 'put');
    expect(
      wireSignature(
        model(
          'module test { struct P { int x; }; interface S { void first(); string echo(string text); void put(P p); }; };',
        ),
        'test.S',
        'put',
      ),
    ).not.toBe(sig);
    expect(
      wireSignature(
        model('module test { struct P { long x; }; interface S { string echo(string text); void put(P p); }; };'),
        'test.S',
        'put',
      ),
    ).not.toBe(sig);
    expect(wireSignature(model(base), 'test.S', 'echo')).not.toBe(sig);
  });

  it('is undefined for an operation the model does not have', () => {
    expect(wireSignature(model(base), 'test.S', 'shout')).toBeUndefined();
  });
});
