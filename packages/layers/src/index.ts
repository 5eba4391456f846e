export * from './io';
export * from './training';
