// Browser checks of the default theme on the demo portal: HTML validity (Nu Html
// Checker), accessibility (axe-core, WCAG 2.1 A/AA, in both reading modes) and what
// readers see: the reading-mode switch, the quiz, the countdown, phone widths and
// that no page asks any other host for anything.
//
// Run with `npm test` in tests/browser. HERALD_BIN names the Herald binary
// (default ../../target/debug/herald), CHROMIUM_BIN the browser (/usr/bin/chromium).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { serve } from '../lib/server.js';
import { build, browserDir, choosePages, htmlFiles, siteRoot } from '../lib/site.js';
import { serveWithHerald } from '../lib/herald-serve.js';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const VNU = path.join(browserDir, 'node_modules/vnu-jar/build/dist/vnu.jar');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const MODE_KEY = 'herald-reading-mode';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let site;
let server;
let browser;
let pages;
/** Requests to any other host, from any page of any test. */
const outside = [];

before(async () => {
  site = build();
  pages = choosePages(site.dir);
  process.stdout.write(`pages checked: ${JSON.stringify(pages)}\n`);
  server = await serve(site.dir);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
  site?.remove();
});

/** A new browser context whose requests never leave the test server (or `origin`). */
async function newContext({ elder = false, width = 1280, height = 900, javaScript = true, origin = server.url } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    javaScriptEnabled: javaScript,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin + '/') || url.startsWith('data:') || url.startsWith('blob:')) {
      return route.continue();
    }
    outside.push(url);
    return route.abort();
  });
  if (elder) {
    await context.addInitScript(([key]) => {
      try { localStorage.setItem(key, 'elder'); } catch { /* about:blank */ }
    }, [MODE_KEY]);
  }
  return context;
}

async function open(context, urlPath, expected = 200) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.on('console', (m) => {
    // The 404 page's own status shows as a failed resource; anything else counts.
    if (m.type() === 'error' && !(expected === 404 && /status of 404/.test(m.text()))) {
      problems.push(`console error: ${m.text()}`);
    }
  });
  const response = await page.goto(server.url + urlPath, { waitUntil: 'load' });
  assert.equal(response.status(), expected, `${urlPath} answered ${response.status()}`);
  return { page, problems };
}

function need(name) {
  assert.ok(pages[name], `the demo build has no ${name} page to check (pages found: ${JSON.stringify(pages)})`);
  return pages[name];
}

describe('HTML', () => {
  test('the Nu Html Checker finds no error on any page', () => {
    const run = spawnSync('java', ['-jar', VNU, '--errors-only', '--skip-non-html', site.dir], { encoding: 'utf8' });
    assert.ok(!run.error, `could not run java: ${run.error?.message}`);
    const report = `${run.stdout}${run.stderr}`.split(site.dir + '/').join('').trim();
    assert.equal(run.status, 0, `vnu.jar reported errors:\n${report}`);
    assert.equal(report, '', `vnu.jar reported:\n${report}`);
  });

  test('every page carries the public-sector meta tags, a canonical link and Open Graph', () => {
    const missing = [];
    for (const rel of htmlFiles(site.dir)) {
      const html = fs.readFileSync(path.join(site.dir, rel), 'utf8');
      // Redirect pages of old URLs (`aliases:`) are not pages of the site.
      if (html.includes('http-equiv="refresh"') && html.includes('content="noindex"')) continue;
      const wanted = ['<html lang="', 'name="SiteName"', 'name="SiteDomain"', 'name="ColumnName"', 'property="og:title"', 'property="og:site_name"', 'name="description"'];
      if (rel !== '404.html' && rel !== 'search/index.html') wanted.push('rel="canonical"', 'property="og:url"');
      if (html.includes('name="ArticleTitle"')) wanted.push('name="PubDate"');
      for (const w of wanted) if (!html.includes(w)) missing.push(`${rel}: no ${w}`);
      // Nothing is fetched from another host: no outside scripts, styles, images or frames.
      const fetched = html.match(/<(?:script|img|iframe|source|link[^>]*rel="(?:stylesheet|preload|icon)")[^>]*(?:src|href|srcset)="(?:https?:)?\/\/[^"]*"/g);
      if (fetched) missing.push(`${rel}: loads from another host: ${fetched.join(' ')}`);
    }
    assert.deepEqual(missing, []);
  });
});

