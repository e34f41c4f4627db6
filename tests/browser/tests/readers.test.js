// Readers' tools of the default theme in Chromium (issue: 适老化 and page tools):
// the QR code decodes to the permalink, 朗读 speaks the title first and skips code,
// 字号 大/中/小 change the text and are remembered, 复制链接 writes the permalink,
// targets are 44×44 in 长者模式 at 360 px, /sitemap/ lists every topic, and axe and
// the Nu Html Checker find nothing in every reading mode and text size.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { serve } from '../lib/server.js';
import { build, browserDir, choosePages, htmlFiles, urlOf } from '../lib/site.js';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const JSQR = fs.readFileSync(require.resolve('jsqr/dist/jsQR.js'), 'utf8');
const VNU = path.join(browserDir, 'node_modules/vnu-jar/build/dist/vnu.jar');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const MODES = ['normal', 'elder'];
const SIZES = ['small', 'medium', 'large'];
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let site;
let server;
let browser;
let pages;
const outside = [];

before(async () => {
  site = build();
  pages = choosePages(site.dir);
  pages.sitemap = '/sitemap/';
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

/** A context whose requests never leave the test server, in a mode and text size. */
async function newContext({ mode = 'normal', size = 'medium', width = 1280, height = 900, javaScript = true, init, ...rest } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    javaScriptEnabled: javaScript,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...rest,
  });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(server.url + '/') || url.startsWith('data:') || url.startsWith('blob:')) {
      return route.continue();
    }
    outside.push(url);
    return route.abort();
  });
  await context.addInitScript(([mode, size]) => {
    try {
      if (mode === 'elder') localStorage.setItem('herald-reading-mode', 'elder');
      if (size !== 'medium') localStorage.setItem('herald-text-size', size);
    } catch { /* about:blank */ }
  }, [mode, size]);
  if (init) await context.addInitScript(init);
  return context;
}

async function open(context, urlPath) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  const response = await page.goto(server.url + urlPath, { waitUntil: 'load' });
  assert.equal(response.status(), 200, `${urlPath} answered ${response.status()}`);
  return { page, problems };
}

/** Runs `fn(page, problems)` on `urlPath` in a fresh context made with `options`. */
async function withPage(urlPath, options, fn) {
  const context = await newContext(options);
  try {
    const { page, problems } = await open(context, urlPath);
    await fn(page, problems, context);
  } finally {
    await context.close();
  }
}

const permalinkOf = (page) => page.getAttribute('article[data-permalink]', 'data-permalink');

