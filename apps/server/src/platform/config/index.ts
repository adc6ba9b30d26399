export { loadConfig, ConfigError, type Config, type IceConfig } from './config.ts';
