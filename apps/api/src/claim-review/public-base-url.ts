import type { Request } from 'express';

/**
 * Where clients reach this API: `PUBLIC_BASE_URL` when configured (it must be behind a proxy, whose
 * address the request does not show), else the request's own scheme and `Host`. A forged `Host` only
 * changes the answer to the forger's own request: nothing derived from it is stored or cached across hosts.
 */
export const publicBaseUrl = (configured: string | undefined, request?: Pick<Request, 'protocol' | 'get'>): URL => {
  if (configured) return new URL(configured.endsWith('/') ? configured : `${configured}/`);
  const host = request?.get('host');
  try {
    if (host) return new URL(`${request?.protocol ?? 'http'}://${host}/`);
  } catch {
    // An unparseable Host header: fall through to the local default.
  }
  return new URL('http://localhost/');
};

/** `base` + `path`, keeping a base path (`https://example.org/ledger/` + `claims/x`). */
export const publicUrl = (base: URL, path: string): string => new URL(path.replace(/^\/+/, ''), base).toString();
