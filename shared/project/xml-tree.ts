import { SaxesParser } from 'saxes';
import type { Diagnostic } from '../idl/diagnostics.js';
import type { SourceFile, SourceRange } from '../idl/source.js';
import { positionsOf } from '../idl/positions.js';
import { messageOf } from '../message-of.js';

/**
 * A small element tree with exact source ranges, built with saxes (a strict, well-kept XML
 * parser that runs in Node and browsers). saxes reports where the parser is, not where each
 * attribute sits, so attribute positions come from re-reading the start tag, which saxes has
 * already checked to be well formed.
 */

export interface XmlAttribute {
  name: string;
  /** The decoded value (entities expanded, whitespace normalised as XML says). */
  value: string;
  /** `name="value"`. */
  range: SourceRange;
  /** Between the quotes. */
  valueRange: SourceRange;
  /** Where `value.slice(from, to)` is written; the whole value range when entities or CRLF make offsets inexact. */
  slice(from: number, to: number): SourceRange;
}

export interface XmlElement {
  name: string;
  attributes: ReadonlyMap<string, XmlAttribute>;
  children: XmlElement[];
  /** The tag name in the start tag: where diagnostics about the element point. */
  range: SourceRange;
}

export interface XmlParseResult {
  /** Undefined when the text is not well-formed XML; `diagnostics` then says where and why. */
  root: XmlElement | undefined;
  diagnostics: Diagnostic[];
}

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Parses well-formed XML; the first well-formedness error is reported (later ones are its echoes). */
export function parseXml(file: SourceFile): XmlParseResult {
  const { text } = file;
  const positions = positionsOf(file);
  const parser = new SaxesParser({ position: true, xmlns: false });
  const open: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: Diagnostic | undefined;
  let tagStart = 0;

  const fail = (message: string, range: SourceRange): void => {
    failure ??= { severity: 'error', code: 'xml-syntax', message, range };
  };
  const failAt = (message: string, start: number, end: number): void => fail(message, positions.range(start, end));

  const element = (name: string, values: Record<string, string>, start: number, end: number): XmlElement => {
    const attributes = new Map<string, XmlAttribute>();
    const re = new RegExp(ATTRIBUTE.source, 'g');
    re.lastIndex = start + 1 + name.length;
    for (let m = re.exec(text); m && m.index < end; m = re.exec(text)) {
      const attrName = m[1]!;
      const raw = m[2] ?? m[3] ?? '';
      const valueEnd = m.index + m[0].length - 1;
      const valueStart = valueEnd - raw.length;
      const value = values[attrName] ?? raw;
      const valueRange = positions.range(valueStart, valueEnd);
      const exact = raw.length === value.length && !raw.includes('&');
      attributes.set(attrName, {
        name: attrName,
        value,
        range: positions.range(m.index, valueEnd + 1),
        valueRange,
        slice: (from, to) => (exact ? positions.range(valueStart + from, valueStart + to) : valueRange),
      });
    }
    return { name, attributes, children: [], range: positions.range(start + 1, start + 1 + name.length) };
  };

  parser.on('opentagstart', () => {
    // The parser stands just past the character after the name; the name holds no '<'.
    tagStart = text.lastIndexOf('<', parser.position - 1);
  });
  parser.on('opentag', (tag) => {
    const el = element(tag.name, tag.attributes, tagStart, parser.position);
    const parent = open.at(-1);
    if (parent) parent.children.push(el);
    else root ??= el;
    open.push(el);
  });
  parser.on('closetag', (tag) => {
    const el = open.pop();
    if (tag.isSelfClosing || !el) return;
    // saxes closes the innermost element on a mismatched end tag; say which tags disagree.
    const end = parser.position;
    const closeStart = text.lastIndexOf('</', end - 1);
    const written = text.slice(closeStart + 2, end - 1).trim();
    if (written !== tag.name) {
      const r = el.range.start;
      failAt(`</${written}> does not match <${tag.name}> opened at ${r.line}:${r.column}`, closeStart, end);
    }
  });
  parser.on('error', (err) => {
    const message = err.message.replace(/^\d+:\d+: /, '').replace(/\.$/, '');
    const unclosed = open.at(-1);
    if (message.startsWith('unclosed tag') && unclosed) fail(`<${unclosed.name}> is never closed`, unclosed.range);
    else if (message.startsWith('document must contain a root element')) failAt('no root element', 0, 0);
    else {
      // saxes notices a bad entity reference at its ';': point at its '&'.
      const end = parser.position;
      const start = /entity/.test(message) ? text.lastIndexOf('&', end - 1) : end - 1;
      failAt(`malformed XML: ${message}`, Math.max(0, start), end);
    }
  });

  try {
    parser.write(text).close();
  } catch (e) {
    // saxes reports through the error handler; this only guards against the unexpected.
    failAt(`malformed XML: ${messageOf(e)}`, parser.position, parser.position);
  }
  if (failure) return { root: undefined, diagnostics: [failure] };
  // saxes reports a missing root, so without a failure there is a root.
  return root
    ? { root, diagnostics: [] }
    : {
        root: undefined,
        diagnostics: [
          { severity: 'error', code: 'xml-syntax', message: 'no root element', range: positions.range(0, 0) },
        ],
      };
}
