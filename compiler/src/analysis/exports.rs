//! What the language server takes from the layers below as they are: the queries and types of
//! syntax, checking, lowering, diagnostics and the model that an editor feature reads directly.
//! The editor names the compiler only through `analysis` and `db` (the layering test checks it),
//! so this list is the whole of what it depends on below the editor queries.

pub use crate::build::project_diagnostics;
pub use crate::diagnostics::{Code, Diagnostic, Redaction, Severity, SourceLookup, redact_all};
pub use crate::loader;
pub use crate::lower::lower_workload_decl;
pub use crate::model::spec::{Layer, Origin, Protocol};
pub use crate::semantic::decls::{DeclContent, DeclId, check_decl, decl_syntax};
pub use crate::semantic::envs::EnvKey;
pub use crate::semantic::imports::files_by_path;
pub use crate::semantic::policy::property::{PROPERTIES, Property};
pub use crate::semantic::rules::lookup_decl;
pub use crate::semantic::scope::file_scope;
pub use crate::semantic::structure::project_structure;
pub use crate::stdlib::MODULES as STDLIB_MODULES;
pub use crate::syntax::parse;
pub use crate::types::image::ImageRef;
