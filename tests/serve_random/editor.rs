//! An editor at work on a small portal, driven by a seeded random number generator:
//! every action changes the site on disk as a real editor or tool would, and says
//! which file the server's rebuild line will name.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::TestSite;

/// The seeds and the number of actions to run: `HERALD_RANDOM_SEEDS` (comma-separated)
/// and `HERALD_RANDOM_ACTIONS` when set, else the defaults CI runs.
pub fn seeds_and_actions(seeds: &[u64], actions: usize) -> (Vec<u64>, usize) {
    let seeds = std::env::var("HERALD_RANDOM_SEEDS").map_or_else(
        |_| seeds.to_vec(),
        |list| list.split(',').map(|s| s.trim().parse().unwrap()).collect(),
    );
    let actions = std::env::var("HERALD_RANDOM_ACTIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(actions);
    (seeds, actions)
}

/// One thing the editor did.
pub struct Action {
    /// What was done, for the replay log.
    pub what: String,
    /// The files (relative to the site) one of which the server's rebuild line names.
    pub keys: Vec<String>,
}

impl Action {
    fn new(what: impl Into<String>, key: impl Into<String>) -> Action {
        Action {
            what: what.into(),
            keys: vec![key.into()],
        }
    }

    /// The action in one line.
    pub fn describe(&self) -> String {
        format!("{}  [{}]", self.what, self.keys.join(" or "))
    }
}

/// A small deterministic generator (splitmix64), so a seed replays the same actions
/// everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// A random subset of `items`, in their order.
    fn subset(&mut self, items: &[&'static str]) -> Vec<&'static str> {
        items
            .iter()
            .copied()
            .filter(|_| self.below(2) == 0)
            .collect()
    }
}

const TAGS: &[&str] = &["宣传周", "反诈", "个人信息", "校园"];
const TOPICS: &[&str] = &["week", "fraud"];
/// Dates around the test clock (2026-11-22); the last is in the future, so hidden.
const DATES: &[&str] = &[
    "2024-01-01",
    "2025-05-01",
    "2026-08-01",
    "2026-09-16T10:00:00+08:00",
    "2026-11-20",
    "2026-12-01",
];
/// Articles linked from other pages: they keep existing and stay published, since a
/// link to a missing page is an error.
const LINKED: &[&str] = &["a.md", "b.md"];

/// An article as the editor last saved it.
#[derive(Clone)]
struct Article {
    title: String,
    date: &'static str,
    tags: Vec<&'static str>,
    topics: Vec<&'static str>,
    body: String,
    draft: bool,
}

impl Article {
    /// The file's text; `name` is its path under `content/articles/`.
    fn text(&self, name: &str) -> String {
        let mut front = format!("title: {}\ndate: {}\n", self.title, self.date);
        if !self.tags.is_empty() {
            front += &format!("tags: [{}]\n", self.tags.join(", "));
        }
        if !self.topics.is_empty() {
            front += &format!("topics: [{}]\n", self.topics.join(", "));
        }
        if self.draft {
            front += "draft: true\n";
        }
        // a.md has a cover and links to b.md's heading (so b.md keeps its "## 详情").
        let (cover, link) = if name == "a.md" {
            (
                "cover: /images/banner.png\n",
                " 见[乙](@/articles/b.md#xiang-qing)。",
            )
        } else {
            ("", "")
        };
        format!("---\n{front}{cover}---\n\n## 详情\n\n{}{link}\n", self.body)
    }
}

/// The site and what the editor knows of it.
pub struct Editor {
    pub site: TestSite,
    rng: Rng,
    articles: BTreeMap<String, Article>,
    /// Articles whose front matter is broken on disk now.
    broken: BTreeSet<String>,
    /// Grows with every edit, so each edit writes new text.
    version: u32,
    card: String,
    page: String,
}

impl Editor {
    /// A portal with articles, topics, a security week, a quiz, a download, an image
    /// and a stylesheet.
    pub fn new(seed: u64) -> Editor {
        let site = TestSite::new();
        site.file(
            "config.yaml",
            &config("测试站点", 2),
        )
        .file("content/articles/_index.md", "---\ntitle: 新闻\n---\n")
        .file("content/topics/_index.md", "---\ntitle: 专题\n---\n")
        .file("content/about.md", "---\ntitle: 关于本站\n---\n见[开幕](@/articles/a.md)。\n")
        .file(
            "content/security-week/2026/_index.md",
            "---\ntitle: 2026宣传周\nstarts: 2026-09-14\nends: 2026-09-20\ntopic: week\nmaterials:\n  - { title: 手册, file: /downloads/a.pdf }\nquiz: quiz\n---\n介绍\n",
        )
        .file("static/downloads/a.pdf", "pdf")
        .bytes("assets/images/banner.png", &png(40, 20))
        .file("assets/css/app.css", "body { color: black; }");
        let card = site.read_file("themes/default/templates/partials/card.html");
        let page = site.read_file("themes/default/templates/page.html");
        let mut editor = Editor {
            site,
            rng: Rng(seed),
            articles: BTreeMap::new(),
            broken: BTreeSet::new(),
            version: 0,
            card,
            page,
        };
        editor.write_topic("week");
        editor.write_topic("fraud");
        editor.write_quiz();
        let first = [
            ("a.md", "开幕", "2026-09-14", vec!["宣传周"], vec!["week"]),
            (
                "b.md",
                "乙文",
                "2026-08-01",
                vec!["反诈", "宣传周"],
                vec!["fraud"],
            ),
            ("c.md", "丙文", "2025-05-01", vec!["反诈"], vec![]),
            ("d.md", "丁文", "2024-01-01", vec![], vec!["fraud", "week"]),
        ];
        for (name, title, date, tags, topics) in first {
            let article = Article {
                title: title.into(),
                date,
                tags,
                topics,
                body: format!("{title}的正文。"),
                draft: false,
            };
            editor.articles.insert(name.into(), article);
            editor.save(name);
        }
        editor
    }

    /// A random number below `n`, from the seed's sequence.
    pub fn choose(&mut self, n: usize) -> usize {
        self.rng.below(n)
    }

    /// Does one random thing.
    pub fn act(&mut self) -> Action {
        self.version += 1;
        if !self.broken.is_empty() && self.rng.below(3) == 0 {
            return self.fix();
        }
        match self.rng.below(15) {
            0 => self.edit_article("body", |a, v, _| a.body = body(v)),
            1 => self.edit_article("title", |a, v, _| a.title = format!("标题{v}")),
            2 => self.edit_article("tags", |a, _, rng| a.tags = rng.subset(TAGS)),
            3 => self.edit_article("topics", |a, _, rng| a.topics = rng.subset(TOPICS)),
            4 => self.edit_date(),
            5 => self.add(),
            6 => self.delete(),
            7 => self.rename(),
            8 => self.atomic_save(),
            9 => {
                let id = self.rng.pick(TOPICS);
                self.write_topic(id)
            }
            10 => self.edit_template(),
            11 => self.write_small_file(),
            12 => self.write_quiz(),
            13 => self.break_front_matter(),
            _ => self.write_config(),
        }
    }

    /// Repairs one broken article, if any is left.
    pub fn fix_one(&mut self) -> Option<Action> {
        (!self.broken.is_empty()).then(|| self.fix())
    }

    /// A save whose rebuild line, once printed, follows every earlier change. The
    /// server names at most three files of a rebuild, sorted: this one comes first.
    pub fn barrier(&mut self) -> Action {
        self.version += 1;
        let key = "assets/0-sync.txt";
        self.site.file(key, &self.version.to_string());
        Action::new("barrier", key)
    }

    fn edit_article(
        &mut self,
        field: &str,
        change: impl FnOnce(&mut Article, u32, &mut Rng),
    ) -> Action {
        let name = self.pick_article();
        let version = self.version;
        let article = self.articles.get_mut(&name).unwrap();
        change(article, version, &mut self.rng);
        self.save(&name);
        Action::new(format!("edit the {field} of {name}"), article_key(&name))
    }

    fn edit_date(&mut self) -> Action {
        let name = self.pick_article();
        let linked = LINKED.contains(&name.as_str());
        let dates = if linked {
            &DATES[..DATES.len() - 1]
        } else {
            DATES
        };
        let date = self.rng.pick(dates);
        let article = self.articles.get_mut(&name).unwrap();
        article.date = date;
        // Unlinked articles may also become (or stop being) drafts.
        if !linked {
            article.draft = self.rng.below(4) == 0;
        }
        let draft = if article.draft { ", draft" } else { "" };
        self.save(&name);
        Action::new(format!("date {name} {date}{draft}"), article_key(&name))
    }

    fn add(&mut self) -> Action {
        let v = self.version;
        let name = match self.rng.below(3) {
            0 => format!("n{v}.md"),
            1 => format!("2025/n{v}.md"),
            _ => format!("新闻{v}.md"),
        };
        let article = Article {
            title: format!("新文{v}"),
            date: self.rng.pick(DATES),
            tags: self.rng.subset(TAGS),
            topics: self.rng.subset(TOPICS),
            body: body(v),
            draft: false,
        };
        let folder = name.rsplit_once('/').map(|(folder, _)| article_key(folder));
        let new_folder = folder.clone().filter(|f| !self.site.path(f).exists());
        self.articles.insert(name.clone(), article);
        self.save(&name);
        let mut action = Action::new(format!("add {name}"), article_key(&name));
        // A file written at once into a new folder may be seen only as the folder.
        action.keys.extend(new_folder);
        action
    }

    fn delete(&mut self) -> Action {
        let Some(name) = self.pick_unlinked() else {
            return self.add();
        };
        std::fs::remove_file(self.site.path(&article_key(&name))).unwrap();
        self.articles.remove(&name);
        self.broken.remove(&name);
        Action::new(format!("delete {name}"), article_key(&name))
    }

    fn rename(&mut self) -> Action {
        let folders: Vec<String> = self
            .articles
            .keys()
            .filter_map(|n| n.split_once('/').map(|(folder, _)| folder.to_string()))
            .collect();
        if !folders.is_empty() && self.rng.below(3) == 0 {
            let folder = folders[self.rng.below(folders.len())].clone();
            return self.rename_folder(&folder);
        }
        let Some(old) = self.pick_unlinked() else {
            return self.add();
        };
        let new = match old.rsplit_once('/') {
            Some((folder, _)) => format!("{folder}/r{}.md", self.version),
            None => format!("r{}.md", self.version),
        };
        std::fs::rename(
            self.site.path(&article_key(&old)),
            self.site.path(&article_key(&new)),
        )
        .unwrap();
        let article = self.articles.remove(&old).unwrap();
        self.articles.insert(new.clone(), article);
        if self.broken.remove(&old) {
            self.broken.insert(new.clone());
        }
        Action::new(format!("rename {old} to {new}"), article_key(&new))
    }

    /// A folder of articles renamed: every article in it moves.
    fn rename_folder(&mut self, old: &str) -> Action {
        let new = format!("y{}", self.version);
        std::fs::rename(
            self.site.path(&article_key(old)),
            self.site.path(&article_key(&new)),
        )
        .unwrap();
        let moved = |name: &str| match name.strip_prefix(&format!("{old}/")) {
            Some(rest) => format!("{new}/{rest}"),
            None => name.to_string(),
        };
        self.articles = std::mem::take(&mut self.articles)
            .into_iter()
            .map(|(name, article)| (moved(&name), article))
            .collect();
        self.broken = self.broken.iter().map(|name| moved(name)).collect();
        let mut action = Action::new(format!("rename folder {old}/ to {new}/"), article_key(&new));
        action.keys.push(article_key(old));
        action
    }

    /// An editor's save: a temporary file renamed over the article.
    fn atomic_save(&mut self) -> Action {
        let name = self.pick_article();
        self.articles.get_mut(&name).unwrap().body = body(self.version);
        let text = self.articles[&name].text(&name);
        let key = article_key(&name);
        let (folder, file) = key.rsplit_once('/').unwrap();
        let tmp = self.site.path(&format!("{folder}/.{file}.tmp"));
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, self.site.path(&key)).unwrap();
        self.broken.remove(&name);
        Action::new(format!("save {name} through a temporary file"), key)
    }

    fn write_topic(&mut self, id: &str) -> Action {
        let v = self.version;
        let key = format!("content/topics/{id}/_index.md");
        let featured = if self.rng.below(2) == 0 {
            "featured: true\n"
        } else {
            ""
        };
        let text = match id {
            "week" => format!(
                "---\ntitle: 宣传周专题{v}\ncover: /images/banner.png\n{featured}---\n专题介绍{v}。\n"
            ),
            _ => format!("---\ntitle: 反诈专题{v}\nweight: 2\n{featured}---\n反诈{v}。\n"),
        };
        self.site.file(&key, &text);
        Action::new(format!("edit topic {id}"), key)
    }

    fn edit_template(&mut self) -> Action {
        let v = self.version;
        let (key, text) = if self.rng.below(2) == 0 {
            let text = self.card.replacen(
                "<li class=\"card\">",
                &format!("<li class=\"card v{v}\">"),
                1,
            );
            ("themes/default/templates/partials/card.html", text)
        } else {
            let text = self
                .page
                .replacen("<article>", &format!("<article class=\"v{v}\">"), 1);
            ("themes/default/templates/page.html", text)
        };
        self.site.file(key, &text);
        Action::new("edit a template", key)
    }

    /// A download (its size shows on the week's page), the stylesheet or an image.
    fn write_small_file(&mut self) -> Action {
        let v = self.version as usize;
        let choice = self.rng.below(3);
        if choice == 2 {
            let key = "assets/images/banner.png";
            let (width, height) = ([40, 64, 30][v % 3], [20, 24, 30][v % 3]);
            self.site.bytes(key, &png(width, height));
            Action::new(format!("replace the cover image ({width}×{height})"), key)
        } else if choice == 0 {
            let key = "static/downloads/a.pdf";
            self.site.file(key, &"pdf".repeat(1 + v % 7 * 100));
            Action::new("edit a static file", key)
        } else {
            let key = "assets/css/app.css";
            let color = ["navy", "black", "maroon"][v % 3];
            self.site.file(key, &format!("body {{ color: {color}; }}"));
            Action::new(format!("stylesheet colour {color}"), key)
        }
    }

    fn write_quiz(&mut self) -> Action {
        let v = self.version;
        let answer = ["A", "B"][self.rng.below(2)];
        let key = "data/quiz.yaml";
        self.site.file(
            key,
            &format!("title: 竞答{v}\nquestions:\n  - question: 一\n    options: [甲, 乙]\n    answer: {answer}\n"),
        );
        Action::new(format!("edit the quiz data (answer {answer})"), key)
    }

    fn write_config(&mut self) -> Action {
        let paginate = 2 + self.rng.below(2);
        let title = format!("测试站点{}", self.version);
        self.site.file("config.yaml", &config(&title, paginate));
        Action::new(
            format!("config: title {title}, paginate {paginate}"),
            "config.yaml",
        )
    }

    fn break_front_matter(&mut self) -> Action {
        let name = self.pick_article();
        let key = article_key(&name);
        self.site
            .file(&key, "---\ntitle: [\ndate: 2026-01-01\n---\n\n坏了\n");
        self.broken.insert(name.clone());
        Action::new(format!("break the front matter of {name}"), key)
    }

    fn fix(&mut self) -> Action {
        let broken: Vec<String> = self.broken.iter().cloned().collect();
        let name = self
            .rng
            .pick(&broken.iter().map(String::as_str).collect::<Vec<_>>())
            .to_string();
        self.save(&name);
        Action::new(
            format!("fix the front matter of {name}"),
            article_key(&name),
        )
    }

    /// Writes an article as the model has it (which repairs it if it was broken).
    fn save(&mut self, name: &str) {
        let text = self.articles[name].text(name);
        self.site.file(&article_key(name), &text);
        self.broken.remove(name);
    }

    fn pick_article(&mut self) -> String {
        let names: Vec<&String> = self.articles.keys().collect();
        names[self.rng.below(names.len())].clone()
    }

    fn pick_unlinked(&mut self) -> Option<String> {
        let names: Vec<&String> = self
            .articles
            .keys()
            .filter(|n| !LINKED.contains(&n.as_str()))
            .collect();
        (!names.is_empty()).then(|| names[self.rng.below(names.len())].clone())
    }
}

fn article_key(name: &str) -> String {
    format!("content/articles/{name}")
}

/// A body of varying length, so summaries are sometimes cut.
fn body(v: u32) -> String {
    "网络安全为人民，网络安全靠人民。".repeat(1 + v as usize % 12) + &format!("第{v}版。")
}

fn config(title: &str, paginate: usize) -> String {
    format!(
        "title: {title}\nbase_url: https://www.example.gov.cn/\npaginate: {paginate}\nmenu:\n  - {{ name: 首页, url: \"@/_index.md\" }}\n  - {{ name: 关于, url: \"@/about.md\" }}\n"
    )
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([10, 60, 140]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}
