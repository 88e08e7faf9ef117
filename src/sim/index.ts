/** The embedded Hyperliquid-compatible venue (issue 3). */
export { startSimulator, type SimulatorOptions, type RunningSimulator } from './simulator';
export { type SimAdmin, type SimAccountState, ADMIN_OP_NAMES, runAdminOp } from './admin';
export { VENUE_LIMITS, type LimitConfig } from './limits';
export { DEFAULT_MARKETS, KNOWN_MARKETS } from './markets';
export { Venue, type Chain } from './venue';
export { Engine, ERR as SIM_ERRORS, HOUSE } from './engine';
