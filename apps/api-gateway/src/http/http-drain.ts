import type { Server, ServerResponse } from 'node:http';

/**
 * Graceful stop of the gateway's HTTP server (issue #12): stop accepting connections, close the
 * idle keep-alive ones at once, answer every request that reached the server -- in flight or
 * arriving on a kept-alive connection meanwhile -- with `Connection: close` so the client opens
 * a new connection (to another gateway) for its next request, and resolve once every connection
 * is gone. Connections still open after `boundMs` are cut.
 */
export class HttpDrain {
  private closing = false;
  private readonly responses = new Set<ServerResponse>();

  constructor(private readonly server: Server) {
    server.on('request', (_req, res: ServerResponse) => {
      if (this.closing) res.setHeader('Connection', 'close');
      this.responses.add(res);
      res.on('close', () => this.responses.delete(res));
    });
  }

  /** Stops the server; answers how many requests were in hand when it began, and how many had to be cut at the bound. */
  async close(boundMs: number): Promise<{ readonly inFlight: number; readonly cut: number }> {
    if (this.closing) return { inFlight: 0, cut: 0 };
    this.closing = true;
    const inFlight = this.responses.size;
    for (const res of this.responses) if (!res.headersSent) res.setHeader('Connection', 'close');
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), boundMs)));
    let cut = 0;
    if ((await Promise.race([closed, late])) === 'late') {
      cut = this.responses.size;
      this.server.closeAllConnections();
    }
    clearTimeout(timer);
    await closed;
    return { inFlight, cut };
  }
}
