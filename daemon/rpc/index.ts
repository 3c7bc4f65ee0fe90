/**
 * Builds the daemon's one method table: system.* (built into the table), supervisor.* with
 * Supervisor's aliases, and our ext.* namespace. Transports add their own ext.* methods on top.
 */
import type { Supervisor } from '../supervisor.js';
import { RpcTable, registerFromDocs } from './table.js';
import { SupervisorNamespace, SUPERVISOR_ALIASES } from './supervisor-ns.js';
import { ExtNamespace } from './ext-ns.js';

const SUPERVISOR_NS_URL = new URL('./supervisor-ns.js', import.meta.url).href;
const EXT_NS_URL = new URL('./ext-ns.js', import.meta.url).href;

/** The method table serving `sup`. */
export function createMethodTable(sup: Supervisor): RpcTable {
  const table = new RpcTable();
  const supervisorNs = new SupervisorNamespace(sup);
  registerFromDocs(table, supervisorNs, 'supervisor', SUPERVISOR_NS_URL, SUPERVISOR_ALIASES);
  registerFromDocs(table, new ExtNamespace(sup, () => supervisorNs.getAllConfigInfo()), 'ext', EXT_NS_URL, {});
  return table;
}
