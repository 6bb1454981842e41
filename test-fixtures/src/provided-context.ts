import type {} from 'vitest';

/** Connection variables the global setup hands to tests, by variable name. */
export type SluiceProvidedServices = Record<string, string>;

declare module 'vitest' {
  interface ProvidedContext {
    /** Connection variables of the services the global setup ensured (SLUICE_KAFKA_BROKERS ...). */
    sluiceServices: SluiceProvidedServices;
  }
}
