import { Controller, Get, Header, type OnModuleInit } from '@nestjs/common';
import { enableDefaultMetrics, metricsText, METRICS_CONTENT_TYPE } from './metrics';

/** `GET /metrics`: the process's Prometheus registry as text, unauthenticated like the health probes. */
@Controller()
export class MetricsController implements OnModuleInit {
  onModuleInit(): void {
    enableDefaultMetrics();
  }

  @Get('metrics')
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  metrics(): Promise<string> {
    return metricsText();
  }
}
