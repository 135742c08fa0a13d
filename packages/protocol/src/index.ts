export * from './rpc-core';
export * from './rpc';
export * from './webhooks';
export * from './system';
export * from './relay';
export * from './contacts';
export * from './campaigns';
