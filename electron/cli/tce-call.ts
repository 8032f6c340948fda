#!/usr/bin/env node
// tce-call: one call to a TCE server, gateway or back-end queue from the command line — the
// headless twin of the console's invoke panel. Result on stdout as JSON, pushes one JSON line each.
import { formatDiagnostic, hasErrors } from '../../shared/idl/diagnostics.js';
import {
  allOperations,
  resolveOperation,
  typeRefToString,
  type IdlModel,
  type Operation,
} from '../../shared/idl/model.js';
import { Adapter } from '../../shared/rpc/adapter.js';
import type { CallMode, OutgoingCall } from '../../shared/rpc/call.js';
import { ErrorCode, RpcError } from '../../shared/rpc/errors.js';
import { createCodec, type ModelCodec } from '../../shared/wire/codec.js';
import { toJsonValue } from '../../shared/wire/json-value.js';
import type { Extra } from '../../shared/wire/message.js';
import { choice, scanArgs, UsageError, wholeNumber } from './args.js';
import { compileInputs, IDL_OPTIONS_USAGE, IdlOptions, InputError, readSource, type IdlInputs } from './idl-input.js';
import { acceptEveryOperation, pushLine } from './pushes.js';
import { openAmqpTarget, openStreamTarget, targetKind, type OpenTarget, type TargetOptions } from './targets.js';
import { err, out, runMain } from './output.js';
import { messageOf } from '../../shared/message-of.js';

const NAME = 'tce-call';
const MODES: readonly CallMode[] = ['twoway', 'oneway', 'async'];
const MAX_MS = 0x7fffffff;

const USAGE = `usage: ${NAME} --idl FILES --target URL module.Interface.method [ARGS] [options]

Calls one operation and prints its result as JSON on stdout (void and one-way: null); calls the
server makes back (pushes) are printed as one JSON line each. Exit 0 on success; 1 when the call
fails (stderr: error <CODE_NAME> (<code>): <reason>) or the IDL has errors; 2 for usage errors.

  ARGS                 the parameters as JSON: a positional array, or an object by name
                       (default []). long: number or decimal string; sequence<byte>: array
                       of 0..255; dictionary: object or [[key, value], …]
  --idl FILES          IDL files, comma separated (repeatable); imports beside each file
  --target URL         tcp://host:port, tls://host:port, ws://host:port[/path], wss://…, or
                       amqp://user:password@host:port[/vhost]/<queue>: published to that
                       queue with a private reply queue named in __mq_return__
  --extra KEY=VALUE    out-of-band property sent with the call (repeatable)
  --mode MODE          twoway (default, calltype 0x01), async (0x41) or oneway (0x21; void
                       operations only)
  --timeout MS         how long to wait for the reply (default 30000; 0 = forever)
  --connect-timeout MS how long to wait for the connection (default 10000)
  --wait-pushes MS     after the call, stay connected MS ms and print pushes (sockets only)
  --token TOKEN        sent as __token__ with the first message (sockets only)
  --ca FILE            trusted CA certificate (PEM) for tls:// and wss://
  --insecure           accept any certificate for tls:// and wss://
${IDL_OPTIONS_USAGE}
  -h, --help           this text`;

interface Args {
  idl: IdlInputs;
  target: string;
  method: string;
  params: string;
  extra: Extra;
  mode: CallMode;
  timeout: number;
  connectTimeout: number;
  waitPushes: number;
  token?: string;
  ca?: string;
  insecure: boolean;
}

