/**
 * A strict parser of the Prometheus text exposition format 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats),
 * for tests that scrape /metrics. Strict where a lenient reader would hide a broken exposition:
 * every line must parse, `# TYPE` comes before a family's samples and once, a family's samples
 * are contiguous, a series appears once, sample names fit their family's type (`_bucket` with
 * `le`, `_sum`, `_count`), histogram buckets are cumulative and `+Inf` equals `_count`, counters
 * are not negative.
 *
 * (The npm parser `parse-prometheus-text-format` 1.1.1 was tried: it merges the series of a
 * labelled histogram into one, dropping their counts, so it cannot check these metrics.)
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** The sample's own name (`x_bucket`, `x_sum`, `x_count` for histograms). */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: readonly string[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

export class PrometheusTextError extends Error {
  constructor(lineNumber: number, line: string, problem: string) {
    super(`line ${lineNumber}: ${problem}: ${JSON.stringify(line.slice(0, 200))}`);
  }
}

/** A float as Prometheus reads it (Go's strconv.ParseFloat: NaN and Inf in any case; prom-client writes `Nan`). */
function parseValue(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf' || lower === '+infinity' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : undefined;
}

function unescapeHelp(text: string): string {
  return text.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

/** `name{a="b",...} value [timestamp]`, or undefined with the problem. */
function parseSample(line: string): { sample: Sample } | { problem: string } {
  const nameEnd = line.search(/[{ ]/);
  if (nameEnd <= 0) return { problem: 'no value after the metric name' };
  const name = line.slice(0, nameEnd);
  if (!METRIC_NAME.test(name)) return { problem: `invalid metric name ${name}` };
  const labels: Record<string, string> = {};
  let i = nameEnd;
  if (line[i] === '{') {
    i++;
    while (line[i] !== '}') {
      const eq = line.indexOf('=', i);
      if (eq < 0) return { problem: 'a label without =' };
      const label = line.slice(i, eq);
      if (!LABEL_NAME.test(label)) return { problem: `invalid label name ${JSON.stringify(label)}` };
      if (label in labels) return { problem: `label ${label} twice` };
      if (line[eq + 1] !== '"') return { problem: `label ${label}'s value is not quoted` };
      let value = '';
      let j = eq + 2;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] !== '\\') {
          value += line[j];
          continue;
        }
        const escaped = line[++j];
        if (escaped === 'n') value += '\n';
        else if (escaped === '\\' || escaped === '"') value += escaped;
        else return { problem: `invalid escape \\${escaped ?? ''} in label ${label}` };
      }
      if (j >= line.length) return { problem: `label ${label}'s value is not terminated` };
      labels[label] = value;
      i = j + 1;
      if (line[i] === ',') i++;
      else if (line[i] !== '}') return { problem: 'labels must be separated by commas' };
    }
    i++;
  }
  if (line[i] !== ' ') return { problem: 'no space before the value' };
  const parts = line.slice(i + 1).split(' ');
  if (parts.length > 2) return { problem: 'more than a value and a timestamp' };
  const value = parseValue(parts[0]!);
  if (value === undefined) return { problem: `invalid value ${JSON.stringify(parts[0])}` };
  if (parts.length === 2 && !/^-?\d+$/.test(parts[1]!)) return { problem: `invalid timestamp ${JSON.stringify(parts[1])}` };
  return { sample: { name, labels, value } };
}

/** The family a sample name belongs to, given the families typed so far. */
function familyOf(sampleName: string, types: ReadonlyMap<string, MetricType>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sampleName.endsWith(suffix)) continue;
    const base = sampleName.slice(0, -suffix.length);
    const type = types.get(base);
    if (type === 'histogram' || (type === 'summary' && suffix !== '_bucket')) return base;
  }
  return sampleName;
}

const seriesKey = (sample: Sample) => `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort(([a], [b]) => a.localeCompare(b)))}`;

