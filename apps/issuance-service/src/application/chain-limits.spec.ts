import * as issuingCa from '../domain/issuing-ca';
import { makeRootCa, type TestCa } from '../domain/profile-test-kit.spec-helper';
import { ChainLimits } from './chain-limits';

describe('ChainLimits (the memo of chainNotAfter per chain)', () => {
  let roots: TestCa[];
  beforeAll(async () => {
    roots = await Promise.all(['Root A', 'Root B', 'Root C'].map((CommonName) => makeRootCa({ CommonName })));
  });
  afterEach(() => jest.restoreAllMocks());

  it("answers chainNotAfter's value, null without a chain, and parses each chain once", () => {
    const parse = jest.spyOn(issuingCa, 'chainNotAfter');
    const limits = new ChainLimits();
    expect(limits.of(null)).toBeNull();
    expect(limits.of(roots[0]!.pem)).toEqual(roots[0]!.facts.notAfter);
    expect(limits.of(roots[0]!.pem)).toEqual(roots[0]!.facts.notAfter);
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it('keeps at most maxEntries chains, dropping the oldest', () => {
    const parse = jest.spyOn(issuingCa, 'chainNotAfter');
    const limits = new ChainLimits(2);
    for (const root of roots) limits.of(root.pem);
    expect(parse).toHaveBeenCalledTimes(3);
    limits.of(roots[2]!.pem);
    limits.of(roots[1]!.pem);
    expect(parse).toHaveBeenCalledTimes(3);
    expect(limits.of(roots[0]!.pem)).toEqual(roots[0]!.facts.notAfter);
    expect(parse).toHaveBeenCalledTimes(4);
  });
});
