//! Content: finding the files of `content/`, reading their front matter, and
//! organising pages and sections into a [`Library`].

pub mod date;
pub mod front_matter;
pub mod library;
pub mod page;
pub mod section;
pub mod slug;
pub mod walk;
pub mod week;

pub use library::{Item, Library};
pub use page::{Page, PageId, PageMeta};
pub use section::{Section, SectionId, SectionKind};
pub use walk::SourceFile;
