//! How the editor shows a workload field's built-in default — the value k8sc fills in when no
//! layer sets it — as it would be written (`cpu: 100m`), from the workload's IR: the `builtin`
//! part of each entry of the field registry ([`crate::model::fields`]).

use crate::db::{Db, Project};
use crate::ir::WorkloadIr;
use crate::lower::lower_workload_decl;
use crate::model::spec::Replicas;
use crate::semantic::decls::DeclId;
use crate::semantic::envs::EnvKey;
use crate::types::quantity::{format_bytes, format_cpu};

/// Generates [`builtin_text`] from the registry.
macro_rules! define_builtin_text {
    ($(
        $(#[doc = $doc:literal])*
        $field:ident : $ty:ty, kinds: $kinds:expr, defaults: $defaults:expr,
        builtin: |$ir:ident| $builtin:expr, {
            $(
                $key:ident {
                    syntax: $syntax:expr,
                    summary: $summary:expr,
                    block: $block:literal,
                    value: $value:expr,
                    read: |$ctx:ident, $f:ident| $read:expr
                }
            )+
        }
    )*) => {
        /// The built-in default of the field written `key`, as it would be written, from the
        /// workload's IR; `None` where the field has none (or `key` is no workload field).
        pub fn builtin_text(ir: &WorkloadIr, key: &str) -> Option<String> {
            match key {
                $( $( stringify!($key) )|+ => {
                    let $ir = ir;
                    $builtin
                } )*
                _ => None,
            }
        }
    };
}

crate::model::fields::workload_fields!(define_builtin_text);

/// The built-in default of the field written `key` for workload `decl` in environment `env`.
pub fn builtin_default<'db>(
    db: &'db dyn Db,
    project: Project,
    decl: DeclId<'db>,
    env: EnvKey<'db>,
    key: &str,
) -> Option<String> {
    let ir = lower_workload_decl(db, project, decl, env).ir.as_ref()?;
    builtin_text(ir, key)
}
