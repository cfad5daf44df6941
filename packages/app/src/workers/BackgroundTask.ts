/** Something the app runs beside the HTTP server (mail sender, delivery worker, job runner). */
export interface BackgroundTask {
  readonly name: string;
  start(): void;
  /** stops taking new work and waits for work in hand */
  stop(): Promise<void>;
}
