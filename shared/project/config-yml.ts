import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node, Pair, YAMLMap } from 'yaml';
import type { Diagnostic } from '../idl/diagnostics.js';
import type { SourceFile, SourceRange } from '../idl/source.js';
import type {
  ConfigEndpoint,
  ConfigEndpointField,
  ConfigModel,
  ConfigServerEndpoint,
  ConfigServerSection,
  EndpointRef,
  Loopback,
} from './model.js';
import { emptyConfig } from './model.js';
import { positionsOf, type Positions } from '../idl/positions.js';
import { Report } from './report.js';
import { didYouMean, endpointType, parseAddress, parsePort } from './values.js';

export interface ConfigParseResult {
  config: ConfigModel;
  diagnostics: Diagnostic[];
}

/**
 * Reads a back end's config.yml (spec §7.2): `common_defs.endpoints` defines MQ endpoints, every
 * other top-level key is a server section naming the endpoints that process reads and writes.
 * Never throws: YAML syntax errors give `yaml-syntax` diagnostics and an empty model.
 */
export function parseConfigYml(file: SourceFile): ConfigParseResult {
  const positions = positionsOf(file);
  const doc = parseDocument(file.text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      config: emptyConfig(file.path),
      diagnostics: doc.errors.map((e) => ({
        severity: 'error',
        code: 'yaml-syntax',
        message: e.message,
        range: positions.range(e.pos[0], e.pos[1]),
      })),
    };
  }
  const reader = new ConfigReader(file.path, positions);
  for (const w of doc.warnings) reader.report.warning('yaml-warning', w.message, positions.range(w.pos[0], w.pos[1]));
  reader.read(doc.contents);
  return { config: reader.config, diagnostics: reader.report.diagnostics };
}

type Entry = { key: Node; value: Node | null };

class ConfigReader {
  readonly report = new Report();
  readonly config: ConfigModel;

  constructor(
    file: string,
    private readonly positions: Positions,
  ) {
    this.config = emptyConfig(file);
  }

  read(root: Node | null): void {
    if (root === null) return;
    if (!isMap(root)) {
      this.report.error(
        'config-shape',
        'config.yml must be a map of common_defs and server sections',
        this.range(root),
      );
      return;
    }
    const entries = this.entries(root);
    const common = entries.find((e) => this.text(e.key) === 'common_defs');
    if (common) this.readCommon(common);
    for (const e of entries) if (e !== common) this.readSection(e);
  }

  private range(node: Node): SourceRange {
    const [start, end] = node.range ?? [0, 0];
    return this.positions.range(start, end);
  }

  /** The pairs of a map with a key and the value node (null when the value is empty). */
  private entries(map: YAMLMap): Entry[] {
    return map.items.flatMap((pair: Pair) =>
      pair.key && typeof pair.key === 'object'
        ? [{ key: pair.key as Node, value: (pair.value as Node | null) ?? null }]
        : [],
    );
  }

  /** A scalar as text; undefined for collections and empty values. */
  private text(node: Node | null): string | undefined {
    if (!node || !isScalar(node)) return undefined;
    const v = node.value;
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  }

  /** The entries of a mapping, after warning about keys that are not among `known`. */
  private fields(node: Node, known: readonly string[], what: string): Map<string, Entry> | undefined {
    if (!isMap(node)) {
      this.report.error('config-shape', `${what} must be a map with ${known.join(', ')}`, this.range(node));
      return undefined;
    }
    const fields = new Map<string, Entry>();
    for (const e of this.entries(node)) {
      const k = this.text(e.key) ?? '';
      if (known.includes(k)) fields.set(k, e);
      else
        this.report.warning(
          'unknown-field',
          `${what} has no field "${k}"${didYouMean(k, known)}; it is ignored`,
          this.range(e.key),
        );
    }
    return fields;
  }

