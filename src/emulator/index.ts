export { createEmulator } from './emulator.js';
export type { Emulator, EmulatorOptions, RunningEmulator } from './emulator.js';
export { EmulatorStore } from './store.js';
export type { SeedGroup, SeedUser } from './store.js';
export { FaultInjector } from './faults.js';
export type { ActiveFault, FaultSpec } from './faults.js';
export type {
  ContractViolation,
  EmulatorState,
  MembershipMethod,
  RecordedRequest,
  SystemUser,
  UserGroup,
  UserState,
} from './types.js';
export { EMULATOR_RULES } from './rules.js';
export { UNKNOWN_FLIPS } from './modes.js';
export type { EmulatorModes, UnknownAnswers } from './modes.js';
