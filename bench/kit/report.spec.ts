import { meets, renderReport } from './report';

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
});
