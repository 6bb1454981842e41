import { readFileSync } from 'node:fs';

/** A local account's numeric ids, for spawning a process as that user. */
export interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/** Looks `name` up in /etc/passwd; undefined when there is no such account. */
export function lookupOsUser(name: string, passwd = '/etc/passwd'): OsUser | undefined {
  let content: string;
  try {
    content = readFileSync(passwd, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of content.split('\n')) {
    const [user, , uid, gid, , home] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined) {
      return { name, uid: Number(uid), gid: Number(gid), home: home ?? '/' };
    }
  }
  return undefined;
}