describe('QR code', () => {
  test('shows beside the article on a desktop and decodes to the permalink', async () => {
    await withPage(pages.article, { deviceScaleFactor: 2 }, async (page, problems) => {
      const qr = page.locator('.page-qr svg.qr-code');
      assert.ok(await qr.isVisible(), 'the QR code is visible without interaction');
      const article = await page.locator('article.article').boundingBox();
      const box = await qr.boundingBox();
      assert.ok(box.x >= article.x + article.width, 'the QR code sits beside the article');
      assert.ok(box.y < 900, 'in the first screen');
      assert.match(await qr.getAttribute('aria-label'), /二维码：https?:\/\//, 'it has a text alternative');
      const png = (await qr.screenshot()).toString('base64');
      await page.addScriptTag({ content: JSQR });
      const decoded = await page.evaluate(async (data) => {
        const img = new Image();
        img.src = `data:image/png;base64,${data}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth;
        canvas.height = img.naturalHeight;
        const ctx = canvas.getContext('2d');
        ctx.drawImage(img, 0, 0);
        const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height);
        return window.jsQR(pixels.data, pixels.width, pixels.height)?.data ?? null;
      }, png);
      assert.equal(decoded, await permalinkOf(page));
      assert.deepEqual(problems, []);
    });
  });

  test('folds on a phone, and 微信 opens it', async () => {
    await withPage(pages.article, { width: 360, height: 780 }, async (page, problems) => {
      const qr = page.locator('.page-qr svg.qr-code');
      assert.equal(await qr.isVisible(), false, 'folded on a phone');
      await page.getByRole('link', { name: /^微信/ }).click();
      await qr.waitFor({ state: 'visible' });
      assert.equal(await page.evaluate(() => document.activeElement.tagName), 'SUMMARY', 'focus moves to the QR code');
      assert.deepEqual(problems, []);
    });
  });
});

/** A stand-in for speechSynthesis that records what it is asked to say and ends an
 * utterance only when the test says so (`__finish()`), or at once (`__auto`). */
function speechStub() {
  const calls = [];
  let current = null;
  const stub = {
    speaking: false,
    paused: false,
    speak(u) {
      calls.push(['speak', u.text, u.lang]);
      window.__voice = u.voice?.name;
      current = u;
      if (window.__auto) setTimeout(() => window.__finish(), 0);
    },
    pause() { calls.push(['pause']); },
    resume() { calls.push(['resume']); },
    cancel() { calls.push(['cancel']); current = null; },
    getVoices() {
      return [{ name: 'English', lang: 'en-US' }, { name: '粤语', lang: 'zh-HK' }, { name: '普通话', lang: 'zh_CN' }];
    },
    addEventListener() {},
  };
  window.__speech = calls;
  window.__finish = () => { const u = current; current = null; u?.onend?.(new Event('end')); };
  Object.defineProperty(window, 'speechSynthesis', { value: stub, configurable: true });
  // Plain utterances, so that the stub's voices can be chosen.
  window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
}

describe('朗读', () => {
  test('speaks the title first, then the body without code, highlighting as it goes', async () => {
    await withPage(pages.article, { init: speechStub, reducedMotion: 'reduce' }, async (page, problems) => {
      const title = (await page.locator('h1').textContent()).trim();
      const code = await page.locator('.article__body pre').allTextContents();
      const button = page.getByRole('button', { name: '朗读', exact: true });
      await button.focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => window.__speech.some((c) => c[0] === 'speak'));
      const first = await page.evaluate(() => window.__speech.find((c) => c[0] === 'speak'));
      assert.deepEqual(first, ['speak', title, 'zh-CN'], 'the title is read first, in Chinese');
      assert.equal(await page.evaluate(() => window.__voice), '普通话', 'with a Mandarin voice');
      assert.equal(await page.locator('.is-reading').evaluate((el) => el.tagName), 'H1', 'the title is highlighted');
      assert.equal(await page.locator('#page-tools-status').textContent(), '开始朗读', 'announced to screen readers');
      // Step on until a block that started below the first screen: it is scrolled into view.
      let scrolled = null;
      for (let i = 0; i < 300 && !scrolled; i++) {
        await page.evaluate(() => window.__finish());
        scrolled = await page.evaluate(() => {
          const el = document.querySelector('.is-reading');
          if (!el) return 'ended';
          const r = el.getBoundingClientRect();
          return r.top + window.scrollY > 1200 ? { top: r.top, bottom: r.bottom, scrollY: window.scrollY } : null;
        });
      }
      assert.ok(scrolled && scrolled !== 'ended', 'reading reaches a block below the first screen');
      assert.ok(scrolled.scrollY > 0 && scrolled.top >= 0 && scrolled.bottom <= 900, `the block being read is scrolled into view: ${JSON.stringify(scrolled)}`);
      // Read the rest at once.
      await page.evaluate(() => { window.__auto = true; window.__finish(); });
      await page.locator('#page-tools-status', { hasText: '朗读结束' }).waitFor();
      const spoken = await page.evaluate(() => window.__speech.filter((c) => c[0] === 'speak').map((c) => c[1]));
      assert.ok(spoken.length > 3, `the body is read too (${spoken.length} blocks)`);
      for (const block of code) {
        const line = block.trim().split('\n')[0].trim();
        assert.ok(!spoken.some((s) => s.includes(line)), `code is skipped: ${line}`);
      }
      assert.ok(!spoken.some((s) => s.includes('目录')), 'the table of contents is skipped');
      assert.equal(await page.locator('.is-reading').count(), 0, 'no highlight after the end');
      assert.deepEqual(problems, []);
    });
  });

  test('pauses, continues and stops by keyboard', async () => {
    await withPage(pages.article, { init: speechStub }, async (page, problems) => {
      await page.getByRole('button', { name: '朗读', exact: true }).click();
      const pause = page.getByRole('button', { name: '暂停朗读' });
      await pause.focus();
      await page.keyboard.press('Enter');
      const resume = page.getByRole('button', { name: '继续朗读' });
      await resume.waitFor();
      await resume.press('Space');
      await pause.waitFor();
      const stop = page.getByRole('button', { name: '停止' });
      await stop.press('Enter');
      await stop.waitFor({ state: 'hidden' });
      const calls = await page.evaluate(() => window.__speech.map((c) => c[0]));
      assert.deepEqual(calls.filter((c) => c !== 'speak'), ['pause', 'resume', 'cancel']);
      assert.equal(await page.locator('.is-reading').count(), 0);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'read-aloud', 'focus returns to 朗读');
      assert.deepEqual(problems, []);
    });
  });

  test('no 朗读 button without JavaScript or without speechSynthesis', async () => {
    await withPage(pages.article, { javaScript: false }, async (page) => {
      assert.equal(await page.getByRole('button', { name: /朗读/ }).count(), 0, 'no 朗读 without JavaScript');
      assert.equal(await page.getByRole('button', { name: '大' }).count(), 0, 'no size buttons without JavaScript');
      assert.equal(await page.getByRole('button', { name: '复制链接' }).count(), 0);
      assert.ok(await page.getByRole('link', { name: /^微博/ }).isVisible(), 'plain share links stay');
      assert.ok(await page.locator('.page-qr svg.qr-code').isVisible(), 'the QR code needs no script');
    });
    const noSpeech = () => { delete window.speechSynthesis; delete Window.prototype.speechSynthesis; };
    await withPage(pages.article, { init: noSpeech }, async (page, problems) => {
      assert.equal(await page.evaluate(() => 'speechSynthesis' in window), false);
      assert.equal(await page.getByRole('button', { name: /朗读/ }).count(), 0, 'no 朗读 without speechSynthesis');
      assert.ok(await page.getByRole('button', { name: '大' }).isVisible(), 'the other tools stay');
      assert.deepEqual(problems, []);
    });
  });
});

describe('字号 and 长者模式', () => {
  const bodySize = (page) => page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.article__body p')).fontSize));

  test('大 enlarges body text to 20 px or more and survives a reload; 小 and 中 too', async () => {
    await withPage(pages.article, {}, async (page, problems) => {
      const medium = await bodySize(page);
      const large = page.getByRole('button', { name: '大' });
      assert.equal(await large.getAttribute('aria-pressed'), 'false');
      assert.equal(await page.getByRole('button', { name: '中' }).getAttribute('aria-pressed'), 'true');
      await large.click();
      assert.equal(await large.getAttribute('aria-pressed'), 'true');
      const big = await bodySize(page);
      assert.ok(big >= 20 && big > medium, `大: ${medium}px → ${big}px`);
      await page.reload();
      assert.equal(await bodySize(page), big, 'remembered after a reload');
      assert.equal(await page.getByRole('button', { name: '大' }).getAttribute('aria-pressed'), 'true');
      await page.getByRole('button', { name: '小' }).click();
      assert.ok((await bodySize(page)) < medium, '小 is smaller than 中');
      await page.getByRole('button', { name: '中' }).click();
      assert.equal(await bodySize(page), medium);
      await page.reload();
      assert.equal(await bodySize(page), medium, '中 is remembered as the default');
      assert.deepEqual(problems, []);
    });
  });

  test('the size is applied before the first paint and stacks with 长者模式', async () => {
    const sizes = {};
    for (const mode of MODES) {
      for (const size of SIZES) {
        await withPage(pages.article, { mode, size }, async (page) => {
          sizes[`${mode}/${size}`] = await bodySize(page);
        });
      }
    }
    // Before the first paint: the class is on <html> when <body> starts.
    const context = await newContext({ size: 'large' });
    try {
      const page = await context.newPage();
      await page.addInitScript(() => {
        new MutationObserver((_, observer) => {
          if (document.body) {
            window.__atBody = document.documentElement.className;
            observer.disconnect();
          }
        }).observe(document, { childList: true, subtree: true });
      });
      await page.goto(server.url + pages.article);
      assert.match(await page.evaluate(() => window.__atBody), /text-large/);
    } finally {
      await context.close();
    }
    for (const mode of MODES) {
      assert.ok(sizes[`${mode}/small`] < sizes[`${mode}/medium`] && sizes[`${mode}/medium`] < sizes[`${mode}/large`], `${mode}: ${JSON.stringify(sizes)}`);
    }
    for (const size of SIZES) assert.ok(sizes[`elder/${size}`] > sizes[`normal/${size}`], `长者模式 enlarges ${size}`);
  });

  test('in 长者模式 at 360 px every link and button of the header and navigation is 44×44 or larger', async () => {
    const wanted = ['home', 'article', 'archive', 'topic', 'tag', 'week', 'quiz', 'sitemap'].map((n) => pages[n]).filter(Boolean);
    const small = [];
    for (const size of SIZES) {
      const context = await newContext({ mode: 'elder', size, width: 360, height: 780 });
      try {
        for (const urlPath of wanted) {
          const { page } = await open(context, urlPath);
          const found = await page.evaluate(() => [...document.querySelectorAll('header.site-header a, header.site-header button, nav a, nav button, [role="navigation"] a')]
            .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden' && !el.closest('.visually-hidden'))
            .map((el) => {
              const r = el.getBoundingClientRect();
              return { text: el.textContent.trim().slice(0, 20), w: Math.round(r.width * 10) / 10, h: Math.round(r.height * 10) / 10 };
            }));
          assert.ok(found.length > 5, `${urlPath} has header and navigation links`);
          for (const t of found) if (t.w < 44 || t.h < 44) small.push(`${urlPath} (${size}): “${t.text}” ${t.w}×${t.h}`);
          await page.close();
        }
      } finally {
        await context.close();
      }
    }
    assert.deepEqual(small, [], 'targets smaller than 44×44 CSS px');
  });

  test('长者模式 shows an extra-large cursor on a desktop', async () => {
    await withPage(pages.article, { mode: 'elder' }, async (page) => {
      const cursor = await page.evaluate(() => [getComputedStyle(document.body).cursor, getComputedStyle(document.querySelector('main a')).cursor]);
      assert.match(cursor[0], /cursor-large\.svg/);
      assert.match(cursor[1], /pointer-large\.svg/);
      const svg = await (await fetch(server.url + '/icons/cursor-large.svg')).text();
      assert.match(svg, /width="48" height="48"/, 'a 48 px cursor');
    });
    await withPage(pages.article, {}, async (page) => {
      assert.equal(await page.evaluate(() => getComputedStyle(document.body).cursor), 'auto', 'the normal cursor otherwise');
    });
  });

  test('no horizontal scrollbar at 360 px in any mode and size', async () => {
    const wide = [];
    for (const mode of MODES) {
      for (const size of SIZES) {
        const context = await newContext({ mode, size, width: 360, height: 780 });
        try {
          for (const urlPath of [pages.home, pages.article, pages.archive, pages.sitemap, pages.week].filter(Boolean)) {
            const { page } = await open(context, urlPath);
            const width = await page.evaluate(() => document.documentElement.scrollWidth);
            if (width > 360) wide.push(`${urlPath} (${mode}, ${size}): ${width}px`);
            await page.close();
          }
        } finally {
          await context.close();
        }
      }
    }
    assert.deepEqual(wide, []);
  });
});

describe('sharing and printing', () => {
  test('复制链接 writes the permalink to the clipboard', async () => {
    await withPage(pages.article, { permissions: ['clipboard-read', 'clipboard-write'] }, async (page, problems) => {
      await page.getByRole('button', { name: '复制链接' }).click();
      await page.locator('#page-tools-status', { hasText: '链接已复制' }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await permalinkOf(page));
      assert.deepEqual(problems, []);
    });
  });

  test('复制链接 falls back to a copy command without the Clipboard API', async () => {
    const noClipboard = () => {
      Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined, configurable: true });
      window.__copied = [];
      document.execCommand = (name) => { window.__copied.push([name, String(document.getSelection()) || document.activeElement.value]); return true; };
    };
    await withPage(pages.article, { init: noClipboard }, async (page, problems) => {
      await page.getByRole('button', { name: '复制链接' }).click();
      await page.locator('#page-tools-status', { hasText: '链接已复制' }).waitFor();
      assert.deepEqual(await page.evaluate(() => window.__copied), [['copy', await permalinkOf(page)]]);
      assert.deepEqual(problems, []);
    });
  });

  test('微博 and QQ空间 are plain links to the permalink; 打印本页 prints the article alone', async () => {
    await withPage(pages.article, {}, async (page, problems) => {
      const permalink = await permalinkOf(page);
      for (const name of ['微博', 'QQ空间']) {
        const href = await page.getByRole('link', { name: new RegExp(`^${name}`) }).getAttribute('href');
        assert.equal(new URL(href).searchParams.get('url'), permalink, `${name} shares the permalink`);
      }
      let printed = false;
      await page.exposeFunction('__printed', () => { printed = true; });
      await page.evaluate(() => { window.print = () => window.__printed(); });
      await page.getByRole('button', { name: '打印本页' }).click();
      await page.waitForFunction(() => true);
      assert.ok(printed, '打印本页 calls print()');
      await page.emulateMedia({ media: 'print' });
      const shown = (sel) => page.locator(sel).first().evaluate((el) => getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0);
      for (const sel of ['.site-nav', '.breadcrumbs', '.page-tools', '.site-footer', '.masthead__tools', '.neighbours']) {
        if (await page.locator(sel).count()) assert.equal(await shown(sel), false, `${sel} is not printed`);
      }
      for (const sel of ['h1', '.article__meta time', '.article__body']) assert.ok(await shown(sel), `${sel} is printed`);
      assert.match(await page.locator('.article__meta').textContent(), /来源：/);
      const after = await page.locator('article.article').evaluate((el) => getComputedStyle(el, '::after').content);
      assert.ok(after.includes('本文网址：') && after.includes(permalink), `the permalink is printed: ${after}`);
      assert.deepEqual(problems, []);
    });
  });
});

describe('网站地图', () => {
  test('/sitemap/ lists every topic, year, the week and its quizzes, and every footer links it', async () => {
    const topics = htmlFiles(site.dir).filter((f) => /^topics\/[^/]+\/index\.html$/.test(f)).map(urlOf);
    const quizzes = htmlFiles(site.dir).filter((f) => /quiz\/index\.html$/.test(f)).map(urlOf);
    assert.ok(topics.length >= 3);
    await withPage('/sitemap/', {}, async (page, problems) => {
      const links = await page.locator('main a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      for (const want of [...topics, ...quizzes, '/', '/articles/', '/topics/', '/security-week/', '/tags/', '/search/']) {
        assert.ok(links.includes(want), `the site map links ${want}`);
      }
      for (const href of links) {
        const response = await fetch(server.url + href);
        assert.equal(response.status, 200, `${href} exists`);
      }
      assert.deepEqual(problems, []);
    });
    for (const rel of htmlFiles(site.dir)) {
      const html = fs.readFileSync(path.join(site.dir, rel), 'utf8');
      // An alias's redirect page is not a page of the site: it sends readers on at once.
      if (/<meta http-equiv="refresh"/.test(html)) continue;
      assert.match(html, /<a href="\/sitemap\/">网站地图<\/a>/, `${rel} links the site map`);
    }
  });
});

describe('accessibility and validity in every reading mode and text size', () => {
  const snapshots = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-readers-dom-'));
  after(() => fs.rmSync(snapshots, { recursive: true, force: true }));

  for (const mode of MODES) {
    for (const size of SIZES) {
      test(`axe finds nothing (${mode}, ${size})`, async () => {
        for (const name of ['article', 'sitemap', 'home']) {
          await withPage(pages[name], { mode, size }, async (page, problems) => {
            // The state the tools leave the page in is what the Nu checker validates.
            const dom = await page.evaluate(() => `<!DOCTYPE html>\n${document.documentElement.outerHTML}`);
            fs.writeFileSync(path.join(snapshots, `${name}-${mode}-${size}.html`), dom);
            await page.addScriptTag({ content: AXE });
            const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }), WCAG);
            const lines = result.violations.flatMap((v) => [
              `${v.id} (${v.impact}): ${v.help}`,
              ...v.nodes.slice(0, 6).map((n) => `    at ${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`),
            ]);
            assert.equal(result.violations.length, 0, `axe on ${pages[name]} (${mode}, ${size}):\n${lines.join('\n')}`);
            assert.deepEqual(problems, []);
          });
        }
      });
    }
  }

  test('the Nu Html Checker finds no error in the pages as the tools left them', () => {
    const files = fs.readdirSync(snapshots);
    assert.equal(files.length, MODES.length * SIZES.length * 3, `snapshots: ${files.join(' ')}`);
    const run = spawnSync('java', ['-jar', VNU, '--errors-only', snapshots], { encoding: 'utf8' });
    assert.ok(!run.error, `could not run java: ${run.error?.message}`);
    const report = `${run.stdout}${run.stderr}`.split(snapshots + '/').join('').trim();
    assert.equal(run.status, 0, `vnu.jar reported errors:\n${report}`);
  });
});

describe('requests', () => {
  test('no page asked any other host for anything', () => {
    assert.deepEqual(outside, []);
  });
});
