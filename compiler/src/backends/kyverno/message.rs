//! A rule's message in Kyverno's terms: `{property}` placeholders become Kyverno variables that
//! resolve on the resource being checked (or plain words where no variable does), and no other
//! brace is left for Kyverno to misread.

use super::targets::Scope;
use crate::ir::policy::Property;

/// What a placeholder stands for in a rule checked in `scope`: a `{{ }}` variable valid at the
/// rule's level, or words.
fn replacement(property: Property, scope: Scope) -> String {
    let variable = |expr: &str| format!("{{{{ {expr} }}}}");
    match (property, scope) {
        (Property::Image, Scope::PodSpec(pod)) => {
            variable(&format!("join(', ', {pod}.containers[].image)"))
        }
        (Property::Kind, Scope::PodSpec(_)) => variable("request.object.kind"),
        (Property::ReplicasMin | Property::ReplicasMax, Scope::Controller) => {
            variable("request.object.spec.replicas || `1`")
        }
        (Property::ReplicasMin, Scope::Autoscaler) => {
            variable("request.object.spec.minReplicas || `1`")
        }
        (Property::ReplicasMax, Scope::Autoscaler) => {
            variable("request.object.spec.maxReplicas || `0`")
        }
        (Property::ServiceType, Scope::Service) => {
            variable("request.object.spec.type || 'ClusterIP'")
        }
        _ => words(property).to_string(),
    }
}

/// Plain words for a property.
fn words(property: Property) -> &'static str {
    match property {
        Property::Image => "the image",
        Property::ImageRegistry => "the image's registry",
        Property::ImageRepository => "the image's repository",
        Property::ImageTag => "the image's tag",
        Property::ImageDigest => "the image's digest",
        Property::ReplicasMin => "the minimum replica count",
        Property::ReplicasMax => "the maximum replica count",
        Property::CpuRequest => "the CPU request",
        Property::CpuLimit => "the CPU limit",
        Property::MemoryRequest => "the memory request",
        Property::MemoryLimit => "the memory limit",
        Property::ProbesReady => "the readiness probe",
        Property::ProbesLive => "the liveness probe",
        Property::ProbesStartup => "the startup probe",
        Property::Labels => "the labels",
        Property::Ports => "the container ports",
        Property::Kind => "the kind",
        Property::NonRoot => "runAsNonRoot",
        Property::Privileged => "privileged",
        Property::PrivilegeEscalation => "allowPrivilegeEscalation",
        Property::ReadOnlyRoot => "readOnlyRootFilesystem",
        Property::HostNetwork => "hostNetwork",
        Property::HostPid => "hostPID",
        Property::HostIpc => "hostIPC",
        Property::ServiceType => "the Service type",
        Property::TrafficFault => "fault injection",
    }
}

/// The message of a rule checked in `scope`.
pub fn render(template: &str, scope: Scope) -> String {
    fill(template, |property| replacement(property, scope))
}

/// The message in words only, for annotations (which Kyverno does not substitute).
pub fn describe(template: &str) -> String {
    fill(template, |property| words(property).to_string())
}

fn fill(template: &str, replacement: impl Fn(Property) -> String) -> String {
    // Braces that are not placeholders become parentheses: Kyverno reads `{{` as a variable.
    let plain = |text: &str| text.replace('{', "(").replace('}', ")");
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let placeholder = after.find('}').and_then(|close| {
            Property::from_name(after[..close].trim()).map(|property| (close, property))
        });
        match placeholder {
            Some((close, property)) => {
                out.push_str(&plain(&rest[..open]));
                out.push_str(&replacement(property));
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&plain(&rest[..=open]));
                rest = after;
            }
        }
    }
    out.push_str(&plain(rest));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_variables_or_words() {
        let pod = Scope::PodSpec("request.object.spec.template.spec");
        assert_eq!(
            render("image {image} is not pinned", pod),
            "image {{ join(', ', request.object.spec.template.spec.containers[].image) }} is not pinned"
        );
        assert_eq!(
            render("{cpu.request} too low", pod),
            "the CPU request too low"
        );
        assert_eq!(
            render("at least 2, not {replicas.min}", Scope::Autoscaler),
            "at least 2, not {{ request.object.spec.minReplicas || `1` }}"
        );
    }

    #[test]
    fn stray_braces_are_neutralised() {
        let out = render("a {{odd}} {unknown} }", Scope::Service);
        assert!(!out.contains('{') && !out.contains('}'), "{out}");
    }
}
