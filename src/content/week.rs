//! One year of the security-awareness week, read from the front matter of
//! `content/security-week/<year>/_index.md`, and the knowledge quiz it may point to.
//!
//! ```yaml
//! slogan: 网络安全为人民，网络安全靠人民
//! starts: 2026-09-14
//! ends: 2026-09-20
//! topic: cyber-week-2026            # its articles count as the week's too
//! schedule: [ { date: 2026-09-15, name: 校园日, description: … } ]
//! events: [ { title: …, time: "2026-09-15 09:00", place: …, organiser: …, description: … } ]
//! materials: [ { title: 宣传海报, file: /downloads/2026/poster.pdf } ]
//! gallery: [ { image: /images/posters/campus.png, title: 校园日海报, alt: … } ]
//! quiz: quiz-2026                   # data/quiz-2026.yaml, shown at /security-week/2026/quiz/
//! ```

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::date::WrittenDate;
use super::section::Section;
use crate::error::Diagnostic;

/// A themed day of the week's schedule.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Day {
    /// The day.
    pub date: NaiveDate,
    /// Its name, e.g. 校园日.
    pub name: String,
    /// What happens.
    #[serde(default)]
    pub description: String,
}

/// An event with place and time.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    title: String,
    time: WrittenDate,
    #[serde(default)]
    end: Option<WrittenDate>,
    place: String,
    #[serde(default)]
    organiser: String,
    #[serde(default)]
    description: String,
}

/// An event, with its times placed in the site's time zone.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Event {
    /// Title.
    pub title: String,
    /// Start (RFC 3339).
    pub time: DateTime<FixedOffset>,
    /// End, if given.
    pub end: Option<DateTime<FixedOffset>>,
    /// Whether a time of day was given (else it is an all-day event).
    pub has_time: bool,
    /// Where.
    pub place: String,
    /// Who organises it.
    pub organiser: String,
    /// What it is.
    pub description: String,
}

/// A downloadable material.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Material {
    /// Title.
    pub title: String,
    /// The file: a site path (`/downloads/x.pdf`) or a path relative to the `_index.md`.
    pub file: String,
    /// A line about it.
    #[serde(default)]
    pub description: String,
}

/// A poster of the gallery.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Poster {
    /// The image, as for `cover`.
    pub image: String,
    /// Title.
    pub title: String,
    /// Alternative text (else the title).
    #[serde(default)]
    pub alt: String,
}

/// One year of the week.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Week {
    /// The year.
    pub year: i32,
    /// The year's theme slogan.
    pub slogan: String,
    /// First day.
    pub starts: NaiveDate,
    /// Last day.
    pub ends: NaiveDate,
    /// A topic whose articles belong to the week.
    pub topic: Option<String>,
    /// Themed days, in date order.
    pub schedule: Vec<Day>,
    /// Events, in time order.
    pub events: Vec<Event>,
    /// Downloads.
    pub materials: Vec<Material>,
    /// Posters.
    pub gallery: Vec<Poster>,
    /// Name of the quiz's data file.
    pub quiz: Option<String>,
}

