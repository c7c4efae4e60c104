import t from 'tap';
import { layoutStruct, fieldsFromDescription } from '../../src/capture/structLayout.js';
import { parseType, typeShape } from '../../src/capture/cTypes.js';
import { topLevelAggregates, blankCommentsAndLiterals } from '../../src/c/cSource.js';
import { readMeasurements, withLayoutProbes } from '../../src/capture/layoutProbes.js';
import { decodeSockaddr } from '../../src/capture/sockaddr.js';

// Measured by clang on this machine (see bcc-facts.md): the tutorial's types.
const measured = new Map([
  ['struct conn_id_t', { size: 8, align: 4 }],
  ['union sockaddr_t', { size: 28, align: 4 }],
  ['enum traffic_direction_t', { size: 4, align: 4 }],
]);

t.test('the tutorial data event: 424 bytes, msg at 24', async (t) => {
  const layout = layoutStruct(
    [
      { name: 'timestamp_ns', type: 'uint64_t' },
      { name: 'conn_id', type: 'struct conn_id_t' },
      { name: 'direction', type: 'enum traffic_direction_t' },
      { name: 'msg_size', type: 'uint32_t' },
      { name: 'msg', type: 'char[400]' },
    ],
    measured,
  );
  t.equal(layout.size, 424);
  t.same(layout.fields.map((f) => [f.name, f.offset]), [['timestamp_ns', 0], ['conn_id', 8], ['direction', 16], ['msg_size', 20], ['msg', 24]]);
});

t.test('the open event: 48 bytes with addr at 16; a reordering moves the offsets', async (t) => {
  const open = layoutStruct(
    [{ name: 'timestamp_ns', type: 'uint64_t' }, { name: 'conn_id', type: 'struct conn_id_t' }, { name: 'addr', type: 'union sockaddr_t' }],
    measured,
  );
  t.equal(open.size, 48);
  t.equal(open.fields[2]!.offset, 16);
  const reordered = layoutStruct(
    [{ name: 'conn_id', type: 'struct conn_id_t' }, { name: 'timestamp_ns', type: 'uint64_t' }, { name: 'addr', type: 'union sockaddr_t' }],
    measured,
  );
  t.same(reordered.fields.map((f) => f.offset), [0, 8, 16]);
});

t.test('types', async (t) => {
  t.same(parseType('const char *'), { base: 'char', dims: [], pointer: true });
  t.same(parseType('char[2][3]'), { base: 'char', dims: [2, 3], pointer: false });
  t.same(typeShape('unsigned short[3]', measured), { size: 6, align: 2 });
  t.throws(() => typeShape('my_typedef_t', measured), /my_typedef_t/);
});

t.test('descriptions from BCC: valid ones give fields, broken ones give null', async (t) => {
  t.same(fieldsFromDescription('["conn_id_t", [["pid","unsigned int"], ["fd","int"] ], "struct_packed"]'), [
    { name: 'pid', type: 'unsigned int' },
    { name: 'fd', type: 'int' },
  ]);
  t.same(fieldsFromDescription('["x", [["msg","char", [400]], ["__pad_end","char",[4]]], "struct_packed"]'), [{ name: 'msg', type: 'char[400]' }]);
  t.equal(fieldsFromDescription('["__pad","unsigned char""short"'), null);
});

t.test('top-level aggregates, ignoring comments, strings and nested scopes', async (t) => {
  const source = `
// struct commented_out { int a; };
struct conn_id_t { uint32_t pid; int32_t fd; };
const char *s = "union in_a_string { }";
int f() { struct local_t { int x; } l; return 0; }
enum traffic_direction_t { kEgress, kIngress };
struct conn_id_t;
`;
  t.same(topLevelAggregates(source).map(({ keyword, name }) => [keyword, name]), [
    ['struct', 'conn_id_t'],
    ['enum', 'traffic_direction_t'],
  ]);
  const [conn] = topLevelAggregates(source);
  t.equal(conn!.body, ' uint32_t pid; int32_t fd; ', 'with its body');
  t.equal(blankCommentsAndLiterals('a /* b */ "c"').length, 'a /* b */ "c"'.length);
});

t.test('socket addresses', async (t) => {
  const v4 = Buffer.alloc(28);
  v4.writeUInt16LE(2, 0);
  v4.writeUInt16BE(40123, 2);
  v4.set([127, 0, 0, 1], 4);
  t.same(decodeSockaddr(v4), { family: 'ipv4', address: '127.0.0.1', port: 40123 });
  const v6 = Buffer.alloc(28);
  v6.writeUInt16LE(10, 0);
  v6.writeUInt16BE(8080, 2);
  v6[23] = 1;
  t.same(decodeSockaddr(v6), { family: 'ipv6', address: '::1', port: 8080 });
  const mapped = Buffer.alloc(28);
  mapped.writeUInt16LE(10, 0);
  mapped.set([0xff, 0xff, 127, 0, 0, 1], 18);
  t.equal(decodeSockaddr(mapped).address, '127.0.0.1');
});

t.test('layout probes: one table for each aggregate that is the type of some member, and only those', async (t) => {
  const source = `
struct conn_id_t { u32 pid; int fd; };
enum traffic_direction_t { kEgress, kIngress };
struct args_t { const char *buf; };             // no event holds one: no probe
struct data_event_t {
  struct conn_id_t conn_id;
  enum traffic_direction_t direction;
  // struct args_t in a comment does not count
};
`;
  const probed = withLayoutProbes(source);
  const lines = probed.source.split('\n').filter((line) => line.startsWith('BPF_HASH('));
  t.same(lines, [
    'BPF_HASH(__ws_layout_0, struct { char c[_Alignof(struct conn_id_t)]; }, struct conn_id_t, 1);',
    'BPF_HASH(__ws_layout_1, struct { char c[_Alignof(enum traffic_direction_t)]; }, enum traffic_direction_t, 1);',
  ]);
  const table = (name: string, keySize: number, leafSize: number, leafDesc: string) =>
    ({ name, keySize, leafSize, leafDesc, kind: 'hash', type: 1, fd: -1, maxEntries: 1, flags: 0, keyDesc: null });
  const measured = readMeasurements(probed, [table('__ws_layout_0', 4, 8, 'conn'), table('__ws_layout_1', 4, 4, 'dir')]);
  t.same([...measured.shapes], [['struct conn_id_t', { size: 8, align: 4 }], ['enum traffic_direction_t', { size: 4, align: 4 }]]);
  t.same(measured.descriptions.get('struct conn_id_t'), 'conn');
});
