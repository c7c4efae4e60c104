// One item of the demo's log, laid out to be read from the back of a room: a blank line
// around each, headings in bold, payloads line by line.
import { Box, Text } from 'ink';
import { clientText } from '../../capture/format.js';
import type { DemoItem } from '../demo.js';
import { tone } from '../theme.js';
import { terminalSafe } from '../../util/terminalText.js';

/** A payload as lines: CRLF made plain, control bytes visible, long bodies cut. */
export function payloadLines(payload: string, max = 12): string[] {
  const lines = terminalSafe(payload.replace(/\r\n/g, '\n'), { keepNewlines: true, keepTabs: true }).split('\n');
  while (lines.length && lines.at(-1) === '') lines.pop();
  return lines.length > max ? [...lines.slice(0, max), `… ${lines.length - max} more lines`] : lines;
}

function Payload({ text, color }: { text: string; color: string | undefined }) {
  return (
    <Box flexDirection="column" paddingLeft={4}>
      {payloadLines(text).map((line, i) => (
        <Text key={i} color={color}>
          {line || ' '}
        </Text>
      ))}
    </Box>
  );
}

export function DemoItemView({ item }: { item: DemoItem }) {
  switch (item.kind) {
    case 'level':
      return (
        <Box flexDirection="column" marginTop={1}>
          <Text bold inverse color={tone('accent')}>{` LEVEL ${item.level} — ${item.title.toUpperCase()} `}</Text>
          <Text>{item.summary}</Text>
          <Text color={tone('muted')}>{item.code.length ? 'The code this level adds:' : 'This level adds no code.'}</Text>
          {item.code.map((hunk, i) => (
            <Box key={i} flexDirection="column" paddingLeft={2} marginTop={i > 0 ? 1 : 0}>
              {hunk.map((line, j) => (
                <Text key={j} color={tone('code')}>
                  {line || ' '}
                </Text>
              ))}
            </Box>
          ))}
        </Box>
      );
    case 'note':
      return (
        <Box marginTop={1}>
          <Text color={tone('info')}>{item.text}</Text>
        </Box>
      );
    case 'open':
      return (
        <Box marginTop={1}>
          <Text bold color={tone('ok')}>{`● OPEN   connection from ${clientText(item.client)}  (fd ${item.fd})`}</Text>
        </Box>
      );
    case 'close':
      return <Text bold color={tone('muted')}>{`○ CLOSE  fd ${item.fd}`}</Text>;
    case 'data': {
      const incoming = item.direction === 'ingress';
      return (
        <Box flexDirection="column">
          <Text bold color={incoming ? tone('info') : tone('accent')}>
            {incoming ? `→ IN     the server read ${item.size} bytes (fd ${item.fd})` : `← OUT    the server wrote ${item.size} bytes (fd ${item.fd})`}
          </Text>
          <Payload text={item.payload} color={undefined} />
        </Box>
      );
    }
    case 'exchange':
      return (
        <Box flexDirection="column" marginTop={1}>
          <Text bold color={tone('ok')}>{`● ${clientText(item.client)}  fd ${item.fd}:  open → request → response → ${item.closed ? 'close' : '(still open)'}`}</Text>
          <Text bold color={tone('info')}>  → REQUEST</Text>
          <Payload text={item.request || '(none captured)'} color={undefined} />
          <Text bold color={tone('accent')}>  ← RESPONSE</Text>
          <Payload text={item.response || '(none captured)'} color={undefined} />
        </Box>
      );
  }
}
