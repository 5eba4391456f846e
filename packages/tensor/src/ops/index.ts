export * from './create';
export * from './elementwise';
export * from './image';
export * from './linalg';
export * from './optim';
export * from './reduce';
export * from './shape';
export * from './softmax';
