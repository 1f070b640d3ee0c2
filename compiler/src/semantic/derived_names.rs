//! What a workload's name becomes in the output, and the longest name every one of those
//! accepts.
//!
//! A workload `NAME` is not only the name of its controller: it is a Service name (a DNS-1035
//! label), a container name and a label value (63 characters), and the prefix of names and label
//! values the cluster derives from it — `NAME-headless`, a StatefulSet's
//! `controller-revision-hash: NAME-HASH` on its pods, a CronJob's Jobs `NAME-TIME` and a Job's
//! pods' `job-name: NAME-HASH` label. The API server rejects the object (or the controller fails
//! to create its pods) when any of these breaks its rule, so the name is checked against all of
//! them at its declaration.

use crate::model::spec::WorkloadKind;
use crate::types::names::{self, NameRule, ValueError};

/// Where a derived name ends up, and so which rule it must follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// `metadata.name` of an object of this kind.
    Object(&'static str),
    /// A container's name (a DNS-1123 label).
    Container,
    /// A label value.
    LabelValue,
}

/// One name derived from a workload's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    /// The derived name (placeholders stand for hashes and times at their longest).
    pub name: String,
    /// Where it ends up.
    pub place: Place,
    /// What it is, for the diagnostic: "the Service `NAME-headless`".
    pub what: &'static str,
}

impl Place {
    /// The longest value the place accepts.
    fn max_len(self) -> usize {
        match self {
            Place::Object(kind) => NameRule::for_kind(kind).max_len(),
            Place::Container | Place::LabelValue => 63,
        }
    }

    fn validate(self, name: &str) -> Result<(), ValueError> {
        match self {
            Place::Object(kind) => NameRule::for_kind(kind).validate(name),
            Place::Container => names::validate_dns_label(name, 63),
            Place::LabelValue => names::validate_label_value(name),
        }
    }
}

/// Every name the output derives from the Kubernetes name `name` of a workload of `kind`.
pub fn workload_names(kind: WorkloadKind, name: &str) -> Vec<Derived> {
    let derived = |suffix: &str, place: Place, what: &'static str| Derived {
        name: format!("{name}{suffix}"),
        place,
        what,
    };
    let mut out = vec![
        derived("", Place::Object("ServiceAccount"), "its ServiceAccount"),
        derived("", Place::Container, "its container's name"),
        derived(
            "",
            Place::LabelValue,
            "the label `app.kubernetes.io/name` of its pods",
        ),
        derived(
            "-config-0123456789",
            Place::Object("ConfigMap"),
            "its ConfigMap `NAME-config-HASH`",
        ),
    ];
    // The names that depend on the kind: its controller's, its Services', its pods' labels.
    out.extend(kind.info().derived_names.iter().map(|d| {
        let place = d.object.map_or(Place::LabelValue, Place::Object);
        derived(d.suffix, place, d.what)
    }));
    out
}

/// The longest workload name of `kind` whose every derived name fits, and the derived name that
/// sets that limit.
pub fn longest_workload_name(kind: WorkloadKind) -> (usize, Derived) {
    let probe = "n";
    workload_names(kind, probe)
        .into_iter()
        .map(|d| {
            let suffix = d.name.len() - probe.len();
            (d.place.max_len().saturating_sub(suffix), d)
        })
        .min_by_key(|(max, _)| *max)
        .unwrap_or_else(|| {
            (
                63,
                Derived {
                    name: String::new(),
                    place: Place::LabelValue,
                    what: "",
                },
            )
        })
}

/// The first derived name of a workload that breaks its rule, with the error.
pub fn first_invalid(kind: WorkloadKind, name: &str) -> Option<(Derived, ValueError)> {
    workload_names(kind, name)
        .into_iter()
        .find_map(|d| d.place.validate(&d.name).err().map(|e| (d, e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_by_kind() {
        let max = |kind| longest_workload_name(kind).0;
        assert_eq!(max(WorkloadKind::Service), 63);
        assert_eq!(max(WorkloadKind::Worker), 63);
        assert_eq!(max(WorkloadKind::Daemon), 63);
        assert_eq!(max(WorkloadKind::Stateful), 52);
        assert_eq!(max(WorkloadKind::Job), 54);
        assert_eq!(max(WorkloadKind::Cron), 52);
    }

    #[test]
    fn every_derived_name_is_valid_at_the_limit_and_one_is_not_beyond() {
        for kind in [
            WorkloadKind::Service,
            WorkloadKind::Worker,
            WorkloadKind::Stateful,
            WorkloadKind::Job,
            WorkloadKind::Cron,
            WorkloadKind::Daemon,
        ] {
            let (max, limiting) = longest_workload_name(kind);
            assert_eq!(first_invalid(kind, &"a".repeat(max)), None, "{kind:?}");
            let (derived, _) = first_invalid(kind, &"a".repeat(max + 1)).expect("too long");
            assert!(derived.name.len() > derived.place.max_len(), "{kind:?}");
            assert_eq!(
                derived.name.len() - (max + 1),
                limiting.name.len() - 1,
                "{kind:?}"
            );
        }
        let (derived, _) = first_invalid(WorkloadKind::Service, "9lives").expect("invalid");
        assert_eq!(derived.place, Place::Object("Service"));
    }
}
