import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { ConfigError } from '../config';
import { logLevelFrom } from './log-level';
import { createPinoLogger, PinoNestLogger } from './logger';
import { withRequestContext } from './request-context';

function capture(level = 'info'): { lines: () => Array<Record<string, unknown>>; nest: PinoNestLogger } {
  const out: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const nest = new PinoNestLogger(createPinoLogger('ca', { env: { PKI_LOG_LEVEL: level }, destination }));
  return { lines: () => out.map((line) => JSON.parse(line) as Record<string, unknown>), nest };
}

describe('JSON logger', () => {
  it('PKI_LOG_LEVEL: pino levels, default info, anything else refused naming the accepted values', () => {
    expect(logLevelFrom(undefined)).toBe('info');
    expect(logLevelFrom(' WARN ')).toBe('warn');
    expect(() => logLevelFrom('verbose')).toThrow(new ConfigError('PKI_LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent (got "verbose")'));
  });

  it("turns Nest's Logger calls into JSON lines: context, stack, level word, ISO time, app, and the request in hand", () => {
    const { lines, nest } = capture();
    const previous = (Logger as unknown as { staticInstanceRef: unknown }).staticInstanceRef;
    Logger.overrideLogger(nest);
    try {
      const log = new Logger('CaLifecycleWorker');
      log.log('created key');
      log.error('pass failed', 'Error: boom\n    at f (/x.js:1:2)');
      withRequestContext({ requestId: 'req-9' }, () => log.warn('slow'));
      log.debug('not at info');
      Logger.error('no context', 'Error: static\n    at g (/y.js:3:4)');
      nest.log({ kind: 'access', status: 200 });
    } finally {
      Logger.overrideLogger(previous as Logger);
    }
    expect(lines()).toEqual([
      expect.objectContaining({ level: 'info', app: 'ca', context: 'CaLifecycleWorker', msg: 'created key', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) }),
      expect.objectContaining({ level: 'error', context: 'CaLifecycleWorker', msg: 'pass failed', stack: 'Error: boom\n    at f (/x.js:1:2)' }),
      expect.objectContaining({ level: 'warn', context: 'CaLifecycleWorker', msg: 'slow', requestId: 'req-9' }),
      expect.objectContaining({ level: 'error', msg: 'no context', stack: 'Error: static\n    at g (/y.js:3:4)' }),
      expect.objectContaining({ level: 'info', kind: 'access', status: 200 }),
    ]);
    expect(lines()[0]).not.toHaveProperty('requestId');
    expect(lines()[3]).not.toHaveProperty('context');
  });

  it('writes nothing below the level', () => {
    const { lines, nest } = capture('error');
    nest.log('info line');
    nest.warn('warn line');
    nest.error('error line');
    expect(lines().map((line) => line.msg)).toEqual(['error line']);
  });
});
