/**
 * The report every benchmark prints: one Markdown table, rows of
 * figure | measured | gate | goal | anchors (or several measured columns side by side, e.g. empty
 * and seeded), each gate and goal marked met or not from the measured value, then the notes
 * (conditions, caveats). Paste-able into the README as it is.
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

/** One measured cell of a comparison: a number (formatted with the row's unit and digits), a text, or both. */
export interface Measured {
  readonly value?: number;
  readonly detail?: string;
}

/** A row measured in several columns (e.g. an empty CA and a seeded one) and judged on one value. */
export interface ComparedRow {
  readonly figure: string;
  /** one cell per measured column */
  readonly measured: readonly Measured[];
  readonly unit?: string;
  readonly digits?: number;
  /** the value gate and goal are judged on (default: the last column's), e.g. a growth */
  readonly judged?: number;
  readonly gate?: Threshold;
  readonly goal?: Threshold;
  readonly anchors?: string;
}

export const meets = (value: number, t: Threshold): boolean =>
  t.op === '<=' ? value <= t.value : t.op === '<' ? value < t.value : t.op === '>=' ? value >= t.value : value > t.value;

const number = (n: number, digits: number) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const unmeasured = (value: number | undefined): value is undefined => value === undefined || Number.isNaN(value);

function measuredText(row: ComparedRow, cell: Measured): string {
  if (unmeasured(cell.value)) return cell.detail ?? 'not measured';
  const text = `${number(cell.value, row.digits ?? 1)}${row.unit ? ` ${row.unit}` : ''}`;
  return cell.detail ? `${text} (${cell.detail})` : text;
}

function thresholdText(row: ComparedRow, t: Threshold | undefined): string {
  if (!t) return '';
  const text = `${t.op} ${number(t.value, t.value % 1 === 0 ? 0 : 1)}${row.unit ? ` ${row.unit}` : ''}`;
  const judged = row.judged ?? row.measured[row.measured.length - 1]?.value;
  if (unmeasured(judged)) return text;
  return `${text}: ${meets(judged, t) ? 'met' : 'NOT met'}`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

function renderTable(title: string, columns: readonly string[], rows: readonly ComparedRow[], notes: readonly string[], withAnchors: boolean): string {
  const table = [
    ['figure', ...columns, 'gate', 'goal', ...(withAnchors ? ['anchors (same run)'] : [])],
    ...rows.map((r) =>
      [r.figure, ...columns.map((_, c) => measuredText(r, r.measured[c] ?? {})), thresholdText(r, r.gate), thresholdText(r, r.goal), ...(withAnchors ? [r.anchors ?? ''] : [])].map(cell),
    ),
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

/** figure | measured | gate | goal | anchors */
export function renderReport(title: string, rows: readonly Row[], notes: readonly string[] = []): string {
  return renderTable(title, ['measured'], rows.map((r) => ({ ...r, measured: [{ value: r.value, detail: r.detail }] })), notes, true);
}

/** figure | <one column per measurement> | gate | goal, and anchors when a row has some. */
export function renderComparison(title: string, columns: readonly string[], rows: readonly ComparedRow[], notes: readonly string[] = []): string {
  return renderTable(title, columns, rows, notes, rows.some((r) => r.anchors));
}
