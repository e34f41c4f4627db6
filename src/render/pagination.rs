//! Splitting lists into pages: the first at the list's own URL, the others at
//! `page/N/` below it.

use serde::Serialize;

use super::views::{PageView, Views};
use crate::content::PageId;

/// Number of pages a list of `total` items fills, at least one (an empty list still
/// has its page).
pub fn page_count(total: usize, per_page: usize) -> usize {
    total.div_ceil(per_page.max(1)).max(1)
}

/// Site path of page `number` (1-based) of the list at `base`.
pub fn pager_path(base: &str, number: usize) -> String {
    if number <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{number}/")
    }
}

/// Pager links shown on each side of the current page.
const PAGER_WINDOW: usize = 2;

/// One link of the pager.
#[derive(Debug, Clone, Serialize)]
pub struct PagerLink {
    /// 1-based page number.
    pub index: usize,
    /// Root-relative URL.
    pub url: String,
    /// True for the page being rendered.
    pub current: bool,
    /// True when page numbers were skipped between the link before and this one.
    pub gap: bool,
}

/// The page numbers worth a link from page `number` of `count`: the first, the last,
/// and [`PAGER_WINDOW`] either side of the current one. A bounded window keeps each
/// list page's work constant, where links to every page would make a 30,000-article
/// archive quadratic.
fn pager_numbers(number: usize, count: usize) -> Vec<usize> {
    let low = number.saturating_sub(PAGER_WINDOW).max(1);
    let high = (number + PAGER_WINDOW).min(count);
    let mut numbers = Vec::with_capacity(2 * PAGER_WINDOW + 3);
    if low > 1 {
        numbers.push(1);
    }
    numbers.extend(low..=high);
    if high < count {
        numbers.push(count);
    }
    numbers
}

/// The `paginator` templates get on list pages.
#[derive(Debug, Clone, Serialize)]
pub struct PaginatorView<'a> {
    /// The items of this page.
    pub pages: Vec<PageView<'a>>,
    /// 1-based number of this page.
    pub current_index: usize,
    /// How many pages the list has.
    pub number_pagers: usize,
    /// How many items the whole list has.
    pub total: usize,
    /// Items per page.
    pub paginate_by: usize,
    /// URL of the first page.
    pub first: String,
    /// URL of the last page.
    pub last: String,
    /// URL of the previous page.
    pub previous: Option<String>,
    /// URL of the next page.
    pub next: Option<String>,
    /// The numbered links to show: the first page, the last, and two either side of
    /// the current one, in order.
    pub pagers: Vec<PagerLink>,
}

/// The paginator for page `number` (1-based) of `items`, listed at site path `base`.
pub fn paginate<'a>(
    views: &Views<'a>,
    base: &str,
    items: &[PageId],
    per_page: usize,
    number: usize,
) -> PaginatorView<'a> {
    let per_page = per_page.max(1);
    let count = page_count(items.len(), per_page);
    let start = ((number - 1) * per_page).min(items.len());
    let end = (start + per_page).min(items.len());
    let url = |n: usize| views.href(&pager_path(base, n));
    PaginatorView {
        pages: views.cards(&items[start..end]),
        current_index: number,
        number_pagers: count,
        total: items.len(),
        paginate_by: per_page,
        first: url(1),
        last: url(count),
        previous: (number > 1).then(|| url(number - 1)),
        next: (number < count).then(|| url(number + 1)),
        pagers: {
            let numbers = pager_numbers(number, count);
            let mut before = 0;
            numbers
                .into_iter()
                .map(|n| {
                    let link = PagerLink {
                        index: n,
                        url: url(n),
                        current: n == number,
                        gap: n > before + 1,
                    };
                    before = n;
                    link
                })
                .collect()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_paths() {
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(20, 20), 1);
        assert_eq!(page_count(21, 20), 2);
        assert_eq!(pager_path("articles/", 1), "articles/");
        assert_eq!(pager_path("articles/", 3), "articles/page/3/");
        assert_eq!(pager_path("", 2), "page/2/");
    }

    #[test]
    fn pager_links_are_a_window_with_first_and_last() {
        assert_eq!(pager_numbers(1, 1), [1]);
        assert_eq!(pager_numbers(1, 3), [1, 2, 3]);
        assert_eq!(pager_numbers(1, 1500), [1, 2, 3, 1500]);
        assert_eq!(pager_numbers(4, 1500), [1, 2, 3, 4, 5, 6, 1500]);
        assert_eq!(pager_numbers(750, 1500), [1, 748, 749, 750, 751, 752, 1500]);
        assert_eq!(pager_numbers(1500, 1500), [1, 1498, 1499, 1500]);
    }
}