  /** The items of a sequence field; `[]` after reporting anything else. */
  private list(entry: Entry, what: string): Node[] {
    if (entry.value === null) return [];
    if (isSeq(entry.value)) return entry.value.items.filter((n): n is Node => n !== null && typeof n === 'object');
    this.report.error('config-shape', `${what} must be a list`, this.range(entry.value));
    return [];
  }

  /** A required scalar field: its text and range, or undefined after reporting. */
  private scalar(
    fields: Map<string, Entry>,
    name: string,
    owner: Node,
    what: string,
    code = 'missing-field',
  ): { text: string; range: SourceRange } | undefined {
    const e = fields.get(name);
    if (!e) {
      this.report.error(code, `${what} has no ${name}`, this.range(owner));
      return undefined;
    }
    const text = this.text(e.value);
    if (text === undefined || text.trim() === '') {
      this.report.error(
        code,
        `${what} has an empty or non-scalar ${name}`,
        e.value ? this.range(e.value) : this.range(e.key),
      );
      return undefined;
    }
    return { text, range: this.range(e.value!) };
  }

  private readCommon(common: Entry): void {
    if (!common.value) return;
    const fields = this.fields(common.value, ['endpoints'], 'common_defs');
    const endpoints = fields?.get('endpoints');
    if (!endpoints) return;
    const seen = new Map<string, SourceRange>();
    for (const item of this.list(endpoints, 'common_defs.endpoints')) {
      const ep = this.readEndpoint(item);
      if (!ep) continue;
      const earlier = seen.get(ep.name);
      if (earlier)
        this.report.error(
          'duplicate-endpoint',
          `endpoint ${ep.name} is already defined at ${earlier.start.line}:${earlier.start.column}`,
          ep.range,
        );
      else seen.set(ep.name, ep.range);
      this.config.endpoints.push(ep);
    }
  }

  private readEndpoint(item: Node): ConfigEndpoint | undefined {
    const known: readonly ConfigEndpointField[] = ['name', 'host', 'port', 'address', 'type'];
    const fields = this.fields(item, known, 'an endpoint');
    if (!fields) return undefined;
    const name = this.scalar(fields, 'name', item, 'an endpoint');
    if (!name) return undefined;
    const what = `endpoint "${name.text}"`;
    const ranges: ConfigEndpoint['ranges'] = {};
    const values: Partial<Record<ConfigEndpointField, string>> = {};
    for (const f of known) {
      const e = fields.get(f);
      if (e?.value) [ranges[f], values[f]] = [this.range(e.value), this.text(e.value) ?? ''];
    }
    // A missing type means qpid: config.yml only describes message queues.
    const verdict = values.type === undefined ? { type: 'qpid' as const } : endpointType(values.type);
    if (verdict.problem)
      this.report.add(verdict.problem.severity, verdict.problem.code, verdict.problem.message, ranges.type!);
    const ep: ConfigEndpoint = {
      name: name.text,
      host: values.host ?? '',
      port: undefined,
      address: values.address ?? '',
      type: verdict.type,
      mq: undefined,
      range: name.range,
      ranges,
    };

    const port = this.scalar(fields, 'port', item, what);
    if (port) {
      const p = parsePort(port.text);
      if (p.ok) ep.port = p.value;
      else this.report.error('bad-port', p.message, port.range);
    }
    if (ep.type === 'qpid') {
      const address = this.scalar(fields, 'address', item, what, 'missing-mq-address');
      const a = address && parseAddress(address.text);
      if (a?.ok) ep.mq = a.value;
      else if (a) this.report.error('bad-mq-address', a.message, address.range);
    }
    return ep;
  }

