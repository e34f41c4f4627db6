// Runs the benchmark's queries in headless Chromium against one built site holding
// both indexes: Herald's search page (/search/?q=…) and Pagefind's JavaScript API
// (/pagefind/pagefind.js). Records every file each query downloads, the time from
// the query to the first results on screen, and every URL each tool matched.
//
//   node browser.mjs SITE_DIR QUERY... > browser.json
//
// Each query runs in a fresh browser context (an empty cache, as a first visit).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const browserTests = path.resolve(here, '../../tests/browser');
const require = createRequire(path.join(browserTests, 'package.json'));
const { chromium } = require('playwright-core');
const { serve } = await import(path.join(browserTests, 'lib/server.js'));

const [siteDir, ...queries] = process.argv.slice(2);
const SHOWN = 10;
// Without a Pagefind index in the site (HERALD_ONLY=1 benchmarks), Herald alone.
const hasPagefind = fs.existsSync(path.join(siteDir, 'pagefind', 'pagefind.js'));

/** Bytes a web server sends for a file: gzip level 6 when that is smaller. */
function sent(file) {
  const bytes = fs.readFileSync(file);
  return { bytes: bytes.length, sent: Math.min(bytes.length, zlib.gzipSync(bytes, { level: 6 }).length) };
}

// A blank page that loads nothing, for Pagefind's API.
fs.writeFileSync(path.join(siteDir, 'pagefind-bench.html'), '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>bench</title></head><body></body></html>');

const server = await serve(siteDir);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});

async function withRequests(prefixes, fn) {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  const fetched = [];
  page.on('requestfinished', (request) => {
    const url = new URL(request.url());
    if (!url.pathname.endsWith('/') && prefixes.some((p) => url.pathname.startsWith(p))) fetched.push(decodeURIComponent(url.pathname));
  });
  try {
    const result = await fn(page);
    return { ...result, fetched: [...new Set(fetched)].map((p) => ({ path: p, ...sent(path.join(siteDir, p)) })) };
  } finally {
    await context.close();
  }
}

const out = [];
for (const q of queries) {
  const herald = await withRequests(['/search/', '/js/search'], async (page) => {
    await page.goto(server.url + '/search/?q=' + encodeURIComponent(q));
    await page.waitForSelector('#search-results[data-state="done"], #search-results[data-state="none"]', { timeout: 60000 });
    return page.evaluate(() => {
      const start = performance.getEntriesByName('herald-search-start')[0];
      const shards = performance.getEntriesByName('herald-search-shards')[0];
      const shown = performance.getEntriesByName('herald-search-shown')[0];
      return {
        total: Number((/找到 (\d+) 篇/.exec(document.getElementById('search-status').textContent) || [0, 0])[1]),
        shown: [...document.querySelectorAll('.search-hit a')].map((a) => a.getAttribute('href')),
        ms_to_results: shown ? shown.startTime - start.startTime : null,
        ms_after_shards: shown ? shown.startTime - shards.startTime : null,
      };
    });
  });
  if (!hasPagefind) {
    out.push({ query: q, herald });
    process.stderr.write(`browser: ${q}: herald ${herald.total}, ${herald.ms_to_results?.toFixed(0)} ms\n`);
    continue;
  }
  const pagefind = await withRequests(['/pagefind/'], async (page) => {
    await page.goto(server.url + '/pagefind-bench.html');
    return page.evaluate(async ({ q, SHOWN }) => {
      const t0 = performance.now();
      const pf = await import('/pagefind/pagefind.js');
      await pf.init();
      const search = await pf.search(q);
      const top = await Promise.all(search.results.slice(0, SHOWN).map((r) => r.data()));
      const t1 = performance.now();
      return { total: search.results.length, shown: top.map((d) => d.url), ms_to_results: t1 - t0, _pf: true };
    }, { q, SHOWN });
  });
  // Every match's URL, for recall; not counted in the bytes above.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url + '/pagefind-bench.html');
  pagefind.urls = await page.evaluate(async (q) => {
    const pf = await import('/pagefind/pagefind.js');
    const search = await pf.search(q);
    const urls = [];
    for (let i = 0; i < search.results.length; i += 200) {
      const batch = await Promise.all(search.results.slice(i, i + 200).map((r) => r.data()));
      urls.push(...batch.map((d) => d.url));
    }
    return urls;
  }, q);
  await context.close();
  delete pagefind._pf;
  out.push({ query: q, herald, pagefind });
  process.stderr.write(`browser: ${q}: herald ${herald.total}, pagefind ${pagefind.total}\n`);
}

await browser.close();
await server.close();
fs.rmSync(path.join(siteDir, 'pagefind-bench.html'));
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