function parseArgs(argv: readonly string[]): Args | 'help' {
  const files: string[] = [];
  const positional: string[] = [];
  const extra: Extra = {};
  const idl = new IdlOptions();
  let target: string | undefined;
  let mode: CallMode = 'twoway';
  let timeout = 30_000;
  let connectTimeout = 10_000;
  let waitPushes = 0;
  let token: string | undefined;
  let ca: string | undefined;
  let insecure = false;
  const stop = scanArgs(argv, (arg, value) => {
    switch (arg) {
      case '-h':
      case '--help':
        return 'stop';
      case '--idl':
        files.push(
          ...value()
            .split(',')
            .filter((p) => p !== ''),
        );
        break;
      case '--target':
        target = value();
        break;
      case '--extra': {
        const v = value();
        const eq = v.indexOf('=');
        if (eq <= 0) throw new UsageError(`--extra needs KEY=VALUE, not '${v}'`);
        extra[v.slice(0, eq)] = v.slice(eq + 1);
        break;
      }
      case '--mode':
        mode = choice('--mode', value(), MODES);
        break;
      case '--timeout':
        timeout = wholeNumber('--timeout', value(), 0, MAX_MS);
        break;
      case '--connect-timeout':
        connectTimeout = wholeNumber('--connect-timeout', value(), 1, MAX_MS);
        break;
      case '--wait-pushes':
        waitPushes = wholeNumber('--wait-pushes', value(), 0, MAX_MS);
        break;
      case '--token':
        token = value();
        break;
      case '--ca':
        ca = value();
        break;
      case '--insecure':
        insecure = true;
        break;
      default:
        if (!arg.startsWith('-')) positional.push(arg);
        else if (!idl.accept(arg, value)) throw new UsageError(`unknown option ${arg}`);
    }
    return undefined;
  });
  if (stop === 'stop') return 'help';
  if (files.length === 0) throw new UsageError('no IDL files (--idl)');
  if (target === undefined) throw new UsageError('no target (--target URL)');
  if (targetKind(target) === 'amqp') {
    if (waitPushes > 0) {
      process.stderr.write(
        `${NAME}: note: over a queue only pushes sent to tce-call's own reply queue arrive (bidirection() does that); a back end's pushes to users go through gateways\n`,
      );
    }
    if (token !== undefined)
      throw new UsageError(
        '--token applies to socket targets: a back end behind a queue gets __user_id__ from its gateway',
      );
    if (ca !== undefined || insecure) throw new UsageError('--ca and --insecure apply to tls:// and wss:// targets');
  }
  const [method, params = '[]', ...rest] = positional;
  if (method === undefined)
    throw new UsageError('no method: name it as module.Interface.method, e.g. test.Server.echo');
  if (rest.length > 0)
    throw new UsageError(`unexpected argument '${rest[0]}' (the parameters are one JSON value, e.g. '["hello"]')`);
  const args: Args = {
    idl: idl.finish(files),
    target,
    method,
    params,
    extra,
    mode,
    timeout,
    connectTimeout,
    waitPushes,
    insecure,
  };
  if (token !== undefined) args.token = token;
  if (ca !== undefined) args.ca = ca;
  return args;
}

interface Resolved {
  qname: string;
  op: Operation;
  ifidx: number;
}

/** `module.Interface.method` → the operation (inherited ones included) and the ifidx it travels under. */
function resolveMethod(model: IdlModel, spec: string): Resolved {
  const dot = spec.lastIndexOf('.');
  const ifaceName = dot > 0 ? spec.slice(0, dot) : '';
  const opName = spec.slice(dot + 1);
  const iface = model.interfaces[ifaceName];
  if (!iface) {
    const known = Object.keys(model.interfaces).join(', ') || 'none';
    throw new UsageError(
      `no interface '${ifaceName || spec}' in the IDL (interfaces: ${known}); name the method as module.Interface.method`,
    );
  }
  const resolved = resolveOperation(model, iface.qname, opName);
  if (!resolved) {
    const known =
      allOperations(model, iface)
        .map((o) => o.name)
        .join(', ') || 'none';
    throw new UsageError(`${iface.qname} has no operation '${opName}' (operations: ${known})`);
  }
  const { op, owner, ifidx } = resolved;
  return { qname: `${owner.qname}.${op.name}`, op, ifidx };
}

const signature = (r: Resolved): string =>
  `${typeRefToString(r.op.returns)} ${r.qname}(${r.op.params.map((p) => `${typeRefToString(p.type)} ${p.name}`).join(', ')})`;

