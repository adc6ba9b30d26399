export * from './text.ts';
export * from './errors.ts';
export * from './auth.ts';
export * from './dev.ts';
export * from './events.ts';
export * from './realtime.ts';
export * from './health.ts';
export * from './organizations.ts';
