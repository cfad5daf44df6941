import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics the spec names (README "observability"); one registry per app instance. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({ name: 'http_requests_total', help: 'HTTP requests', labelNames: ['route', 'status'], registers: [this.registry] });
  readonly httpDuration = new Histogram({ name: 'http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['route'], registers: [this.registry] });
  readonly deliveries = new Counter({ name: 'bot_deliveries_total', help: 'Event deliveries to bots by outcome', labelNames: ['outcome'], registers: [this.registry] });
  readonly deliveryDuration = new Histogram({ name: 'bot_delivery_duration_seconds', help: 'Duration of one delivery attempt', registers: [this.registry] });
  readonly breakerOpen = new Gauge({ name: 'service_breaker_open', help: '1 while a service is penalised', labelNames: ['service'], registers: [this.registry] });
  readonly botCreations = new Counter({ name: 'bot_creations_total', help: 'Bot creations by outcome', labelNames: ['outcome'], registers: [this.registry] });
  readonly mailsSent = new Counter({ name: 'mails_sent_total', help: 'Mails by purpose and outcome', labelNames: ['purpose', 'outcome'], registers: [this.registry] });

  constructor(withDefaults = false) {
    if (withDefaults) collectDefaultMetrics({ register: this.registry });
  }

  observeRequest(route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ route, status: String(status) });
    this.httpDuration.observe({ route }, seconds);
  }
}
