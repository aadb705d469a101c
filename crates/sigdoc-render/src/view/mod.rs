//! Typed views: the only data a house template reads, each presentation fact computed once.

pub mod prose;
