//! Template filters that need nothing but their input: `date_cn` and `reading_time`.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Timelike};
use tera::{Tera, Value};

use crate::content::date::date_cn;
use crate::markdown::text::TextStats;

/// Registers the filters on a Tera instance.
pub fn register(tera: &mut Tera) {
    tera.register_filter("date_cn", date_cn_filter);
    tera.register_filter("reading_time", reading_time_filter);
}

/// `{{ page.date | date_cn }}` → `2019年9月16日`; `time=true` adds the time of day.
fn date_cn_filter(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let text = value.as_str().ok_or_else(|| {
        tera::Error::msg(format!(
            "date_cn needs a date text such as \"2019-09-16\", got {value}"
        ))
    })?;
    let with_time = args.get("time").and_then(Value::as_bool).unwrap_or(false);
    if let Ok(full) = DateTime::parse_from_rfc3339(text) {
        let mut out = date_cn(full.date_naive());
        if with_time {
            out.push_str(&format!(" {:02}:{:02}", full.hour(), full.minute()));
        }
        return Ok(Value::String(out));
    }
    let date = NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d")
        .map_err(|_| tera::Error::msg(format!("date_cn cannot read the date \"{text}\"")))?;
    Ok(Value::String(date_cn(date)))
}

/// `{{ text | reading_time }}` → minutes to read (tags are not counted).
fn reading_time_filter(value: &Value, _args: &HashMap<String, Value>) -> tera::Result<Value> {
    let text = value
        .as_str()
        .ok_or_else(|| tera::Error::msg("reading_time needs a text"))?;
    Ok(Value::from(
        TextStats::of(&strip_tags(text)).reading_minutes(),
    ))
}

/// The text of an HTML fragment without its tags.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(
        f: fn(&Value, &HashMap<String, Value>) -> tera::Result<Value>,
        v: Value,
        args: &[(&str, Value)],
    ) -> tera::Result<Value> {
        let args = args
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect();
        f(&v, &args)
    }

    #[test]
    fn date_cn_reads_both_forms() {
        assert_eq!(
            call(date_cn_filter, "2019-09-16".into(), &[]).unwrap(),
            "2019年9月16日"
        );
        assert_eq!(
            call(date_cn_filter, "2019-09-16T08:05:00+08:00".into(), &[]).unwrap(),
            "2019年9月16日"
        );
        assert_eq!(
            call(
                date_cn_filter,
                "2019-09-16T08:05:00+08:00".into(),
                &[("time", true.into())]
            )
            .unwrap(),
            "2019年9月16日 08:05"
        );
        assert!(call(date_cn_filter, "soon".into(), &[]).is_err());
        assert!(call(date_cn_filter, 3.into(), &[]).is_err());
    }

    #[test]
    fn reading_time_ignores_tags() {
        let html = format!("<p class=\"aaaaaaaaa\">{}</p>", "字".repeat(800));
        assert_eq!(call(reading_time_filter, html.into(), &[]).unwrap(), 2);
    }
}
