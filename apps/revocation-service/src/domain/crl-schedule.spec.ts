import { crlDueAt, crlNextUpdate, entryCutoff, retryDelayMs } from './crl-schedule';

const t = (iso: string) => new Date(iso);
const base = { lastThisUpdate: t('2026-11-01T00:00:00Z'), lastNextUpdate: t('2026-11-08T00:00:00Z'), dirtySince: null, configurationChanged: false, retryAfter: null };

describe('CRL schedule', () => {
  it('a CA without a CRL, or whose configuration changed, is due at once', () => {
    expect(crlDueAt({ ...base, lastThisUpdate: null, lastNextUpdate: null }, 60_000).getTime()).toBe(0);
    expect(crlDueAt({ ...base, configurationChanged: true }, 60_000).getTime()).toBe(0);
  });
  it('revocations are coalesced for the delay after the first one', () => {
    expect(crlDueAt({ ...base, dirtySince: t('2026-11-02T10:00:00Z') }, 60_000)).toEqual(t('2026-11-02T10:01:00Z'));
  });
  it('an unchanged CRL is refreshed well before nextUpdate (at most one day before, half its validity)', () => {
    expect(crlDueAt(base, 60_000)).toEqual(t('2026-11-07T00:00:00Z'));
    expect(crlDueAt({ ...base, lastNextUpdate: t('2026-11-01T12:00:00Z') }, 60_000)).toEqual(t('2026-11-01T06:00:00Z'));
  });
  it('a failure postpones the next attempt with backoff up to 15 minutes', () => {
    expect(crlDueAt({ ...base, lastThisUpdate: null, retryAfter: t('2026-11-02T00:00:05Z') }, 0)).toEqual(t('2026-11-02T00:00:05Z'));
    expect([1, 2, 3, 20].map(retryDelayMs)).toEqual([5_000, 10_000, 20_000, 900_000]);
  });
  it('nextUpdate = thisUpdate + ExpirationInDays', () => {
    expect(crlNextUpdate(t('2026-11-01T00:00:00Z'), 7)).toEqual(t('2026-11-08T00:00:00Z'));
  });
  it('an entry stays until a CRL issued after its notAfter carried it', () => {
    expect(entryCutoff(null)).toEqual(new Date(0));
    expect(entryCutoff(t('2026-11-01T00:00:00Z'))).toEqual(t('2026-11-01T00:00:00Z'));
  });
});
