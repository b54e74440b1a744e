import { isConnectionError, isTransientError, isUniqueViolation } from './pg-errors';

describe('pg error classification', () => {
  it('recognises unique violations, optionally by constraint', () => {
    const error = Object.assign(new Error('dup'), { code: '23505', constraint: 'events_stream_version_key' });
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(error, 'events_stream_version_key')).toBe(true);
    expect(isUniqueViolation(error, 'other')).toBe(false);
    expect(isUniqueViolation(new Error('x'))).toBe(false);
  });

  it('treats connection loss and shutdowns as transient, bugs as not', () => {
    expect(isTransientError(Object.assign(new Error('terminating'), { code: '57P01' }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientError(Object.assign(new Error('syntax'), { code: '42601' }))).toBe(false);
    expect(isTransientError(new TypeError('cannot read properties of undefined'))).toBe(false);
  });

  it('tells an unreachable database (answered as unavailable) from conflicts and bugs', () => {
    expect(isConnectionError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('cannot connect now'), { code: '57P03' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('connection failure'), { code: '08006' }))).toBe(true);
    expect(isConnectionError(new Error('Connection terminated due to connection timeout'))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('serialization'), { code: '40001' }))).toBe(false);
    expect(isTransientError(Object.assign(new Error('serialization'), { code: '40001' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('dup'), { code: '23505' }))).toBe(false);
  });
});
