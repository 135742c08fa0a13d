// Every table of the engine's SQLite store, one file per domain.
export * from './system';
export * from './contacts';
export * from './campaigns';
export * from './audio';
export * from './sync';
export * from './identity';
export * from './ai';
