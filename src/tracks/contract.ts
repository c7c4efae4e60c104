// The names the tutorial teaches (hooks, maps, outputs, structs): what "did you mean" and
// compiler explanations suggest from.
import { loadLevels } from './levels.js';

const STRUCTS = ['conn_id_t', 'accept_args_t', 'data_args_t', 'close_args_t', 'socket_open_event_t', 'socket_data_event_t', 'socket_close_event_t', 'sockaddr_t', 'traffic_direction_t'];
const HELPERS = ['create_conn_id', 'process_syscall_accept', 'process_data', 'process_syscall_close', 'is_http_connection', 'kEgress', 'kIngress', 'DATA_LEN'];

export function contractNames(): string[] {
  const names = new Set<string>([...STRUCTS, ...HELPERS]);
  for (const level of loadLevels()) {
    for (const h of level.spec.hooks) names.add(h.name);
    for (const m of level.spec.maps) names.add(m.name);
  }
  return [...names];
}
