// The person behind `sudo npx ebpf-workshop …`. The workshop needs root to load BPF programs,
// but what it creates in the learner's directory (through src/util/learnerFiles), and the
// demo server it runs, belong to them.
import { readTextOrEmpty } from './optionalFiles.js';

export interface InvokingUser {
  uid: number;
  gid: number;
  name?: string;
  home?: string;
}

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** Parses /etc/passwd text (name:password:uid:gid:gecos:home:shell), skipping malformed lines. */
export function parsePasswd(text: string): PasswdEntry[] {
  const entries: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fields = line.split(':');
    if (fields.length < 7) continue;
    const [name, , uidText, gidText, , home] = fields;
    if (!/^\d+$/.test(uidText) || !/^\d+$/.test(gidText)) continue;
    entries.push({ name, uid: Number(uidText), gid: Number(gidText), home });
  }
  return entries;
}

// Without /etc/passwd we still know the uid and gid, which is what matters.
const readPasswd = (): string => readTextOrEmpty('/etc/passwd');

function idFrom(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

/**
 * The user who ran sudo (SUDO_UID/SUDO_GID, name from SUDO_USER, home from /etc/passwd), or
 * null when we are not running under sudo.
 */
export function invokingUser(
  env: NodeJS.ProcessEnv = process.env,
  passwdText: () => string = readPasswd,
): InvokingUser | null {
  const uid = idFrom(env.SUDO_UID);
  const gid = idFrom(env.SUDO_GID);
  if (uid === undefined || gid === undefined) return null;
  const entry = parsePasswd(passwdText()).find((e) => e.uid === uid);
  const user: InvokingUser = { uid, gid };
  const name = env.SUDO_USER || entry?.name;
  if (name) user.name = name;
  if (entry?.home) user.home = entry.home;
  return user;
}

/**
 * Whom to be instead of root (a target server, the board once listening): the user behind
 * sudo — unless that is root too — else nobody, with its ids from /etc/passwd (65534 without).
 */
export function unprivilegedUser(passwdText?: string): InvokingUser {
  const passwd = passwdText === undefined ? readPasswd : () => passwdText;
  const user = invokingUser(process.env, passwd);
  if (user && user.uid !== 0) return user;
  const nobody = parsePasswd(passwd()).find((entry) => entry.name === 'nobody');
  return { uid: nobody?.uid ?? 65534, gid: nobody?.gid ?? 65534, name: 'nobody' };
}