function encodeArgs(codec: ModelCodec, resolved: Resolved, json: string): Uint8Array {
  let args: unknown;
  try {
    args = JSON.parse(json);
  } catch (e) {
    throw new UsageError(`the parameters are not JSON (${messageOf(e)}): ${json}`);
  }
  if (args === null || typeof args !== 'object')
    throw new UsageError(`the parameters must be a JSON array or object, e.g. '["hello"]', not ${json}`);
  try {
    return codec.encodeParams(resolved.op, args as unknown[] | Record<string, unknown>);
  } catch (e) {
    throw new UsageError(`bad parameters for ${signature(resolved)}: ${messageOf(e)}`);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What the user asked for, checked and encoded: nothing has been sent yet. */
interface Prepared {
  model: IdlModel;
  codec: ModelCodec;
  resolved: Resolved;
  call: OutgoingCall;
}

function prepare(args: Args): Prepared {
  const compiled = compileInputs(args.idl);
  for (const d of compiled.diagnostics) err(formatDiagnostic(d));
  if (hasErrors(compiled.diagnostics)) throw new InputError('the IDL has errors');
  const model = compiled.result.model;
  const resolved = resolveMethod(model, args.method);
  if (args.mode === 'oneway' && resolved.op.returns.kind !== 'void') {
    throw new UsageError(
      `${signature(resolved)} returns a value, which a one-way call never gets: use --mode twoway or async`,
    );
  }
  const codec = createCodec(model);
  const params = encodeArgs(codec, resolved, args.params);
  const call: OutgoingCall = {
    ifidx: resolved.ifidx,
    opidx: resolved.op.index,
    paramsize: resolved.op.params.length,
    params,
    mode: args.mode,
    extra: args.extra,
  };
  if (args.mode !== 'oneway') call.timeout = args.timeout;
  return { model, codec, resolved, call };
}

async function open(args: Args, prepared: Prepared): Promise<OpenTarget> {
  const options: TargetOptions = {
    adapter: new Adapter().add(acceptEveryOperation(prepared.model)),
    onPush: (message) => out(pushLine(prepared.model, prepared.codec, message)),
    connectTimeout: args.connectTimeout,
    log: (_level, line) => err(`${NAME}: ${line}`),
  };
  if (targetKind(args.target) === 'amqp') return openAmqpTarget(args.target, options);
  if (args.token !== undefined) options.token = args.token;
  if (args.ca !== undefined || args.insecure)
    options.tls = {
      ...(args.ca === undefined ? {} : { ca: readSource(args.ca).text }),
      rejectUnauthorized: !args.insecure,
    };
  return openStreamTarget(args.target, options);
}

/** `error RPCERROR_TIMEOUT (2): …` on stderr; exit code 1. */
function failed(e: unknown): number {
  if (!(e instanceof RpcError)) throw e;
  err(`error ${e.codeName} (${e.code}): ${e.message}`);
  return 1;
}

async function call(args: Args, prepared: Prepared): Promise<number> {
  let target: OpenTarget;
  try {
    target = await open(args, prepared);
  } catch (e) {
    return failed(e);
  }
  try {
    if (args.mode === 'oneway') {
      target.target.send(prepared.call);
      out('null');
    } else {
      const reply = await target.target.call(prepared.call);
      let value: unknown;
      try {
        value = prepared.codec.decodeResult(prepared.resolved.op, reply.params);
      } catch (e) {
        throw new RpcError(
          ErrorCode.UNSERIALIZE_FAILED,
          `the reply of ${prepared.resolved.qname} does not decode as ${typeRefToString(prepared.resolved.op.returns)}: ${messageOf(e)}`,
        );
      }
      out(JSON.stringify(toJsonValue(value)));
    }
    if (args.waitPushes > 0) await sleep(args.waitPushes);
    return 0;
  } catch (e) {
    return failed(e);
  } finally {
    await target.close();
  }
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args === 'help') {
      out(USAGE);
      return 0;
    }
    return await call(args, prepare(args));
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${NAME}: ${e.message}\n\nrun ${NAME} --help for the options`);
      return 2;
    }
    // Unreadable files, an IDL with errors: the user's input, reported before anything is sent.
    if (e instanceof InputError) {
      err(`${NAME}: error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

runMain(NAME, main);
