//! Value types with rules of their own: quantities with units, image references, cron schedules
//! and Kubernetes names. Pure functions, no knowledge of the AST or of diagnostics.

pub mod cron;
pub mod image;
pub mod names;
pub mod quantity;
#[cfg(test)]
mod test_support;
