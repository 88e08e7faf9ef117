/** The Hyperliquid protocol layer's signing core (FOUNDATION). Transports live next to it. */
export * from './format';
export * from './msgpack';
export * from './actions';
export * from './canonical';
export * from './signing';
export * from './nonce';
export * from './signer';
export * from './schemas/actions';