describe('accessibility (axe-core, WCAG 2.1 A and AA)', () => {
  // The pages the theme must get right, then others checked when the build has them.
  const required = ['home', 'article', 'archive', 'topic', 'tag', 'week'];
  const optional = ['quiz', 'topics', 'tags', 'search', 'notFound'];
  for (const mode of ['normal', 'elder']) {
    for (const name of [...required, ...optional]) {
      test(`${name} page, ${mode === 'elder' ? '长者模式' : 'normal mode'}`, async (t) => {
        if (optional.includes(name) && !pages[name]) return t.skip(`the build has no ${name} page`);
        const urlPath = need(name);
        const context = await newContext({ elder: mode === 'elder' });
        try {
          const { page, problems } = await open(context, urlPath, name === 'notFound' ? 404 : 200);
          const elder = await page.evaluate(() => document.documentElement.classList.contains('elder'));
          assert.equal(elder, mode === 'elder', `reading mode is ${elder ? 'on' : 'off'} on ${urlPath}`);
          await page.addScriptTag({ content: AXE });
          const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }), WCAG);
          const lines = result.violations.flatMap((v) => [
            `${v.id} (${v.impact}): ${v.help} — ${v.helpUrl}`,
            ...v.nodes.slice(0, 8).map((n) => `    at ${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`),
          ]);
          assert.equal(result.violations.length, 0, `axe found on ${urlPath} (${mode}):\n${lines.join('\n')}`);
          assert.deepEqual(problems, []);
        } finally {
          await context.close();
        }
      });
    }
  }
});

