// `herald serve` itself, for checks of what Herald answers (not the test's own static
// server): started on a free port of 127.0.0.1, stopped with Ctrl-C (SIGINT).
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { heraldBin } from './site.js';

/**
 * Starts `herald serve --root ROOT --port 0` and resolves to { url, output, close }
 * once it prints its `serving … at URL  (Ctrl-C to stop)` line; rejects if it exits
 * before that.
 */
export function serveWithHerald(root) {
  const child = spawn(heraldBin(), ['serve', '--root', root, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  const exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return new Promise((ok, fail) => {
    child.once('error', fail);
    exited.then(({ code, signal }) => fail(new Error(
      `herald serve exited (${code ?? signal}) before serving:\n${output.join('\n')}`,
    )));
    readline.createInterface({ input: child.stderr }).on('line', (line) => output.push(line));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      const serving = line.match(/ at (http:\/\/\S+?)\/? {2}\(Ctrl-C to stop\)/);
      if (!serving) return;
      ok({
        url: serving[1],
        output,
        // Ctrl-C must end it at once (the README promises within a second).
        close: () => {
          child.kill('SIGINT');
          let timer;
          const late = new Promise((_, stuck) => {
            timer = setTimeout(() => {
              child.kill('SIGKILL');
              stuck(new Error(`herald serve did not stop on Ctrl-C:\n${output.join('\n')}`));
            }, 5000);
          });
          return Promise.race([exited, late]).finally(() => clearTimeout(timer));
        },
      });
    });
  });
}
