/**
 * Coalesces the OCSP requests the gateway forwards: while `maxInFlight` messages to
 * revocation-service are out, new requests queue, and each message that leaves takes every
 * queued request (up to `maxBatch`). An idle gateway sends each request at once, alone; a busy
 * one sends fewer, larger messages, which revocation-service answers with one status query and one
 * ca-service signing batch per CA. No timer: nothing waits for a batch to fill.
 */
export class RequestBatcher<I, O> {
  private readonly queue: { item: I; resolve: (out: O) => void; reject: (error: unknown) => void }[] = [];
  private inFlight = 0;

  constructor(
    private readonly send: (items: I[]) => Promise<O[]>,
    private readonly maxBatch: number,
    private readonly maxInFlight: number,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      this.send(batch.map((b) => b.item))
        .then(
          (outs) => batch.forEach((b, i) => (i < outs.length ? b.resolve(outs[i]!) : b.reject(new Error(`the batch answered ${outs.length} of ${batch.length} requests`)))),
          (error: unknown) => batch.forEach((b) => b.reject(error)),
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
