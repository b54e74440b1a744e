import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { type PlatformConfig, READINESS_CHECKS, ServiceClient } from '@pki/service-kit';

class ServiceClientLifecycle implements OnApplicationShutdown {
  constructor(private readonly client: ServiceClient) {}
  async onApplicationShutdown(): Promise<void> {
    await this.client.drain();
  }
}

@Module({})
export class GatewayModule {
  static forRoot(config: PlatformConfig): DynamicModule {
    return {
      module: GatewayModule,
      providers: [
        { provide: ServiceClient, useFactory: () => ServiceClient.connect(config.natsUrl, config.natsPrefix, config.requestTimeoutMs) },
        { provide: ServiceClientLifecycle, useFactory: (client: ServiceClient) => new ServiceClientLifecycle(client), inject: [ServiceClient] },
        {
          provide: READINESS_CHECKS,
          useFactory: (client: ServiceClient) => [{ name: 'nats', check: () => client.ping() }],
          inject: [ServiceClient],
        },
      ],
      exports: [ServiceClient, READINESS_CHECKS],
    };
  }
}
