/**
 * src/config: reading `supervisord.conf` as Supervisor 4.2.5 does. The entry points for the
 * daemon and supervisorctl.
 */
export { loadConfig, type LoadOptions } from './load.js';
export { loadCtlConfig, type CtlLoadOptions, type CtlConfigResult } from './ctl.js';
export { dumpConfig } from './dump.js';
export { findConfigFile, searchPaths, noConfigFoundMessage, ROOT_SEARCH_WARNING } from './search.js';
export { SAMPLE_CONF } from './sample.js';
export * from './types.js';
