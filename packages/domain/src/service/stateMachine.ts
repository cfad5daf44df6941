import type { ServiceState } from './model.js';

export type ServiceEvent = 'create' | 'enable' | 'disable' | 'delete' | 'purge';

export interface ServiceTransition {
  readonly id: 'S1' | 'S2' | 'S3' | 'S4' | 'S5';
  /** null: the service does not exist yet / any more */
  readonly from: ServiceState | null;
  readonly event: ServiceEvent;
  readonly to: ServiceState | null;
}

/** services.md §1, as data. Guards (approval, password, key validity) are checked by the use cases named there. */
export const SERVICE_TRANSITIONS: readonly ServiceTransition[] = [
  { id: 'S1', from: null, event: 'create', to: 'disabled' },
  { id: 'S2', from: 'disabled', event: 'enable', to: 'enabled' },
  { id: 'S3', from: 'enabled', event: 'disable', to: 'disabled' },
  { id: 'S4', from: 'disabled', event: 'delete', to: 'deleting' },
  { id: 'S4', from: 'enabled', event: 'delete', to: 'deleting' },
  { id: 'S5', from: 'deleting', event: 'purge', to: null },
];

/** The transition `event` fires from `from`, or undefined when the table has none (the event is then a no-op or refused). */
export const serviceTransition = (from: ServiceState | null, event: ServiceEvent): ServiceTransition | undefined =>
  SERVICE_TRANSITIONS.find((t) => t.from === from && t.event === event);

/** What each state means to the outside world (services.md §1, first table). */
export const SERVICE_STATE_RULES: Readonly<
  Record<ServiceState, { readonly listed: boolean; readonly newBots: 'yes' | 'service-disabled' | 'not-found'; readonly deliveries: boolean; readonly visibleToProvider: boolean }>
> = {
  disabled: { listed: false, newBots: 'service-disabled', deliveries: false, visibleToProvider: true },
  enabled: { listed: true, newBots: 'yes', deliveries: true, visibleToProvider: true },
  deleting: { listed: false, newBots: 'not-found', deliveries: false, visibleToProvider: false },
};
