import { meets, renderComparison, renderReport } from './report';

describe('report printer', () => {
  it('compares a value with each kind of threshold', () => {
    expect(meets(4, { op: '<=', value: 4 })).toBe(true);
    expect(meets(4, { op: '<', value: 4 })).toBe(false);
    expect(meets(400, { op: '>=', value: 400 })).toBe(true);
    expect(meets(399.9, { op: '>=', value: 400 })).toBe(false);
  });

  it('prints figure | measured | gate | goal | anchors, marking each gate and goal', () => {
    const text = renderReport(
      'bench:x',
      [
        { figure: 'certificates/s', value: 512.34, unit: '/s', gate: { op: '>=', value: 400 }, goal: { op: '>=', value: 1000 }, anchors: 'cfssl 2,996/s' },
        { figure: 'server CPU per certificate', value: 4.5, unit: 'ms', digits: 2, gate: { op: '<=', value: 4 }, goal: { op: '<=', value: 2 } },
        { figure: 'cfssl anchor', detail: 'unavailable: cfssl is not installed' },
        { figure: 'a | b', value: 1, digits: 0 },
      ],
      ['64 clients'],
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('bench:x');
    expect(lines[2]).toMatch(/^\| figure +\| measured +\| gate +\| goal +\| anchors \(same run\) \|$/);
    expect(lines[4]).toMatch(/^\| certificates\/s +\| 512\.3 \/s +\| >= 400 \/s: met +\| >= 1,000 \/s: NOT met +\| cfssl 2,996\/s +\|$/);
    expect(lines[5]).toContain('| 4.50 ms ');
    expect(lines[5]).toContain('<= 4 ms: NOT met');
    expect(lines[6]).toContain('| unavailable: cfssl is not installed ');
    expect(lines[7]).toContain('a \\| b');
    expect(lines[lines.length - 1]).toBe('- 64 clients');
    // every table line has the same width
    expect(new Set(lines.slice(2, 8).map((l) => l.length)).size).toBe(1);
  });

  it('prints measured columns side by side, judging the last one or the value given', () => {
    const text = renderComparison(
      'bench:y',
      ['empty', 'seeded'],
      [
        { figure: 'audit report', unit: 's', measured: [{ value: 0.5, detail: 'SUCCESS' }, { value: 42, detail: 'SUCCESS' }], gate: { op: '<=', value: 60 } },
        { figure: 'growth', unit: '%', measured: [{}, { value: 31 }], gate: { op: '<=', value: 20 } },
        { figure: 'start-up', unit: 's', digits: 2, measured: [{ value: 1 }, { value: 2 }], judged: Infinity, gate: { op: '<', value: 10 }, goal: { op: '<', value: 5 } },
        { figure: 'size', unit: 'B', digits: 0, measured: [{ detail: '' }, { value: 3000 }], goal: { op: '<=', value: 4096 } },
      ],
    );
    const lines = text.split('\n');
    expect(lines[2]).toMatch(/^\| figure +\| empty +\| seeded +\| gate +\| goal +\|$/);
    expect(lines[4]).toMatch(/^\| audit report +\| 0\.5 s \(SUCCESS\) +\| 42\.0 s \(SUCCESS\) +\| <= 60 s: met +\| +\|$/);
    expect(lines[5]).toMatch(/^\| growth +\| not measured +\| 31\.0 % +\| <= 20 %: NOT met +\|/);
    expect(lines[6]).toContain('< 10 s: NOT met');
    expect(lines[6]).toContain('< 5 s: NOT met');
    expect(lines[7]).toContain('<= 4,096 B: met');
    expect(new Set(lines.slice(2).map((l) => l.length)).size).toBe(1);
  });
});
