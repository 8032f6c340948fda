// A private copy of the cluster example (idl-samples/cluster) for benchmarks and tests: its queues
// and topics renamed so that runs never meet, its listen ports 0 (any free port), its mock
// back end script (mocks/) as it is.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** idl-samples/cluster from support/ (sources) or dist/support/ (built). */
const SAMPLE = ['../idl-samples/cluster/', '../../idl-samples/cluster/']
  .map((p) => fileURLToPath(new URL(p, import.meta.url)))
  .find((p) => existsSync(join(p, 'services.xml')))!;

export interface ClusterCopy {
  dir: string;
  servicesXml: string;
  configYml: string;
  /** The renamed queue or exchange of an endpoint: `<prefix>-mq_server`. */
  node(endpoint: string): string;
  /** Queue and topic (exchange) names to delete afterwards. */
  queues: string[];
  exchanges: string[];
  /** Removes the directory (not the broker's queues). */
  removeFiles(): void;
}

export function copyCluster(prefix: string, options: { useridCheck?: boolean } = {}): ClusterCopy {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const node = (endpoint: string): string => `${prefix}-${endpoint}`;
  const rename = (text: string, pattern: RegExp): string =>
    text.replace(pattern, (_m, lead: string, name: string) => `${lead}${node(name)};`);
  let xml = rename(readFileSync(join(SAMPLE, 'services.xml'), 'utf8'), /(address=")(mq_[a-z_]+);/g).replace(
    /port="1200[12]"/g,
    'port="0"',
  );
  if (options.useridCheck) xml = xml.replace(/name="userid_check" value="false"/g, 'name="userid_check" value="true"');
  const yml = rename(readFileSync(join(SAMPLE, 'config.yml'), 'utf8'), /(address: )(mq_[a-z_]+);/g);
  const servicesXml = join(dir, 'services.xml');
  const configYml = join(dir, 'config.yml');
  writeFileSync(servicesXml, xml);
  writeFileSync(configYml, yml);
  cpSync(join(SAMPLE, 'mocks'), join(dir, 'mocks'), { recursive: true });
  return {
    dir,
    servicesXml,
    configYml,
    node,
    queues: ['mq_gateway', 'mq_gateway_ws', 'mq_server'].map(node),
    exchanges: ['mq_gateway_broadcast', 'mq_user_event_listener'].map(node),
    removeFiles: () => rmSync(dir, { recursive: true, force: true }),
  };
}
