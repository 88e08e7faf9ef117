/** The workflow bundle's entry: every workflow type the workers register. */
export { tradingSession } from './trading-session';
export { stopSequence } from './stop-sequence';
export { alertDelivery } from './alert-delivery';
