export * from './requests';
export * from './prices';
export * from './api-keys';
export * from './rollups';
export * from './access';
export * from './maintenance';
export * from './budgets';
