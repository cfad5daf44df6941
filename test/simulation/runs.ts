/**
 * How many runs each property does. CI keeps the folder under a minute on two cores; `npm run test:soak`
 * (SOAK=1) multiplies them. SIM_RUNS overrides the memory count (and scales the others) for quick experiments.
 */
const soak = process.env.SOAK === '1';
const override = process.env.SIM_RUNS ? Number(process.env.SIM_RUNS) : undefined;

const scaled = (ci: number, soakRuns: number, share = 1) =>
  override !== undefined ? Math.max(1, Math.round(override * share)) : soak ? soakRuns : ci;

export const RUNS = {
  /** the lifecycle model on the memory store */
  memory: scaled(100, 5000),
  /** the same model on SQLite */
  sqlite: scaled(20, 500, 0.2),
  /** fc.scheduler interleavings of deliveries and removals */
  interleavings: scaled(100, 5000, 1),
} as const;

/** a soak run may take hours; CI runs must not */
export const TIMEOUT_MS = soak ? 24 * 3600_000 : 120_000;
