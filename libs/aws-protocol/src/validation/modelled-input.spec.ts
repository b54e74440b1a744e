import { S } from './shape.dsl';
import { modelledInput } from './modelled-input';

describe('modelledInput', () => {
  it('keeps map keys (data, not member names) while pruning their structure values', () => {
    const shape = S.structure({ Labels: S.map(S.string(), S.structure({ Name: S.string() })), Doc: S.document() });
    expect(modelledInput(shape, { Labels: { any: { Name: 'n', X: 1 } }, Doc: { free: ['form'] }, Y: 2 })).toEqual({
      Labels: { any: { Name: 'n' } },
      Doc: { free: ['form'] },
    });
  });
});
