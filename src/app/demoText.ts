// The demo's log items as plain lines, for output that is not a terminal.
import { clientText } from '../capture/format.js';
import type { DemoItem } from './demo.js';
import { payloadLines } from './components/DemoItemView.js';

const indent = (lines: string[], by = '    ') => lines.map((l) => `${by}${l}`);

export function demoItemLines(item: DemoItem): string[] {
  switch (item.kind) {
    case 'level':
      return [
        '',
        `LEVEL ${item.level} — ${item.title.toUpperCase()}`,
        item.summary,
        item.code.length ? 'The code this level adds:' : 'This level adds no code.',
        ...item.code.flatMap((hunk, i) => [...(i > 0 ? [''] : []), ...indent(hunk, '  ')]),
      ];
    case 'note':
      return ['', item.text];
    case 'open':
      return ['', `● OPEN   connection from ${clientText(item.client)}  (fd ${item.fd})`];
    case 'close':
      return [`○ CLOSE  fd ${item.fd}`];
    case 'data':
      return [
        item.direction === 'ingress' ? `→ IN     the server read ${item.size} bytes (fd ${item.fd})` : `← OUT    the server wrote ${item.size} bytes (fd ${item.fd})`,
        ...indent(payloadLines(item.payload)),
      ];
    case 'exchange':
      return [
        '',
        `● ${clientText(item.client)}  fd ${item.fd}:  open → request → response → ${item.closed ? 'close' : '(still open)'}`,
        '  → REQUEST',
        ...indent(payloadLines(item.request || '(none captured)')),
        '  ← RESPONSE',
        ...indent(payloadLines(item.response || '(none captured)')),
      ];
  }
}
