//! The language reference documents every field the checker accepts.

use k8sc_compiler::semantic::schema;

#[test]
fn language_reference_documents_every_field() {
    let reference = include_str!("../../docs/language.md");
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
    ];
    for table in tables {
        for field in table {
            assert!(
                reference.contains(&format!("`{}`", field.name)),
                "docs/language.md does not mention `{}`",
                field.name
            );
        }
    }
}
