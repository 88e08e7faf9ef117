/** The hot path's public surface, for the worker and the orchestration. */
export { createHotPath, strategyFromConfig, type HotPath, type HotPathDeps, type HotPathStatus } from './hot-path';
export type { FillInput, MarkUpdate, MidsUpdate, OrderUpdateInput, PositionsSnapshot, SocketState } from './events';
export type { AlertPort, ExecutionResult, ResultKey } from './executor';
export type { CheckpointPort, ExchangeRequestLike, ExchangeResponseLike, HardStopPort, OrderTransport, WireOrderSpec, WirePort } from './ports';
export { createVenueWire, type FoundationWire, type L1Signer, type VenueWireOpts } from './wire';
export { SignalSchema, type Signal, type SignalInput } from './signal';
export { HardStopLatch } from './latch';
export { HARD_STOP_REASONS, isHardStopReason, type HardStopReason, type HardStopRecord, type RejectReason, type SkipReason } from '../risk/reasons';
export type { ExecutionEvent } from '../risk/execution-events';
export { evaluateGoNoGo, type GoNoGoVerdict } from '../risk/go-no-go';
export { loadSessionConfig, parseSessionConfig, SessionConfig, SessionConfigError } from '../config/session';