  private readSection(entry: Entry): void {
    const name = this.text(entry.key) ?? '';
    const what = `server section "${name}"`;
    if (!entry.value || !isMap(entry.value)) {
      this.report.warning('config-shape', `${what} is not a map with endpoints; it is ignored`, this.range(entry.key));
      return;
    }
    const fields = this.fields(entry.value, ['endpoints', 'endpoint_pairs'], what)!;
    const section: ConfigServerSection = { name, endpoints: [], pairs: [], range: this.range(entry.key) };
    this.config.servers.push(section);
    const endpoints = fields.get('endpoints');
    if (!endpoints) this.report.error('missing-field', `${what} needs endpoints`, section.range);
    else for (const item of this.list(endpoints, `${what} endpoints`)) this.readSectionEndpoint(item, section);
    const pairs = fields.get('endpoint_pairs');
    if (pairs) for (const item of this.list(pairs, `${what} endpoint_pairs`)) this.readPair(item, section);
  }

  private known(ref: EndpointRef): boolean {
    const names = this.config.endpoints.map((e) => e.name);
    if (names.includes(ref.name)) return true;
    this.report.error(
      'unknown-endpoint',
      `unknown endpoint "${ref.name}"${didYouMean(ref.name, names)}; it is not in common_defs.endpoints`,
      ref.range,
    );
    return false;
  }

  private readSectionEndpoint(item: Node, section: ConfigServerSection): void {
    const fields = this.fields(item, ['name', 'af_mode'], 'a server endpoint');
    const name = fields && this.scalar(fields, 'name', item, 'a server endpoint');
    if (!fields || !name) return;
    const ref = { name: name.text, range: name.range };
    this.known(ref);
    const modeEntry = fields.get('af_mode');
    const modeText = this.text(modeEntry?.value ?? null);
    const modeRange = modeEntry?.value ? this.range(modeEntry.value) : undefined;
    // As the original: af_write (any case) writes, everything else reads.
    const mode = modeText?.trim().toLowerCase() === 'af_write' ? 'write' : 'read';
    if (modeEntry && modeText?.trim().toLowerCase() !== 'af_read' && mode === 'read') {
      this.report.warning(
        'bad-af-mode',
        `af_mode "${modeText ?? ''}" is neither AF_READ nor AF_WRITE; the endpoint is opened for reading`,
        modeRange ?? this.range(modeEntry.key),
      );
    }
    const twin = section.endpoints.find((e) => e.name === ref.name && e.mode === mode);
    if (twin) {
      this.report.warning(
        'duplicate-endpoint-use',
        `"${ref.name}" is already opened for ${mode === 'write' ? 'writing' : 'reading'} at ${twin.range.start.line}:${twin.range.start.column}`,
        ref.range,
      );
    }
    const ep: ConfigServerEndpoint = {
      name: ref.name,
      mode,
      range: ref.range,
      ranges: { name: ref.range, af_mode: modeRange },
    };
    section.endpoints.push(ep);
  }

  private readPair(item: Node, section: ConfigServerSection): void {
    const fields = this.fields(item, ['call', 'return'], 'an endpoint pair');
    if (!fields) return;
    const call = this.scalar(fields, 'call', item, 'an endpoint pair');
    const ret = this.scalar(fields, 'return', item, 'an endpoint pair');
    if (!call || !ret) return;
    const pair: Loopback = {
      call: { name: call.text, range: call.range },
      return: { name: ret.text, range: ret.range },
      range: this.range(item),
    };
    const opened = (ref: EndpointRef, mode: 'read' | 'write') =>
      section.endpoints.some((e) => e.name === ref.name && e.mode === mode);
    if (this.known(pair.call) && !opened(pair.call, 'write')) {
      this.report.warning(
        'loopback-not-written',
        `endpoint pair call "${call.text}" is not opened with AF_WRITE in "${section.name}", so the pair has no effect`,
        call.range,
      );
    }
    if (this.known(pair.return) && !opened(pair.return, 'read')) {
      this.report.warning(
        'loopback-not-read',
        `endpoint pair return "${ret.text}" is not opened with AF_READ in "${section.name}", so replies sent there are lost`,
        ret.range,
      );
    }
    section.pairs.push(pair);
  }
}
