/**
 * A reader for the Dockerfile subset deploy/Dockerfile uses, so the image suite follows the real
 * file: ARG (before FROM), FROM ... AS, WORKDIR, ENV key=value, COPY [--from=stage] src... dest,
 * RUN (shell form), USER, EXPOSE and CMD (exec form). Anything else is refused rather than
 * skipped, so an instruction the suite does not mirror cannot slip into the image unnoticed.
 */
export interface Copy {
  readonly from?: string;
  readonly sources: readonly string[];
  readonly destination: string;
}

export interface Stage {
  readonly name: string;
  readonly image: string;
  workdir?: string;
  readonly env: Record<string, string>;
  readonly steps: Array<{ readonly copy: Copy } | { readonly run: string }>;
  user?: string;
  cmd?: readonly string[];
}

export class DockerfileError extends Error {
  override readonly name = 'DockerfileError';
}

/** Logical lines: comments dropped, `\` continuations joined. */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    lines.push(`${pending}${line}`.trim());
    pending = '';
  }
  if (pending) throw new DockerfileError('the file ends inside a continued line');
  return lines;
}

const substitute = (value: string, args: Record<string, string>) =>
  value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!;
    if (!(name in args)) throw new DockerfileError(`\${${name}} is not a declared ARG`);
    return args[name]!;
  });

function keyValues(text: string, where: string): Record<string, string> {
  const result: Record<string, string> = {};
  const rest = text.replace(/(\w+)=("([^"]*)"|\S+)\s*/g, (_, key: string, raw: string, quoted: string | undefined) => {
    result[key] = quoted ?? raw;
    return '';
  });
  if (rest.trim() !== '' || Object.keys(result).length === 0) throw new DockerfileError(`${where}: only KEY=value pairs are supported`);
  return result;
}

export function parseDockerfile(text: string): Stage[] {
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logicalLines(text)) {
    const [, keyword, rest = ''] = /^(\w+)\s*(.*)$/.exec(line) ?? [];
    const stage = stages[stages.length - 1];
    switch (keyword?.toUpperCase()) {
      case 'ARG': {
        if (stage) throw new DockerfileError('ARG inside a stage is not supported');
        Object.assign(args, keyValues(rest, 'ARG'));
        break;
      }
      case 'FROM': {
        const [, image, name] = /^(\S+)\s+AS\s+(\S+)$/i.exec(rest) ?? [];
        if (!image || !name) throw new DockerfileError(`FROM ${rest}: every stage needs "AS <name>"`);
        stages.push({ name, image: substitute(image, args), env: {}, steps: [] });
        break;
      }
      default: {
        if (!stage) throw new DockerfileError(`${line}: before any FROM`);
        instruction(stage, keyword?.toUpperCase() ?? '', rest, line);
      }
    }
  }
  return stages;
}

function instruction(stage: Stage, keyword: string, rest: string, line: string): void {
  switch (keyword) {
    case 'WORKDIR':
      stage.workdir = rest;
      return;
    case 'ENV':
      Object.assign(stage.env, keyValues(rest, line));
      return;
    case 'RUN':
      if (rest.startsWith('[')) throw new DockerfileError(`${line}: exec-form RUN is not supported`);
      stage.steps.push({ run: rest });
      return;
    case 'COPY': {
      const words = rest.split(/\s+/);
      let from: string | undefined;
      while (words[0]?.startsWith('--')) {
        const flag = words.shift()!;
        if (flag.startsWith('--from=')) from = flag.slice('--from='.length);
        else throw new DockerfileError(`${line}: COPY flag ${flag} is not supported`);
      }
      if (words.length < 2 || rest.includes('[')) throw new DockerfileError(`${line}: COPY <src>... <dest> expected`);
      stage.steps.push({ copy: { from, sources: words.slice(0, -1), destination: words[words.length - 1]! } });
      return;
    }
    case 'USER':
      stage.user = rest;
      return;
    case 'EXPOSE':
      return;
    case 'CMD': {
      let cmd: unknown;
      try {
        cmd = JSON.parse(rest);
      } catch {
        throw new DockerfileError(`${line}: CMD must be in exec (JSON) form`);
      }
      if (!Array.isArray(cmd) || !cmd.every((part) => typeof part === 'string')) throw new DockerfileError(`${line}: CMD must be a list of strings`);
      stage.cmd = cmd;
      return;
    }
    default:
      throw new DockerfileError(`${line}: instruction ${keyword} is not supported by this reader`);
  }
}
