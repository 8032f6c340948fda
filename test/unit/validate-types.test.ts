// The validator table is typed against the contract (shared/console-api/validate.ts): a check admits
// exactly one type, so a field the contract has and the validator lacks, or the reverse, does not
// compile. The `@ts-expect-error` lines are the test: `npm run typecheck` fails on any of them that
// compiles (an unused directive is an error). The runtime expectations show the checks themselves.
import { describe, expect, it } from 'vitest';
import type { MethodParams } from '../../shared/console-api/api.js';
import type { OpenConnectionParams } from '../../shared/console-api/types.js';
import { boolean, int, object, str, tagged, oneOf, type Check } from '../../shared/console-api/validate.js';

const id = int(0, 100);

describe('validators typed against the contract', () => {
  it('accepts a check with exactly the fields of the params type, and that check works', () => {
    const decode: Check<MethodParams<'feed.decode'>> = object({ id });
    expect(decode({ id: 3 }, 'params')).toBeUndefined();
    expect(decode({ id: 3, verbose: true }, 'params')).toBe('params: unknown field "verbose"');
  });

  it('does not compile a validator that forgets a field of the contract', () => {
    // A field added to a request type (here by extension) and not to its validator.
    interface GrownDecode extends MethodParams<'feed.decode'> {
      verbose?: boolean;
    }
    // @ts-expect-error the contract's optional `verbose` is missing from the validator
    const forgotten: Check<GrownDecode> = object({ id });
    // @ts-expect-error the real contract: feed.query's optional `filter` is missing
    const noFilter: Check<MethodParams<'feed.query'>> = object({ limit: id }, { afterId: id });
    // At run time such a validator rejects what the contract allows: the bug the types prevent.
    expect(forgotten({ id: 1, verbose: true }, 'params')).toBe('params: unknown field "verbose"');
    expect(noFilter({ limit: 1, filter: {} }, 'params')).toBe('params: unknown field "filter"');
  });

  it('does not compile a validator with a field the contract lacks', () => {
    // @ts-expect-error `verbose` is not a field of feed.decode's params
    const extra: Check<MethodParams<'feed.decode'>> = object({ id }, { verbose: boolean });
    expect(extra({ id: 1, verbose: true }, 'params')).toBeUndefined();
  });

  it('does not compile a validator that disagrees on optionality, type or a union member', () => {
    // @ts-expect-error `id` is required in the contract
    const optionalId: Check<MethodParams<'feed.decode'>> = object({}, { id });
    // @ts-expect-error `id` is a number in the contract
    const stringId: Check<MethodParams<'feed.decode'>> = object({ id: str() });
    const endpointOnly = tagged('kind', { endpoint: object({ kind: oneOf('endpoint'), endpoint: str() }) });
    // @ts-expect-error a target may also be a url: a nested union member is missing
    const oneTarget: Check<OpenConnectionParams> = object({ target: endpointOnly }, { token: str(), deviceId: str() });
    expect(optionalId({}, 'params')).toBeUndefined();
    expect(stringId({ id: 1 }, 'params')).toBe('params.id: expected a string, got number 1');
    expect(oneTarget({ target: { kind: 'url', url: 'tcp://h:1' } }, 'params')).toMatch(/params\.target\.kind/);
  });
});