impl Week {
    /// Reads the week of `section` (a `Week(year)` section) from its front matter.
    pub fn read(section: &Section, year: i32, zone: FixedOffset) -> Result<Week, Vec<Diagnostic>> {
        let extra = &section.meta.extra;
        let mut errors = Vec::new();
        let field = |key: &str| -> Option<Value> { extra.get(key).cloned() };
        let mut fail = |key: &str, message: String, help: &str| {
            let mut d = Diagnostic::error(message)
                .in_file(&section.file.path)
                .with_help(help);
            d.line = section.key_line(key);
            errors.push(d);
        };
        let mut date = |key: &str| -> Option<NaiveDate> {
            let text = field(key).and_then(|v| v.as_str().map(str::to_string));
            match text.map(|t| t.parse::<WrittenDate>()) {
                Some(Ok(d)) => Some(d.date()),
                Some(Err(e)) => {
                    fail(key, format!("`{key}`: {e}"), "write it like 2026-09-14");
                    None
                }
                None => {
                    fail(
                        key,
                        format!("the week has no `{key}` date"),
                        "add `starts:` and `ends:` dates, like `starts: 2026-09-14`",
                    );
                    None
                }
            }
        };
        let starts = date("starts");
        let ends = date("ends");
        let schedule: Vec<Day> = list(section, "schedule", &mut errors);
        let raw_events: Vec<RawEvent> = list(section, "events", &mut errors);
        let materials: Vec<Material> = list(section, "materials", &mut errors);
        let gallery: Vec<Poster> = list(section, "gallery", &mut errors);
        let text = |key: &str| extra.get(key).and_then(Value::as_str).map(str::to_string);
        let (Some(starts), Some(ends)) = (starts, ends) else {
            return Err(errors);
        };
        if ends < starts {
            let mut d = Diagnostic::error(format!(
                "the week ends ({ends}) before it starts ({starts})"
            ))
            .in_file(&section.file.path);
            d.line = section.key_line("ends");
            errors.push(d);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut schedule = schedule;
        schedule.sort_by_key(|d| d.date);
        let mut events: Vec<Event> = raw_events
            .into_iter()
            .map(|e| Event {
                title: e.title,
                time: e.time.resolve(zone),
                end: e.end.map(|d| d.resolve(zone)),
                has_time: e.time.has_time(),
                place: e.place,
                organiser: e.organiser,
                description: e.description,
            })
            .collect();
        events.sort_by_key(|e| e.time);
        Ok(Week {
            year,
            slogan: text("slogan").unwrap_or_default(),
            starts,
            ends,
            topic: text("topic"),
            schedule,
            events,
            materials,
            gallery,
            quiz: text("quiz"),
        })
    }
}

/// Reads the list under `key` (absent is empty), reporting a wrong shape at its line.
fn list<T: for<'de> Deserialize<'de>>(
    section: &Section,
    key: &str,
    errors: &mut Vec<Diagnostic>,
) -> Vec<T> {
    let Some(value) = section.meta.extra.get(key) else {
        return Vec::new();
    };
    let Some(items) = value.as_array() else {
        let mut d = Diagnostic::error(format!("`{key}` must be a list (lines starting with `- `)"))
            .in_file(&section.file.path);
        d.line = section.key_line(key);
        errors.push(d);
        return Vec::new();
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match serde_json::from_value::<T>(item.clone()) {
            Ok(v) => out.push(v),
            Err(e) => {
                let mut d = Diagnostic::error(format!(
                    "`{key}` item {}: {}",
                    i + 1,
                    e.to_string().replace("field", "key")
                ))
                .in_file(&section.file.path)
                .with_help(format!(
                    "see the `{key}` example in the README's security-week section"
                ));
                d.line = item_line(section, key, i);
                errors.push(d);
            }
        }
    }
    out
}

/// The line of the `index`-th `- ` item under `key`, or of the key itself.
fn item_line(section: &Section, key: &str, index: usize) -> Option<usize> {
    let key_line = section.key_line(key)?;
    let start = key_line - section.front_offset;
    let items: Vec<usize> = section
        .front
        .lines()
        .enumerate()
        .skip(start)
        .take_while(|(_, l)| l.starts_with(' ') || l.starts_with('-') || l.trim().is_empty())
        .filter(|(_, l)| l.trim_start().starts_with("- "))
        .map(|(i, _)| i + 1 + section.front_offset)
        .collect();
    items.get(index).copied().or(Some(key_line))
}

/// One question of a quiz.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    question: String,
    options: Vec<String>,
    answer: String,
    #[serde(default)]
    explanation: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct RawQuiz {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_points")]
    points: u32,
    questions: Vec<RawQuestion>,
}

fn default_points() -> u32 {
    5
}

/// A knowledge quiz, from `data/<name>.yaml`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Quiz {
    /// Title.
    pub title: String,
    /// Introduction.
    pub description: String,
    /// Points per question.
    pub points: u32,
    /// Total points.
    pub total: u32,
    /// The questions.
    pub questions: Vec<Question>,
}

