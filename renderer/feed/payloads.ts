import type { DecodedPayload, FeedEntry } from '../../shared/console-api/index.js';
import { FeedPayloads, payloadText } from '../../shared/console-api/feed-decode.js';
import { headerText } from '../../shared/console-api/feed-filter.js';
import type { IdlModel } from '../../shared/idl/model.js';
import { base64ToBytes } from '../../shared/wire/base64.js';

/** Decoded payloads for a feed view: the details show `decode`, free-text filters search `searchText` (header and payload). */
export interface PayloadSource {
  decode(entry: FeedEntry): DecodedPayload;
  searchText(entry: FeedEntry): string;
}

const rawOf = (entry: FeedEntry): Uint8Array => base64ToBytes(entry.raw);

let current: FeedPayloads = new FeedPayloads(undefined, rawOf);

/** The open project's decoder (the host's model, as the host decodes); a new one when the model changes. */
export function projectPayloads(model: IdlModel | undefined): FeedPayloads {
  if (current.model !== model) current = new FeedPayloads(model, rawOf);
  return current;
}

/**
 * A capture's payloads: as the file decoded them (an export carries `decoded` beside `raw`, made
 * with the exporter's IDL), else with the open project's.
 */
export class CapturePayloads implements PayloadSource {
  private readonly text = Symbol('decoded payload text');

  constructor(
    private readonly inFile: WeakMap<FeedEntry, DecodedPayload>,
    private readonly project: () => PayloadSource,
  ) {}

  decode(entry: FeedEntry): DecodedPayload {
    return this.inFile.get(entry) ?? this.project().decode(entry);
  }

  searchText(entry: FeedEntry): string {
    const decoded = this.inFile.get(entry);
    if (!decoded) return this.project().searchText(entry);
    const cached = entry as FeedEntry & Record<symbol, string | undefined>;
    return (cached[this.text] ??= `${headerText(entry)}\n${payloadText(decoded)}`);
  }
}