function checkFamily(family: MetricFamily): string | undefined {
  if (family.type === 'counter' && family.samples.some((s) => s.value < 0)) return `counter ${family.name} has a negative value`;
  for (const sample of family.samples) {
    if (family.type === 'histogram') {
      if (sample.name === `${family.name}_bucket` && sample.labels.le === undefined) return `${sample.name} without le`;
      if (sample.name === family.name) return `histogram ${family.name} has a bare sample`;
    }
    if (family.type === 'summary' && sample.name === family.name && sample.labels.quantile === undefined) return `summary ${family.name} sample without quantile`;
    if (family.type !== 'histogram' && family.type !== 'summary' && sample.name !== family.name) return `${sample.name} in ${family.type} ${family.name}`;
  }
  if (family.type !== 'histogram') return undefined;
  // Per series (labels without le): cumulative buckets, +Inf present and equal to _count.
  const series = new Map<string, { buckets: Array<[number, number]>; count?: number }>();
  const keyOf = (labels: Readonly<Record<string, string>>) => JSON.stringify(Object.entries(labels).filter(([k]) => k !== 'le').sort(([a], [b]) => a.localeCompare(b)));
  for (const sample of family.samples) {
    const entry = series.get(keyOf(sample.labels)) ?? { buckets: [] };
    series.set(keyOf(sample.labels), entry);
    if (sample.name.endsWith('_bucket')) entry.buckets.push([parseValue(sample.labels.le!) ?? NaN, sample.value]);
    if (sample.name.endsWith('_count')) entry.count = sample.value;
  }
  for (const [key, { buckets, count }] of series) {
    const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
    if (sorted.some(([le]) => Number.isNaN(le))) return `${family.name}${key}: invalid le`;
    if (sorted.some(([, v], i) => i > 0 && v < sorted[i - 1]![1])) return `${family.name}${key}: buckets are not cumulative`;
    const inf = sorted.at(-1);
    if (!inf || inf[0] !== Infinity) return `${family.name}${key}: no +Inf bucket`;
    if (count === undefined || count !== inf[1]) return `${family.name}${key}: _count ${count} differs from the +Inf bucket ${inf[1]}`;
  }
  return undefined;
}

/**
 * Parses an exposition; throws PrometheusTextError on the first violation. A family declared
 * by `# TYPE` / `# HELP` without samples (a labelled metric nothing has touched yet) is kept,
 * with no samples.
 */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const types = new Map<string, MetricType>();
  const helps = new Map<string, string>();
  const samplesBy = new Map<string, Sample[]>();
  const closed = new Set<string>();
  const seen = new Set<string>();
  let current: string | undefined;
  const samplesOfFamily = (name: string, lineNumber: number, line: string): Sample[] => {
    if (current !== name) {
      if (closed.has(name)) throw new PrometheusTextError(lineNumber, line, `the samples of ${name} are not contiguous`);
      if (current !== undefined) closed.add(current);
      current = name;
      samplesBy.set(name, []);
    }
    return samplesBy.get(name)!;
  };
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (!match) return; // a plain comment
      const [, keyword, name, rest = ''] = match;
      if (!METRIC_NAME.test(name!)) throw new PrometheusTextError(lineNumber, line, `invalid metric name ${name}`);
      if (keyword === 'HELP') {
        if (helps.has(name!)) throw new PrometheusTextError(lineNumber, line, `second HELP for ${name}`);
        helps.set(name!, unescapeHelp(rest));
        return;
      }
      if (!TYPES.includes(rest)) throw new PrometheusTextError(lineNumber, line, `unknown type ${JSON.stringify(rest)}`);
      if (types.has(name!)) throw new PrometheusTextError(lineNumber, line, `second TYPE for ${name}`);
      if (samplesBy.has(name!)) throw new PrometheusTextError(lineNumber, line, `TYPE of ${name} after its samples`);
      types.set(name!, rest as MetricType);
      return;
    }
    const parsed = parseSample(line);
    if ('problem' in parsed) throw new PrometheusTextError(lineNumber, line, parsed.problem);
    const key = seriesKey(parsed.sample);
    if (seen.has(key)) throw new PrometheusTextError(lineNumber, line, 'the same series twice');
    seen.add(key);
    samplesOfFamily(familyOf(parsed.sample.name, types), lineNumber, line).push(parsed.sample);
  });
  const families = new Map<string, MetricFamily>();
  for (const name of new Set([...types.keys(), ...helps.keys(), ...samplesBy.keys()])) {
    const family: MetricFamily = { name, type: types.get(name) ?? 'untyped', help: helps.get(name) ?? '', samples: samplesBy.get(name) ?? [] };
    const problem = checkFamily(family);
    if (problem) throw new Error(`invalid exposition: ${problem}`);
    families.set(name, family);
  }
  return families;
}

/** The samples named `name` whose labels include `labels`. */
export function samplesOf(families: ReadonlyMap<string, MetricFamily>, name: string, labels: Readonly<Record<string, string>> = {}): Sample[] {
  const family = families.get(familyOf(name, new Map([...families.values()].map((f) => [f.name, f.type]))));
  return (family?.samples ?? []).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The sum of the values of `samplesOf(...)` (0 when none). */
export function sampleSum(families: ReadonlyMap<string, MetricFamily>, name: string, labels: Readonly<Record<string, string>> = {}): number {
  return samplesOf(families, name, labels).reduce((sum, s) => sum + s.value, 0);
}
