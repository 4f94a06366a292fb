export * from './merkle-tree';
export * from './signed-note';
export * from './tree-store';
export * from './tree-verify';
export * from './export-proofs';
