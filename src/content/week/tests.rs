use std::path::{Path, PathBuf};

use super::*;
use crate::content::date::parse_offset;
use crate::content::walk::SourceFile;

fn section(front: &str) -> Section {
    let file = SourceFile {
        path: PathBuf::from("content/security-week/2026/_index.md"),
        rel: "security-week/2026/_index.md".into(),
    };
    Section::parse(file, &format!("---\ntitle: 2026年宣传周\n{front}---\n")).unwrap()
}

fn zone() -> FixedOffset {
    parse_offset("+08:00").unwrap()
}

#[test]
fn reads_a_full_week() {
    let s = section(
        "slogan: 网络安全为人民\nstarts: 2026-09-14\nends: 2026-09-20\ntopic: week\n\
         schedule:\n  - { date: 2026-09-16, name: 电信日 }\n  - { date: 2026-09-15, name: 校园日, description: 进校园 }\n\
         events:\n  - { title: 讲座, time: \"2026-09-15 09:00\", place: 礼堂, organiser: 网信办 }\n\
         materials:\n  - { title: 海报, file: /downloads/a.pdf }\n\
         gallery:\n  - { image: /images/p.png, title: 校园日海报 }\n\
         quiz: quiz-2026\n",
    );
    let week = Week::read(&s, 2026, zone()).unwrap();
    assert_eq!(week.schedule[0].name, "校园日");
    assert_eq!(
        week.events[0].time.to_rfc3339(),
        "2026-09-15T09:00:00+08:00"
    );
    assert!(week.events[0].has_time);
    assert_eq!(week.materials[0].file, "/downloads/a.pdf");
    assert_eq!(week.quiz.as_deref(), Some("quiz-2026"));
    assert_eq!(week.topic.as_deref(), Some("week"));
}

#[test]
fn bad_items_name_their_line() {
    let s = section(
        "starts: 2026-09-14\nends: 2026-09-20\nevents:\n  - { title: a, time: 2026-09-15, place: b }\n  - { title: c, place: d }\n",
    );
    let errs = Week::read(&s, 2026, zone()).unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].line, Some(7));
    assert!(
        errs[0]
            .message
            .contains("`events` item 2: missing key `time`"),
        "{}",
        errs[0].message
    );
}

#[test]
fn dates_are_required_and_ordered() {
    let errs = Week::read(&section("starts: 2026-09-20\n"), 2026, zone()).unwrap_err();
    assert!(errs[0].message.contains("no `ends`"));
    let errs = Week::read(
        &section("starts: 2026-09-20\nends: 2026-09-14\n"),
        2026,
        zone(),
    )
    .unwrap_err();
    assert!(
        errs[0]
            .message
            .contains("ends (2026-09-14) before it starts")
    );
}

#[test]
fn quiz_letters_and_totals() {
    let text = "title: 竞答\nquestions:\n  - question: 一\n    options: [甲, 乙]\n    answer: b\n  - question: 二\n    options: [甲, 乙, 丙]\n    answer: A\n";
    let value = crate::yaml::parse_value(text).unwrap();
    let quiz = Quiz::read(&value, Path::new("data/q.yaml"), text).unwrap();
    assert_eq!(quiz.total, 10);
    assert_eq!(quiz.questions[0].answer, "B");
    assert!(quiz.questions[0].options[1].correct);
    let bad = text.replace("answer: A", "answer: E");
    let value = crate::yaml::parse_value(&bad).unwrap();
    let err = Quiz::read(&value, Path::new("data/q.yaml"), &bad).unwrap_err();
    assert_eq!(err.len(), 1);
    assert_eq!(err[0].line, Some(6));
    assert!(err[0].message.contains("question 2"));
}

#[test]
fn every_bad_question_is_reported_and_one_option_is_not_enough() {
    let text = "title: 竞答\nquestions:\n  - question: 一\n    options: [甲]\n    answer: A\n  - question: 二\n    options: [甲, 乙]\n    answer: A\n  - question: 三\n    options: [甲, 乙]\n    answer: C\n";
    let value = crate::yaml::parse_value(text).unwrap();
    let errors = Quiz::read(&value, Path::new("data/q.yaml"), text).unwrap_err();
    let found: Vec<(Option<usize>, &str)> = errors
        .iter()
        .map(|d| (d.line, d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                Some(3),
                "quiz question 1: it has 1 option; a question needs at least two"
            ),
            (
                Some(9),
                "quiz question 3: `answer: C` must be the letter of one of its 2 options (A to B)"
            ),
        ]
    );
}

#[test]
fn a_quiz_without_questions_is_an_error() {
    let text = "title: 竞答\nquestions: []\n";
    let value = crate::yaml::parse_value(text).unwrap();
    let errors = Quiz::read(&value, Path::new("data/q.yaml"), text).unwrap_err();
    assert_eq!(errors[0].message, "the quiz has no questions");
    assert_eq!(errors[0].line, Some(2));
}

#[test]
fn sizes_read_naturally() {
    assert_eq!(human_size(512), "512 B");
    assert_eq!(human_size(356 * 1024), "356 KB");
    assert_eq!(human_size(1_258_291), "1.2 MB");
}
