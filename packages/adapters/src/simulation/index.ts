export * from './Simulation.js';
export * from './createSimulation.js';
export * from './SimulationActs.js';
export * from './SimulationClock.js';
export * from './SimulationHasher.js';
export * from './RecordingLogger.js';
export * from './simulationKeys.js';
export * from '../memory/CapturingMailTransport.js';
