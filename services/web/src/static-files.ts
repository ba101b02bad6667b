import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { notFound, sendError, requestPath } from '#libs/http';

/**
 * Serves the built frontend (Vite's output). Hashed files under /assets/ are cached
 * for a year; index.html is revalidated on every load, so a deploy takes effect at
 * once. Any other path that is not a file gets index.html: the app routes with the
 * History API, so /conversations/42 must load the app too. A missing file is a 404
 * in the services' JSON error shape.
 */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

// Defence in depth behind rendering user text with textContent only: no inline
// script, no plugin, no framing; connections go to this origin only. Avatars may
// come from any https host.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export function createStaticFiles(root: string) {
  const base = path.resolve(root);

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const file = await resolveFile(req.url ?? '/');
    if (!file) {
      sendError(res, notFound('No such file'));
      return;
    }
    const immutable = file.path.startsWith(path.join(base, 'assets') + path.sep);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': CONTENT_TYPES[path.extname(file.path)] ?? 'application/octet-stream',
      'content-length': file.size,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    pipeline(createReadStream(file.path), res, () => {});
  }

  async function resolveFile(url: string): Promise<{ path: string; size: number } | undefined> {
    let pathname: string;
    try {
      pathname = decodeURIComponent(requestPath(url));
    } catch {
      return undefined;
    }
    if (pathname.includes('\0')) return undefined;
    // A file has one path: `/assets/x.js/`, `//assets/x.js` or `/a/../assets/x.js` name no file.
    const canonical = path.posix.normalize(pathname) === pathname;
    const candidate = path.resolve(base, `.${path.posix.normalize(pathname)}`);
    // Never outside the build directory, whatever the path says.
    if (candidate !== base && !candidate.startsWith(base + path.sep)) return undefined;
    const found = canonical ? await fileAt(candidate) : undefined;
    if (found) return found;
    // A missing asset is a real 404 (a stale page asking for an old bundle), not the app.
    if (pathname.startsWith('/assets/') || path.extname(pathname) !== '') return undefined;
    return fileAt(path.join(base, 'index.html'));
  }

  /** True when the build exists (index.html is there). */
  async function ready(): Promise<boolean> {
    return (await fileAt(path.join(base, 'index.html'))) !== undefined;
  }

  return { serve, ready };
}

async function fileAt(filePath: string): Promise<{ path: string; size: number } | undefined> {
  try {
    const info = await stat(filePath);
    return info.isFile() ? { path: filePath, size: info.size } : undefined;
  } catch {
    return undefined;
  }
}
