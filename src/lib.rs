//! Herald: a static-site generator for publicity-campaign portals.
//!
//! The pipeline follows the modules: [`config`] and [`content`] load a site folder,
//! [`markdown`] renders bodies, [`render`] fills templates, [`output`] writes the
//! result atomically. [`site`] ties them together; [`cli`] is the command line.

pub mod aliases;
pub mod assets;
pub mod cache_file;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod content;
pub mod error;
pub mod fs;
pub mod hash;
pub mod html;
pub mod images;
pub mod inputs;
pub mod inspect;
pub mod markdown;
pub mod output;
pub mod pause;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod theme;
pub mod timing;
pub mod yaml;

pub use error::{Diagnostic, Diagnostics, Severity};
pub use site::{LoadOptions, Site};