/// One question, with its options lettered A, B, C…
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Question {
    /// 1-based number.
    pub number: usize,
    /// The question.
    pub question: String,
    /// Options with their letters.
    pub options: Vec<QuizOption>,
    /// The right option's letter.
    pub answer: String,
    /// Why it is right.
    pub explanation: String,
}

/// An option of a question.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct QuizOption {
    /// A, B, C…
    pub letter: String,
    /// The option's text.
    pub text: String,
    /// True for the right answer.
    pub correct: bool,
}

impl Quiz {
    /// Reads a quiz from a data file's value. Every bad question is reported, each
    /// at its line of `file`.
    pub fn read(
        value: &Value,
        file: &std::path::Path,
        text: &str,
    ) -> Result<Quiz, Vec<Diagnostic>> {
        let raw: RawQuiz = serde_json::from_value(value.clone()).map_err(|e| {
            vec![Diagnostic::error(format!("quiz: {}", e.to_string().replace("field", "key")))
                .in_file(file)
                .with_help("a quiz has `title`, optional `description` and `points`, and `questions`, each with `question`, `options`, `answer` (a letter) and `explanation`")]
        })?;
        if raw.questions.is_empty() {
            return Err(vec![Diagnostic::error("the quiz has no questions")
                .in_file(file)
                .at_opt(crate::yaml::key_line(text, "questions"), None)
                .with_help("add questions, each with `question`, `options`, `answer` and `explanation`")]);
        }
        let mut questions = Vec::with_capacity(raw.questions.len());
        let mut errors = Vec::new();
        for (i, q) in raw.questions.into_iter().enumerate() {
            match Question::new(i + 1, q) {
                Ok(question) => questions.push(question),
                Err((message, help)) => {
                    let line = text
                        .match_indices("question:")
                        .nth(i)
                        .map(|(at, _)| text[..at].matches('\n').count() + 1);
                    errors.push(
                        Diagnostic::error(format!("quiz question {}: {message}", i + 1))
                            .in_file(file)
                            .at_opt(line, None)
                            .with_help(help),
                    );
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Quiz {
            title: raw.title,
            description: raw.description,
            points: raw.points,
            total: raw.points * questions.len() as u32,
            questions,
        })
    }
}

impl Question {
    /// The `number`th question, or what is wrong with it and how to fix it.
    fn new(number: usize, q: RawQuestion) -> Result<Question, (String, &'static str)> {
        let count = q.options.len();
        if count < 2 {
            return Err((
                format!(
                    "it has {count} option{}; a question needs at least two",
                    if count == 1 { "" } else { "s" }
                ),
                "list the choices under `options:`, one per line starting with `- `",
            ));
        }
        if count > 26 {
            return Err((
                format!("it has {count} options; options are lettered A to Z, so 26 at most"),
                "split the question, or drop options",
            ));
        }
        let letters: Vec<String> = (0..count)
            .map(|k| char::from(b'A' + k as u8).to_string())
            .collect();
        let answer = q.answer.trim().to_uppercase();
        if !letters.contains(&answer) {
            return Err((
                format!(
                    "`answer: {}` must be the letter of one of its {count} options (A to {})",
                    q.answer,
                    letters[count - 1]
                ),
                "write the right option's letter: A for the first, B for the second…",
            ));
        }
        let options = q
            .options
            .into_iter()
            .zip(&letters)
            .map(|(text, letter)| QuizOption {
                correct: *letter == answer,
                letter: letter.clone(),
                text,
            })
            .collect();
        Ok(Question {
            number,
            question: q.question,
            options,
            answer,
            explanation: q.explanation,
        })
    }
}

/// `1.2 MB`, `356 KB`, `512 B`: a file size as readers read it.
pub fn human_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KB * KB {
        format!("{:.1} MB", b / KB / KB)
    } else if b >= KB {
        format!("{:.0} KB", (b / KB).max(1.0))
    } else {
        format!("{bytes} B")
    }
}

#[cfg(test)]
mod tests;