describe('shortcodes', () => {
  /** The first article page whose HTML holds `needle`. */
  const articleWith = (needle) => {
    const rel = htmlFiles(site.dir).find((f) => f.startsWith('articles/')
      && fs.readFileSync(path.join(site.dir, f), 'utf8').includes(needle));
    assert.ok(rel, `no article of the demo build uses ${needle}`);
    return '/' + rel.replace(/index\.html$/, '');
  };

  test('the video has a poster that loads and a Chinese captions track', async () => {
    const context = await newContext();
    try {
      const { page, problems } = await open(context, articleWith('class="sc-video"'));
      const video = page.locator('.sc-video video').first();
      assert.equal(await video.getAttribute('preload'), 'none');
      assert.equal(await video.evaluate((v) => v.controls), true, 'the browser’s own controls');
      const poster = await video.getAttribute('poster');
      assert.ok(poster, 'the video has a poster');
      const size = await page.evaluate((src) => new Promise((done) => {
        const img = new Image();
        img.onload = () => done(img.naturalWidth);
        img.onerror = () => done(0);
        img.src = src;
      }), poster);
      assert.ok(size > 0, `the poster ${poster} loads`);
      const track = video.locator('track[kind="captions"]');
      assert.equal(await track.count(), 1, 'a captions track');
      assert.equal(await track.getAttribute('srclang'), 'zh');
      // The browser loads the track and reads its cues.
      const cues = await track.evaluate((t) => new Promise((done) => {
        t.track.mode = 'showing';
        const read = () => done(t.track.cues ? t.track.cues.length : 0);
        if (t.readyState === 2) read();
        t.addEventListener('load', read);
        t.addEventListener('error', () => done(-1));
      }));
      assert.ok(cues > 0, `the captions track loads its cues (${cues})`);
      const link = page.locator('.sc-video__download');
      assert.equal(await link.getAttribute('href'), await video.locator('source').getAttribute('src'));
      assert.match(await page.locator('.sc-video__info').first().textContent(), /^MP4 · \d+ KB$/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  for (const mode of ['normal', 'elder']) {
    test(`notices pass axe and stand apart, ${mode === 'elder' ? '长者模式' : 'normal mode'}`, async () => {
      const context = await newContext({ elder: mode === 'elder' });
      try {
        const { page, problems } = await open(context, articleWith('class="sc-notice'));
        await page.addScriptTag({ content: AXE });
        const result = await page.evaluate((tags) => window.axe.run('.sc-notice', { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }), WCAG);
        const lines = result.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        assert.equal(result.violations.length, 0, `axe found in the notices (${mode}):\n${lines.join('\n')}`);
        const notices = await page.$$eval('.sc-notice', (all) => all.map((n) => {
          const s = getComputedStyle(n);
          const type = [...n.classList].find((c) => c.startsWith('sc-notice--'));
          return { type, role: n.getAttribute('role'), label: n.getAttribute('aria-label'), edge: s.borderLeftColor, width: parseFloat(s.borderLeftWidth) };
        }));
        assert.ok(notices.length >= 1, 'the article has a notice');
        for (const n of notices) {
          assert.equal(n.role, 'note');
          assert.match(n.label, /^(提示|注意|警示)/);
          assert.ok(n.width >= 4, `a heavy edge (${n.width}px)`);
        }
        // Notices of different types look different (the demo article has a warning and a danger).
        const edges = new Map(notices.map((n) => [n.type, n.edge]));
        assert.equal(new Set(edges.values()).size, edges.size, `each type its own colour: ${JSON.stringify([...edges])}`);
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
});

describe('what readers see', () => {
  test('the reading-mode switch toggles, says so, and is remembered after a reload', async () => {
    const context = await newContext();
    try {
      const { page, problems } = await open(context, '/');
      const button = page.locator('#mode-toggle');
      await button.waitFor({ state: 'visible' });
      assert.equal(await button.getAttribute('aria-pressed'), 'false');
      const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
      const lineHeight = () => page.evaluate(() => {
        const p = document.querySelector('main p') || document.body;
        const s = getComputedStyle(p);
        return parseFloat(s.lineHeight) / parseFloat(s.fontSize);
      });
      const base = await size();
      // With the keyboard: Tab to the switch, press Enter.
      await button.focus();
      await page.keyboard.press('Enter');
      assert.equal(await button.getAttribute('aria-pressed'), 'true');
      assert.ok(await page.evaluate(() => document.documentElement.classList.contains('elder')));
      assert.ok((await size()) >= base * 1.25, `text grows at least 1.25× (${base}px → ${await size()}px)`);
      assert.ok((await lineHeight()) >= 1.3, `line spacing is at least 1.3 (${await lineHeight()})`);
      await page.reload();
      assert.ok(await page.evaluate(() => document.documentElement.classList.contains('elder')), 'still on after a reload');
      assert.equal(await page.locator('#mode-toggle').getAttribute('aria-pressed'), 'true');
      await page.locator('#mode-toggle').click();
      await page.reload();
      assert.ok(!(await page.evaluate(() => document.documentElement.classList.contains('elder'))), 'off after switching off and reloading');
      assert.equal(await page.locator('#mode-toggle').getAttribute('aria-pressed'), 'false');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('the quiz scores full marks when answered correctly, with the keyboard alone', async (t) => {
    if (!pages.quiz) return t.skip('the demo build has no quiz');
    const context = await newContext();
    try {
      const { page, problems } = await open(context, pages.quiz);
      const questions = await page.$$eval('#quiz fieldset[data-answer]', (sets) => sets.map((s) => ({
        answer: [...s.querySelectorAll('input[type=radio]')].findIndex((r) => r.value === s.dataset.answer),
        first: s.querySelector('input[type=radio]').id,
      })));
      assert.ok(questions.length > 0, 'the quiz has questions');
      const total = Number(await page.getAttribute('#quiz', 'data-total'));
      const active = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
      // Tab from the top of the page into the first question.
      for (let i = 0; i < 80 && (await active()) !== questions[0].first; i++) await page.keyboard.press('Tab');
      for (const [n, q] of questions.entries()) {
        if (n > 0) await page.keyboard.press('Tab');
        assert.equal(await active(), q.first, `Tab reaches question ${n + 1}`);
        await page.keyboard.press('Space');
        for (let k = 0; k < q.answer; k++) await page.keyboard.press('ArrowDown');
      }
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.type), 'submit', 'Tab reaches 交卷 after the last question');
      await page.keyboard.press('Enter');
      const status = page.locator('#quiz-status');
      await assert.doesNotReject(status.filter({ hasText: `${total} / ${total}` }).waitFor({ timeout: 5000 }), 'the score reads full marks');
      assert.equal(await status.getAttribute('aria-live'), 'polite');
      assert.equal(await active(), 'quiz-status', 'focus moves to the score');
      assert.equal(await page.locator('.question--right').count(), questions.length, 'every question is marked right');
      assert.equal(await page.locator('[data-answer-box]:visible').count(), questions.length, 'explanations are revealed');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('without JavaScript the quiz still reads as questions with their answers', async (t) => {
    if (!pages.quiz) return t.skip('the demo build has no quiz');
    const context = await newContext({ javaScript: false });
    try {
      const { page } = await open(context, pages.quiz);
      const questions = await page.locator('#quiz fieldset').count();
      assert.ok(questions > 0);
      assert.equal(await page.locator('details.question__answer:visible').count(), questions, 'each answer is in a visible <details>');
      assert.equal(await page.locator('#quiz button[type=submit]:visible').count(), 0, 'no 交卷 button that could not work');
    } finally {
      await context.close();
    }
  });

  test('the countdown shows dates without JavaScript and a status with it', async () => {
    const plain = await newContext({ javaScript: false });
    let dates;
    try {
      const { page } = await open(plain, '/');
      const box = page.locator('#countdown');
      assert.equal(await box.count(), 1, 'the landing page has #countdown');
      dates = await box.evaluate((el) => ({ starts: el.dataset.starts, ends: el.dataset.ends, zone: el.dataset.zone, text: el.textContent.trim() }));
      assert.match(dates.text, /^\d{4}年\d{1,2}月\d{1,2}日(至(\d{4}年)?\d{1,2}月\d{1,2}日)?$/, `plain dates: ${dates.text}`);
      assert.equal(await page.locator('#mode-toggle:visible').count(), 0, 'no reading-mode switch that could not work');
    } finally {
      await plain.close();
    }
    const at = (day, time) => new Date(`${day}T${time}${dates.zone}`);
    const before = new Date(at(dates.starts, '00:00:00').getTime() - (3 * 86400 + 5 * 3600 + 30 * 60) * 1000);
    for (const [when, expected] of [
      [before, /距开幕还有 3 天 5 小时 30 分/],
      [at(dates.starts, '10:00:00'), /进行中/],
      [new Date(at(dates.ends, '23:59:59').getTime() + 60000), /已圆满结束/],
    ]) {
      const context = await newContext();
      try {
        const page = await context.newPage();
        await page.clock.setFixedTime(when);
        await page.goto(server.url + '/');
        const status = (await page.locator('#countdown [data-countdown-status]').textContent()).trim();
        assert.match(status, expected, `at ${when.toISOString()}`);
      } finally {
        await context.close();
      }
    }
  });

  test('a 360 px wide phone has no horizontal scrollbar', async () => {
    const wanted = ['home', 'article', 'archive', 'topic', 'week', 'quiz'].map((n) => pages[n]).filter(Boolean);
    const wide = [];
    for (const elder of [false, true]) {
      const context = await newContext({ width: 360, height: 780, elder });
      try {
        for (const urlPath of wanted) {
          const { page } = await open(context, urlPath);
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          if (width > 360) wide.push(`${urlPath}${elder ? ' (长者模式)' : ''}: ${width}px`);
          await page.close();
        }
      } finally {
        await context.close();
      }
    }
    assert.deepEqual(wide, [], 'pages wider than the phone');
  });

  test('herald serve answers a missing page with 404 and the theme’s page', { timeout: 120_000 }, async () => {
    // Herald itself, not the test's static server: `herald serve` on the portal.
    const herald = await serveWithHerald(siteRoot());
    const context = await newContext({ origin: herald.url });
    try {
      const page = await context.newPage();
      const problems = [];
      page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
      // Everything the page loads (stylesheets, scripts, the live-reload script) is there.
      page.on('response', (r) => {
        if (r.status() >= 400 && r.url() !== `${herald.url}/no/such/page/`) problems.push(`${r.status()} ${r.url()}`);
      });
      const response = await page.goto(`${herald.url}/no/such/page/`, { waitUntil: 'load' });
      assert.equal(response.status(), 404);
      assert.match(response.headers()['content-type'], /^text\/html/);
      assert.equal((await page.locator('main h1').innerText()).trim(), '页面不存在');
      assert.match(await page.locator('.not-found').innerText(), /您访问的页面可能已被删除、更名或暂时不可用/);
      const home = page.locator('.not-found__links a', { hasText: '返回首页' });
      assert.equal(await home.evaluate((a) => a.href), `${herald.url}/`);
      // The theme's stylesheet, served by Herald too, applies: the big red 404.
      const code = await page.locator('.not-found__code').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
      const body = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
      assert.ok(code >= 4 * body, `the theme’s stylesheet did not apply (404 at ${code}px, text at ${body}px)`);
      assert.ok(await page.evaluate(() => !!document.querySelector('script[src="/__herald/livereload.js"]')), 'served by herald serve, with its live-reload script');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
      await herald.close();
    }
  });

  test('no page asked any other host for anything', () => {
    assert.deepEqual(outside, []);
  });
});
