// One line: the demo server and the traffic sent to it.
import { Text } from 'ink';
import { tone } from '../theme.js';

export interface TrafficBarProps {
  /** wire: what a TLS target's sockets carried (null for plain HTTP). */
  server: { url: string; pid: number; wire?: string | null } | null;
  auto: boolean;
  size: number;
  sent: number;
  failed: number;
  lastError: string | null;
  lost: number;
}

export function TrafficBar({ server, auto, size, sent, failed, lastError, lost }: TrafficBarProps) {
  if (!server) return <Text color={tone('muted')}>demo server not running</Text>;
  return (
    <Text wrap="truncate-end">
      <Text color={tone('muted')}>{`server ${server.url} (pid ${server.pid})  `}</Text>
      {server.wire ? <Text color={tone('info')}>{`${server.wire}  `}</Text> : null}
      <Text>{`requests: ${sent} sent, size ${size}, `}</Text>
      <Text color={auto ? tone('ok') : tone('muted')} bold={auto}>{auto ? 'auto every 2 s' : 'auto off'}</Text>
      {failed > 0 && lastError ? <Text color={tone('bad')}>{`  ${failed} failed: ${lastError}`}</Text> : null}
      {lost > 0 ? <Text color={tone('warn')}>{`  ${lost} events lost`}</Text> : null}
    </Text>
  );
}
