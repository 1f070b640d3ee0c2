//! The language reference documents every field the checker accepts and every property rules can
//! test.

use k8sc_compiler::model::schema;
use k8sc_compiler::semantic::policy::property::{DERIVED, PROPERTIES};

const REFERENCE: &str = include_str!("../../../docs/language.md");

#[test]
fn language_reference_documents_every_field() {
    let tables = [
        schema::WORKLOAD_FIELDS,
        schema::APP_FIELDS,
        schema::PROBE_FIELDS,
        schema::PROBE_OPTION_FIELDS,
        schema::STORAGE_FIELDS,
        schema::ROUTE_FIELDS,
        schema::INGRESS_FIELDS,
        schema::DISRUPTION_FIELDS,
        schema::AUTOSCALE_FIELDS,
        schema::GATEWAY_FIELDS,
        schema::TIER_FIELDS,
        schema::TIER_NAMESPACE_FIELDS,
        schema::POLICY_FIELDS,
        schema::QUOTA_FIELDS,
        schema::LIMIT_RANGE_FIELDS,
        schema::GITOPS_FIELDS,
        schema::SYNC_FIELDS,
        schema::MESH_FIELDS,
        schema::EXTERNAL_FIELDS,
        schema::CALL_FIELDS,
        schema::TRAFFIC_FIELDS,
        schema::RETRY_FIELDS,
        schema::BREAKER_FIELDS,
        schema::POOL_FIELDS,
        schema::CANARY_FIELDS,
        schema::FAULT_FIELDS,
    ];
    for table in tables {
        for field in table {
            assert!(
                REFERENCE.contains(&format!("`{}`", field.name)),
                "docs/language.md does not mention `{}`",
                field.name
            );
        }
    }
}

#[test]
fn language_reference_documents_every_property() {
    let names = PROPERTIES
        .iter()
        .map(|p| p.name)
        .chain(DERIVED.iter().map(|(name, _)| *name));
    for name in names {
        assert!(
            REFERENCE.contains(&format!("| `{name}` |")),
            "the property table of docs/language.md (section Rules) has no row for `{name}`"
        );
    }
}
