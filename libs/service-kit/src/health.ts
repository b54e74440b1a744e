import { Controller, Get, HttpCode, HttpException, HttpStatus, Inject, Injectable, Optional } from '@nestjs/common';

/** One dependency whose reachability decides readiness (Postgres, NATS, ...). */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Flips to false when shutdown begins so load balancers stop sending traffic first. */
@Injectable()
export class Lifecycle {
  shuttingDown = false;
  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }
}

async function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      promise,
      new Promise<void>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Kubernetes probes: liveness says the process runs; readiness says every dependency answers
 * (a pod whose Postgres or NATS is unreachable is taken out of rotation, not restarted).
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly lifecycle: Lifecycle,
    @Optional() @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[] = [],
  ) {}

  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<{ status: 'ok'; checks: Record<string, string> }> {
    const results: Record<string, string> = {};
    let failed = this.lifecycle.shuttingDown;
    if (failed) results.lifecycle = 'shutting down';
    await Promise.all(
      (this.checks ?? []).map(async (check) => {
        try {
          await withTimeout(check.check(), 2000);
          results[check.name] = 'ok';
        } catch (error) {
          failed = true;
          results[check.name] = error instanceof Error ? error.message : String(error);
        }
      }),
    );
    if (failed) throw new HttpException({ status: 'unavailable', checks: results }, HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'ok', checks: results };
  }
}
