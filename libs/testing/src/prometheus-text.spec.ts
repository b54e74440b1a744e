import { parsePrometheusText, sampleSum, samplesOf } from './prometheus-text';

const VALID = [
  '# HELP pki_things_total Things, with a \\\\ and a \\n in the help',
  '# TYPE pki_things_total counter',
  'pki_things_total{ca="a",note="q\\"uote\\\\d\\nx"} 3',
  'pki_things_total{ca="b"} 4 1700000000000',
  '# A plain comment',
  '# HELP pki_wait_seconds Waits',
  '# TYPE pki_wait_seconds histogram',
  'pki_wait_seconds_bucket{op="x",le="0.1"} 1',
  'pki_wait_seconds_bucket{op="x",le="+Inf"} 2',
  'pki_wait_seconds_sum{op="x"} 0.35',
  'pki_wait_seconds_count{op="x"} 2',
  'pki_wait_seconds_bucket{op="y",le="0.1"} 0',
  'pki_wait_seconds_bucket{op="y",le="+Inf"} 5',
  'pki_wait_seconds_sum{op="y"} 9.5',
  'pki_wait_seconds_count{op="y"} 5',
  '# TYPE pki_level gauge',
  'pki_level -1.5e3',
  'pki_nan NaN',
  '# HELP pki_untouched_total Declared, no sample yet',
  '# TYPE pki_untouched_total counter',
  '',
].join('\n');

describe('parsePrometheusText', () => {
  it('reads families, help, labels with escapes, timestamps and labelled histograms series by series', () => {
    const families = parsePrometheusText(VALID);
    expect(families.get('pki_things_total')).toMatchObject({ type: 'counter', help: 'Things, with a \\ and a \n in the help' });
    expect(samplesOf(families, 'pki_things_total', { ca: 'a' })[0]!.labels.note).toBe('q"uote\\d\nx');
    expect(sampleSum(families, 'pki_things_total')).toBe(7);
    expect(families.get('pki_wait_seconds')!.samples).toHaveLength(8);
    expect(sampleSum(families, 'pki_wait_seconds_count', { op: 'y' })).toBe(5);
    expect(sampleSum(families, 'pki_wait_seconds_bucket', { op: 'x', le: '+Inf' })).toBe(2);
    expect(sampleSum(families, 'pki_level')).toBe(-1500);
    expect(families.get('pki_nan')).toMatchObject({ type: 'untyped' });
    expect(sampleSum(families, 'pki_absent')).toBe(0);
    expect(families.get('pki_untouched_total')).toEqual({ name: 'pki_untouched_total', type: 'counter', help: 'Declared, no sample yet', samples: [] });
  });

  it.each([
    ['a sample without a value', 'pki_x{a="1"}', /no value|no space/],
    ['an unquoted label value', 'pki_x{a=1} 1', /not quoted/],
    ['an unterminated label value', 'pki_x{a="1} 1', /not terminated/],
    ['an invalid escape', 'pki_x{a="\\t"} 1', /invalid escape/],
    ['an invalid value', 'pki_x 1,5', /invalid value/],
    ['an invalid metric name', '1pki_x 1', /invalid metric name/],
    ['the same series twice', 'pki_x{a="1"} 1\npki_x{a="1"} 2', /same series twice/],
    ['a family split in two', 'pki_x 1\npki_y 1\npki_x{a="2"} 1', /not contiguous/],
    ['TYPE after the samples', 'pki_x 1\n# TYPE pki_x gauge', /after its samples/],
    ['two TYPE lines', '# TYPE pki_x gauge\n# TYPE pki_x gauge\npki_x 1', /second TYPE/],
    ['an unknown type', '# TYPE pki_x meter\npki_x 1', /unknown type/],
    ['a negative counter', '# TYPE pki_x_total counter\npki_x_total -1', /negative/],
    ['buckets that decrease', '# TYPE h histogram\nh_bucket{le="1"} 3\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 2', /not cumulative/],
    ['no +Inf bucket', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1', /no \+Inf bucket/],
    ['a _count that differs from +Inf', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3', /differs from the \+Inf/],
    ['a bucket without le', '# TYPE h histogram\nh_bucket 1\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1', /without le/],
  ])('refuses %s', (_, text, problem) => {
    expect(() => parsePrometheusText(text)).toThrow(problem);
  });
});
