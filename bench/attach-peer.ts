// The recording proxy bench/attach.ts measures, in its own process as in the console: forwards
// to the upstream named on the command line and records every frame in a feed (names from the
// sample IDL, as the console would). Prints its listen URL, then serves until killed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingProxy } from '../electron/capture/proxy.js';
import { Feed } from '../electron/host/feed/feed.js';
import { compile } from '../shared/idl/compile.js';
import { OperationNames } from '../shared/idl/operation-names.js';
import { ROOT } from '../support/cli-kit.js';

async function main(upstream: string): Promise<void> {
  const idl = join(ROOT, 'idl-samples', 'test.idl');
  const feed = new Feed();
  feed.setNames(new OperationNames(compile([{ path: idl, text: readFileSync(idl, 'utf8') }]).model));
  const proxy = await RecordingProxy.start({
    id: 'bench',
    listen: `${upstream.startsWith('ws') ? 'ws' : 'tcp'}://127.0.0.1:0`,
    upstream,
    endpoint: upstream,
    feed,
    log: (_level, message) => process.stderr.write(`attach-peer: ${message}\n`),
  });
  process.stdout.write(`${proxy.listenUrl}\n`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) await main(process.argv[2]!);
