/**
 * The report every benchmark prints: one Markdown table, rows of
 * figure | measured | gate | goal | anchors, each gate and goal marked met or not from the
 * measured value, then the notes (conditions, caveats). Paste-able into the README as it is.
 */
export interface Threshold {
  readonly op: '<=' | '<' | '>=' | '>';
  readonly value: number;
}

export interface Row {
  readonly figure: string;
  /** the measured number (compared with gate and goal); absent when not measured */
  readonly value?: number;
  readonly unit?: string;
  readonly digits?: number;
  /** text shown instead of the formatted value (or beside it when both are given) */
  readonly detail?: string;
  readonly gate?: Threshold;
  readonly goal?: Threshold;
  readonly anchors?: string;
}

export const meets = (value: number, t: Threshold): boolean =>
  t.op === '<=' ? value <= t.value : t.op === '<' ? value < t.value : t.op === '>=' ? value >= t.value : value > t.value;

const number = (n: number, digits: number) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function measuredText(row: Row): string {
  if (row.value === undefined || Number.isNaN(row.value)) return row.detail ?? 'not measured';
  const text = `${number(row.value, row.digits ?? 1)}${row.unit ? ` ${row.unit}` : ''}`;
  return row.detail ? `${text} (${row.detail})` : text;
}

function thresholdText(row: Row, t: Threshold | undefined): string {
  if (!t) return '';
  const text = `${t.op} ${number(t.value, t.value % 1 === 0 ? 0 : 1)}${row.unit ? ` ${row.unit}` : ''}`;
  if (row.value === undefined || Number.isNaN(row.value)) return text;
  return `${text}: ${meets(row.value, t) ? 'met' : 'NOT met'}`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function renderReport(title: string, rows: readonly Row[], notes: readonly string[] = []): string {
  const table = [
    ['figure', 'measured', 'gate', 'goal', 'anchors (same run)'],
    ...rows.map((r) => [r.figure, measuredText(r), thresholdText(r, r.gate), thresholdText(r, r.goal), r.anchors ?? ''].map(cell)),
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((line) => line[c]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    title,
    '',
    line(table[0]!),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...table.slice(1).map(line),
    ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}
