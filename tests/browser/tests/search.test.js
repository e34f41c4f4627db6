// Site search on the demo portal, in Chromium: Chinese and English queries typed into
// the search page and the header box, results with highlighted titles, dates and
// snippets, keyboard use, axe on the results, a base_url sub-path, and nothing
// fetched from another host.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { serve } from '../lib/server.js';
import { build, browserDir, repoRoot } from '../lib/site.js';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];

let site;
let server;
let browser;
const outside = [];

before(async () => {
  site = build();
  server = await serve(site.dir);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
  site?.remove();
});

async function newPage(base = server, { elder = false } = {}) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(base.url + '/')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  if (elder) await context.addInitScript(() => { try { localStorage.setItem('herald-reading-mode', 'elder'); } catch { /* blank */ } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  return { page, context, problems };
}

/** Waits for the search to finish and returns what it shows. */
async function shown(page) {
  await page.waitForSelector('#search-results[data-state="done"], #search-results[data-state="none"], #search-results[data-state="error"]');
  return page.evaluate(() => ({
    state: document.getElementById('search-results').dataset.state,
    status: document.getElementById('search-status').textContent,
    hits: [...document.querySelectorAll('.search-hit:not([hidden])')].map((li) => ({
      title: li.querySelector('.search-hit__title').textContent,
      titleHtml: li.querySelector('.search-hit__title a').innerHTML,
      href: li.querySelector('.search-hit__title a').getAttribute('href'),
      date: li.querySelector('time')?.textContent,
      snippetHtml: li.querySelector('.search-hit__snippet').innerHTML,
    })),
  }));
}

async function typeQuery(page, query) {
  await page.fill('#search-q', '');
  await page.type('#search-q', query);
  await page.keyboard.press('Enter');
  return shown(page);
}

describe('search page', () => {
  const queries = [
    { q: '宣传周', mark: '宣传周' },
    { q: '诈骗', mark: '诈骗' },
    { q: '个人信息', mark: '个人信息' },
    { q: 'APP', mark: 'APP' },
    { q: 'Wi-Fi', mark: /wi-?fi/i },
  ];

  test('Chinese and English queries show titled, dated, highlighted results', async () => {
    const { page, context, problems } = await newPage();
    try {
      await page.goto(server.url + '/search/');
      for (const { q, mark } of queries) {
        const result = await typeQuery(page, q);
        assert.equal(result.state, 'done', `${q}: ${result.status}`);
        const count = Number(/找到 (\d+) 篇/.exec(result.status)?.[1]);
        assert.ok(count > 0, `${q}: status ${result.status}`);
        assert.equal(result.hits.length, Math.min(count, 10), `${q}: ten results at first`);
        assert.ok(new URL(page.url()).searchParams.get('q') === q, `${q}: the address keeps the query`);
        for (const hit of result.hits) {
          assert.match(hit.date, /^\d{4}年\d{1,2}月\d{1,2}日$/, `${q}: ${hit.title} has a date`);
          assert.ok(hit.href.startsWith('/articles/'), `${q}: ${hit.href}`);
          assert.ok(hit.snippetHtml.length > 0, `${q}: ${hit.title} has a snippet`);
        }
        const marked = result.hits[0].titleHtml.match(/<mark>([^<]*)<\/mark>/);
        assert.ok(marked, `${q}: the first title has a <mark>: ${result.hits[0].titleHtml}`);
        if (typeof mark === 'string') assert.equal(marked[1].toLowerCase(), mark.toLowerCase());
        else assert.match(marked[1], mark);
        // The result leads to a real page.
        const response = await context.request.get(server.url + result.hits[0].href);
        assert.equal(response.status(), 200, `${q}: ${result.hits[0].href}`);
      }
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('search.js cuts queries as the Rust tokenizer does', async () => {
    const { page, context } = await newPage();
    try {
      await page.goto(server.url + '/search/');
      const words = await page.evaluate(() => window.heraldSearch.queryWords('Wi-Fi 个人信息，诈骗 诈骗 5G网络 ＡＰＰ A股 哈哈哈 node.js'));
      // The same cases as the unit tests of src/search/tokenizer.rs.
      assert.deepEqual(words.map((w) => [w.text, w.terms]), [
        ['wifi', ['wifi']],
        ['个人信息', ['个人', '人信', '信息']],
        ['诈骗', ['诈骗']],
        ['5g', ['5g']],
        ['网络', ['网络']],
        ['app', ['app']],
        ['a', ['a']],
        ['股', ['股']],
        ['哈哈哈', ['哈哈']],
        ['nodejs', ['nodejs']],
      ]);
      // FNV-1a, as src/search/writer.rs.
      assert.equal(await page.evaluate(() => window.heraldSearch.termHash('a')), 0xe40c292c);
    } finally {
      await context.close();
    }
  });

  // How fast the first result shows is measured by scripts/bench_search (a benchmark,
  // not a timed test, so a busy CI machine cannot fail it); here we check that the marks
  // it reads are set, in order, once per search.
  test('search.js marks when the shards arrive and when the first result shows', async () => {
    const { page, context } = await newPage();
    try {
      await page.goto(server.url + '/search/?q=' + encodeURIComponent('网络安全'));
      await shown(page);
      const marks = await page.evaluate(() => ({
        shards: performance.getEntriesByName('herald-search-shards').map((e) => e.startTime),
        shown: performance.getEntriesByName('herald-search-shown').map((e) => e.startTime),
      }));
      assert.equal(marks.shards.length, 1);
      assert.equal(marks.shown.length, 1);
      assert.ok(marks.shown[0] >= marks.shards[0], JSON.stringify(marks));
    } finally {
      await context.close();
    }
  });

  test('the header box leads to the search page with the query', async () => {
    const { page, context } = await newPage();
    try {
      await page.goto(server.url + '/');
      await page.fill('#header-q', '诈骗');
      await page.press('#header-q', 'Enter');
      await page.waitForURL(/\/search\/\?q=/);
      assert.equal(await page.inputValue('#search-q'), '诈骗');
      const result = await shown(page);
      assert.equal(result.state, 'done');
      assert.ok(result.hits.length > 0);
    } finally {
      await context.close();
    }
  });

  test('keyboard: Enter searches, results are links, more results take the focus', async () => {
    const { page, context } = await newPage();
    try {
      await page.goto(server.url + '/search/');
      await page.focus('#search-q');
      await page.keyboard.type('宣传周');
      await page.keyboard.press('Enter');
      const result = await shown(page);
      assert.ok(result.hits.length === 10, 'more than ten results for 宣传周 in the demo');
      await page.keyboard.press('Tab'); // the search button
      await page.keyboard.press('Tab'); // the first result
      const focused = await page.evaluate(() => document.activeElement.closest('.search-hit') !== null && document.activeElement.tagName);
      assert.equal(focused, 'A');
      await page.focus('.search-more');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.getElementById('search-results').dataset.state === 'done' && document.querySelectorAll('.search-hit:not([hidden])').length > 10);
      const index = await page.evaluate(() => [...document.querySelectorAll('.search-hit a')].indexOf(document.activeElement));
      assert.equal(index, 10, 'the focus moves to the first new result');
    } finally {
      await context.close();
    }
  });

  test('a query without results says so; one character asks for more', async () => {
    const { page, context } = await newPage();
    try {
      await page.goto(server.url + '/search/');
      let result = await typeQuery(page, '量子纠缠通信卫星');
      assert.equal(result.state, 'none');
      assert.match(result.status, /没有找到/);
      await page.fill('#search-q', '网');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#search-results[data-state="empty"]');
      result = await page.textContent('#search-status');
      assert.match(result, /两个/);
    } finally {
      await context.close();
    }
  });

  for (const elder of [false, true]) {
    test(`axe finds no WCAG 2.1 A/AA violation on a results page${elder ? ' (长者模式)' : ''}`, async () => {
      const { page, context } = await newPage(server, { elder });
      try {
        await page.goto(server.url + '/search/?q=' + encodeURIComponent('个人信息'));
        await shown(page);
        await page.addScriptTag({ content: AXE });
        const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }), WCAG);
        const lines = result.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
        assert.deepEqual(lines, []);
      } finally {
        await context.close();
      }
    });
  }
});

describe('search under a base_url sub-path', () => {
  let root;
  let sub;
  before(async () => {
    const bin = path.resolve(browserDir, process.env.HERALD_BIN || '../../target/debug/herald');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-search-'));
    const siteRoot = path.resolve(browserDir, process.env.HERALD_ROOT || repoRoot);
    execFileSync(bin, ['build', '--root', siteRoot, '--output', path.join(root, 'campaign'), '--base-url', 'https://www.example.gov.cn/campaign/'], { stdio: 'pipe' });
    sub = await serve(root);
  });
  after(async () => {
    await sub?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  test('the page finds its index and links under /campaign/', async () => {
    const { page, context, problems } = await newPage(sub);
    try {
      await page.goto(sub.url + '/campaign/search/?q=' + encodeURIComponent('诈骗'));
      const result = await shown(page);
      assert.equal(result.state, 'done', result.status);
      assert.ok(result.hits.every((h) => h.href.startsWith('/campaign/articles/')), JSON.stringify(result.hits.map((h) => h.href)));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

test('no request went to another host', () => {
  assert.deepEqual(outside, []);
});
