/** Compares two numbers, or else two strings, the way version segments are compared. */
function compareSegment(x: string, y: string): number {
  const nx = Number(x);
  const ny = Number(y);
  if (x !== '' && y !== '' && Number.isInteger(nx) && Number.isInteger(ny)) return nx - ny;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Orders two versions: release segments as numbers (`1.10` after `1.9`, missing ones are 0, so
 * `1.0` equals `1.0.0`), then, as semver says, a pre-release before its release (`2.0.0-rc.1`
 * before `2.0.0`); build metadata (`+...`) is ignored.
 */
export function compareVersions(a: string, b: string): number {
  const [aRelease = '', ...aPre] = (a.split('+')[0] as string).split('-');
  const [bRelease = '', ...bPre] = (b.split('+')[0] as string).split('-');
  const as = aRelease.split('.');
  const bs = bRelease.split('.');
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const c = compareSegment(as[i] ?? '0', bs[i] ?? '0');
    if (c !== 0) return c;
  }
  if (aPre.length === 0 || bPre.length === 0) return bPre.length - aPre.length;
  const ap = aPre.join('-').split('.');
  const bp = bPre.join('-').split('.');
  for (let i = 0; i < Math.max(ap.length, bp.length); i++) {
    if (ap[i] === undefined) return -1;
    if (bp[i] === undefined) return 1;
    const c = compareSegment(ap[i] as string, bp[i] as string);
    if (c !== 0) return c;
  }
  return 0;
}
