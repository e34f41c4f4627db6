// A tiny static server for the built portal: index.html for folders, 404.html with
// status 404 for anything missing, on a free port of 127.0.0.1.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.vtt': 'text/vtt; charset=utf-8',
  '.woff2': 'font/woff2',
};

function resolve(root, urlPath) {
  let rel;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null;
  }
  const file = path.join(root, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
  if (!file.startsWith(root)) return null;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) {
      const index = path.join(file, 'index.html');
      return fs.existsSync(index) ? index : null;
    }
    return stat.isFile() ? file : null;
  } catch {
    return null;
  }
}

/** Serves `root`; resolves to { url, close }. */
export function serve(root) {
  root = path.resolve(root);
  const server = http.createServer((req, res) => {
    const file = resolve(root, req.url || '/');
    const status = file ? 200 : 404;
    const body = file || path.join(root, '404.html');
    const type = TYPES[path.extname(body).toLowerCase()] || 'application/octet-stream';
    if (!fs.existsSync(body)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
      return;
    }
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(body).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      ok({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => { server.closeAllConnections?.(); server.close(() => done()); }),
      });
    });
  });
}
