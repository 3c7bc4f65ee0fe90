export * from './states.js';
export * from './faults.js';
export * from './process-info.js';
export * from './events.js';
