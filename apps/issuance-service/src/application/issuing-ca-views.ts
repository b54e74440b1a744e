/**
 * The issuing CAs this process looked up recently, so that IssueCertificate and GetCertificate
 * do not read issuance.issuing_cas once each (two lookups per certificate were a third of the
 * service's queries). It is a copy of projection rows, never ahead of them, and is kept honest by
 * ca-service's own events (ca-event-announcements.ts):
 *
 * - every CA event that reaches this process over NATS announces (CA id, stream version); a
 *   remembered row older than the newest announced version is not used again, the request reads
 *   the table (and remembers what it read). The projection row's `version` is the CA stream
 *   version it reflects, and every CA event type moves it, so "older" is exact;
 * - a connection interruption or a subscription error forgets everything (a plain subscription
 *   does not replay what it missed);
 * - no row is used longer than `maxAgeMs` after it was read, whatever was announced.
 *
 * The loader uses a remembered CA only when it is already `ready` for the request (e.g. ACTIVE
 * for IssueCertificate); anything else (unknown, not ready yet: right after a CA was created,
 * activated or restored) goes to the table exactly as before, with its bounded wait for the
 * projection. What it cannot see earlier than the table does: ca-service's events reach the
 * projection and this process over the same NATS publish, so a change is seen here about when
 * the table has it. ca-service still checks the CA's state itself before every signature (a CA
 * disabled a moment ago signs nothing), so a remembered ACTIVE CA never gets a certificate
 * signed that ca-service would refuse.
 */
import type { IssuingCaView } from '../domain/issuing-ca';

export interface ReadToken {
  readonly epoch: number;
  readonly at: number;
}

interface Remembered {
  readonly view: IssuingCaView;
  readonly version: number;
  readonly readAt: number;
}

export class IssuingCaViews {
  private readonly byArn = new Map<string, Remembered>();
  /** The newest stream version announced per CA id. */
  private readonly announced = new Map<string, number>();
  private epoch = 0;
  private readonly reading = new Map<string, Promise<unknown>>();
  /** Used only while the announcements listen (between `listening(true)` and `listening(false)`). */
  private active = false;

  constructor(
    private readonly options: { readonly maxAgeMs: number; readonly maxEntries?: number; readonly now?: () => number } = { maxAgeMs: 1000 },
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The CA `arn` names as last read from the table, when nothing newer was announced and it is young enough. */
  fresh(arn: string): IssuingCaView | undefined {
    const r = this.active ? this.byArn.get(arn) : undefined;
    if (!r) return undefined;
    if (r.version < (this.announced.get(r.view.id) ?? 0) || this.now() - r.readAt >= this.options.maxAgeMs) {
      this.byArn.delete(arn);
      return undefined;
    }
    return r.view;
  }

  /**
   * Runs `read` (a read of `arn` from the table that remembers what it finds), or joins the one
   * already in flight: when a remembered CA ages out, the requests arriving meanwhile share one
   * query instead of each reading the same row.
   */
  readOnce(arn: string, read: () => Promise<unknown>): Promise<unknown> {
    let pending = this.reading.get(arn);
    if (!pending) {
      pending = read().finally(() => this.reading.delete(arn));
      this.reading.set(arn, pending);
    }
    return pending;
  }

  /** Taken before reading the table; `remember` then knows when the read started and whether everything was forgotten meanwhile. */
  beginRead(): ReadToken {
    return { epoch: this.epoch, at: this.now() };
  }

  /** Remembers a row read from the table since `token` (a newer remembered one is kept). */
  remember(view: IssuingCaView, version: number, token: ReadToken): void {
    if (!this.active || token.epoch !== this.epoch) return; // forgotten meanwhile: this read may predate missed events
    const known = this.byArn.get(view.arn);
    if (known && known.version > version) return;
    if (!known && this.byArn.size >= (this.options.maxEntries ?? 10_000)) this.byArn.delete(this.byArn.keys().next().value as string);
    this.byArn.set(view.arn, { view, version, readAt: token.at });
  }

  /** ca-service published event `version` of CA `caId`'s stream. */
  announce(caId: string, version: number): void {
    if (version > (this.announced.get(caId) ?? 0)) this.announced.set(caId, version);
  }

  /** The announcements start (true: from now on every CA event is announced) or stop (false); either way all is forgotten. */
  listening(on: boolean): void {
    this.active = on;
    this.clear();
  }

  /** Forget everything remembered, and every read in flight (events may have been missed). */
  clear(): void {
    this.epoch++;
    this.byArn.clear();
  }
}
