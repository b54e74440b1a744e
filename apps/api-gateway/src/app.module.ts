import { Module, type DynamicModule } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { NATS_CONNECTION, natsReadinessCheck, READINESS_CHECKS } from '@pki/service-kit';

/**
 * The gateway's own providers. The process's NATS connection and its ServiceClient come from
 * the global process module (processModule), like every service's.
 */
@Module({})
export class GatewayModule {
  static forRoot(): DynamicModule {
    return {
      module: GatewayModule,
      providers: [{ provide: READINESS_CHECKS, useFactory: (nc: NatsConnection) => [natsReadinessCheck(nc)], inject: [NATS_CONNECTION] }],
      exports: [READINESS_CHECKS],
    };
  }
}
