/** The workflow bundle's entry: every workflow type the workers register. */
export { tradingSession } from './trading-session';
export { stopSequence } from './stop-sequence';
export { marketStopSequence } from './market-stop';
export { alertDelivery } from './alert-delivery';
