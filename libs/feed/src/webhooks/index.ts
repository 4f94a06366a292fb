export * from './webhook-address';
export * from './webhook-config';
export * from './webhook-delivery.store';
export * from './webhook-dispatcher';
export * from './webhook-sender';
export * from './webhook-signature';
