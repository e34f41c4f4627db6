// Builds the demo portal with Herald and finds the pages the checks visit.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const browserDir = path.resolve(here, '..');
export const repoRoot = path.resolve(browserDir, '../..');

/** The Herald binary the checks run (HERALD_BIN, default ../../target/debug/herald). */
export function heraldBin() {
  const bin = path.resolve(browserDir, process.env.HERALD_BIN || '../../target/debug/herald');
  if (!fs.existsSync(bin)) {
    throw new Error(`no Herald binary at ${bin}: run \`cargo build\` first or set HERALD_BIN`);
  }
  return bin;
}

/** The site the checks build and serve (HERALD_ROOT, default the demo portal). */
export function siteRoot() {
  return path.resolve(browserDir, process.env.HERALD_ROOT || repoRoot);
}

/** Builds the portal at the repository root into a new temporary folder. */
export function build() {
  const bin = heraldBin();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-browser-'));
  const output = path.join(out, 'public');
  try {
    // HERALD_ROOT checks another site with this theme (default: the demo portal).
    const root = siteRoot();
    const summary = execFileSync(bin, ['build', '--root', root, '--output', output], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    process.stdout.write(`${summary.trim()}\n`);
  } catch (e) {
    throw new Error(`herald build failed (exit ${e.status}):\n${e.stderr || e.message}`);
  }
  return { dir: output, remove: () => fs.rmSync(out, { recursive: true, force: true }) };
}

/** Every HTML file under `dir`, as paths relative to it. */
export function htmlFiles(dir) {
  const found = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.html')) found.push(path.relative(dir, full).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return found.sort();
}

/** The URL path of an output file (`a/b/index.html` → `/a/b/`). */
export function urlOf(rel) {
  return '/' + rel.replace(/(^|\/)index\.html$/, '$1');
}

const read = (dir, rel) => fs.readFileSync(path.join(dir, rel), 'utf8');

/** The pages the browser checks visit, chosen from what the build holds. */
export function choosePages(dir) {
  const files = htmlFiles(dir);
  const listPage = (rel) => /\/page\/\d+\/index\.html$/.test(rel);
  // The richest article: the article page with the most markup (tables, code, TOC…).
  const articles = files
    .filter((f) => f.startsWith('articles/') && !listPage(f) && read(dir, f).includes('name="ArticleTitle"'))
    .sort((a, b) => read(dir, b).length - read(dir, a).length);
  const topics = files.filter((f) => /^topics\/[^/]+\/index\.html$/.test(f));
  // The topic and the tag with the most articles (their pages list the most).
  const biggest = (list) => list.sort((a, b) => read(dir, b).length - read(dir, a).length)[0];
  const tags = files.filter((f) => /^tags\/[^/]+\/index\.html$/.test(f));
  // The newest year's quiz.
  const quiz = files.filter((f) => /^security-week\/\d+\/quiz\/index\.html$/.test(f)).sort().pop();
  return {
    home: '/',
    article: articles[0] && urlOf(articles[0]),
    archive: files.includes('articles/index.html') ? '/articles/' : undefined,
    topic: topics.length ? urlOf(biggest(topics)) : undefined,
    tag: tags.length ? urlOf(biggest(tags)) : undefined,
    week: files.includes('security-week/index.html') ? '/security-week/' : undefined,
    quiz: quiz && urlOf(quiz),
    topics: files.includes('topics/index.html') ? '/topics/' : undefined,
    tags: files.includes('tags/index.html') ? '/tags/' : undefined,
    search: files.includes('search/index.html') ? '/search/' : undefined,
    notFound: files.includes('404.html') ? '/no/such/page/' : undefined,
  };
}
