// A static server for the browser checks that load a site over http (under a sub-path, as
// built with --base-url http://127.0.0.1:PORT/<sub>/): files as they are, folders as their
// index.html, and every request it cannot answer noted (a page that asks for a missing
// /favicon.ico shows up here).
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serve `dir` on 127.0.0.1:`port`: files as they are, a folder as its index.html (a folder
 * asked without its final slash is redirected to it, as static hosts do). `missing` lists
 * what was asked and not found; `close()` stops the server. */
export function serve(dir, port) {
  const missing = [];
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      missing.push(req.url);
      res.writeHead(400).end();
      return;
    }
    const file = normalize(join(dir, path));
    const inside = file === dir || file.startsWith(dir.endsWith(sep) ? dir : dir + sep);
    let target = file;
    if (inside && existsSync(target) && statSync(target).isDirectory()) {
      if (!path.endsWith('/')) {
        res.writeHead(301, { location: path + '/' }).end();
        return;
      }
      target = join(target, 'index.html');
    }
    if (!inside || !existsSync(target) || !statSync(target).isFile()) {
      missing.push(req.url);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(target)] || 'application/octet-stream' });
    createReadStream(target).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({ close: () => new Promise((r) => server.close(r)), missing }),
    );
  });
}
