//! The standard library, written in `.k8s` and embedded in the binary.
//!
//! `import std.tiers.production` resolves to the module `std/tiers.k8s`; the files live in the
//! repository's `stdlib/` folder so they can be read and reviewed like any user code.

/// One embedded module.
#[derive(Debug, Clone, Copy)]
pub struct StdModule {
    /// The dotted module name used in imports, without the `std.` prefix (`tiers`).
    pub name: &'static str,
    /// The path diagnostics show (`std/tiers.k8s`).
    pub path: &'static str,
    /// The module's source.
    pub text: &'static str,
}

/// Every module of the standard library.
pub const MODULES: &[StdModule] = &[
    StdModule {
        name: "policies",
        path: "std/policies.k8s",
        text: include_str!("../../stdlib/policies.k8s"),
    },
    StdModule {
        name: "tiers",
        path: "std/tiers.k8s",
        text: include_str!("../../stdlib/tiers.k8s"),
    },
];

/// The module with this dotted name (`tiers`), if the standard library has one.
pub fn module(name: &str) -> Option<&'static StdModule> {
    MODULES.iter().find(|m| m.name == name)
}
