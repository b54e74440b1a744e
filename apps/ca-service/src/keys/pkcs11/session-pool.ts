import type { Session, Slot } from 'graphene-pk11';
import * as graphene from 'graphene-pk11';

/**
 * PKCS #11 allows one active operation per session, so concurrent signatures each borrow a
 * session of their own. Sessions are opened on demand up to `size`; login state is per token
 * and application (PKCS #11 v2.40 §5.6), so the first session's login covers them all.
 */
export class SessionPool {
  private readonly idle: Session[] = [];
  private readonly all: Session[] = [];
  private readonly waiters: Array<(session: Session) => void> = [];
  private closed = false;

  constructor(
    private readonly slot: Slot,
    private readonly size: number,
    first: Session,
  ) {
    this.all.push(first);
    this.idle.push(first);
  }

  static openSession(slot: Slot): Session {
    return slot.open(graphene.SessionFlag.SERIAL_SESSION | graphene.SessionFlag.RW_SESSION);
  }

  async use<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    const session = await this.acquire();
    try {
      return await fn(session);
    } finally {
      this.release(session);
    }
  }

  sessions(): readonly Session[] {
    return this.all;
  }

  close(): void {
    this.closed = true;
    for (const session of this.all) {
      try {
        session.close();
      } catch {
        // the library may already be finalized
      }
    }
    this.all.length = 0;
    this.idle.length = 0;
  }

  private acquire(): Promise<Session> {
    if (this.closed) return Promise.reject(new Error('the PKCS #11 key custody is closed'));
    const session = this.idle.pop();
    if (session) return Promise.resolve(session);
    if (this.all.length < this.size) {
      const opened = SessionPool.openSession(this.slot);
      this.all.push(opened);
      return Promise.resolve(opened);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(session: Session): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter(session);
    else this.idle.push(session);
  }
}
