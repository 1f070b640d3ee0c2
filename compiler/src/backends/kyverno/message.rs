//! A rule's message in Kyverno's terms: `{property}` placeholders become Kyverno variables that
//! resolve on the resource being checked (or an ellipsis where no variable does), and no other
//! brace is left for Kyverno to misread.

use super::keys;
use super::targets::Scope;
use crate::ir::policy::Property;

/// What a placeholder stands for in a rule checked in `scope`: a `{{ }}` variable valid at the
/// rule's level, or, where no variable reads the property, an ellipsis — never words, which a
/// message that names the property itself would repeat ("memory limit the memory limit").
fn replacement(property: Property, scope: Scope) -> String {
    let variable = |expr: &str| format!("{{{{ {expr} }}}}");
    let containers = |field: &str| {
        let lists = keys::container_lists(property);
        if let Scope::PodSpec(pod) = scope {
            variable(&format!("join(', ', {}.{field})", lists.each(pod)))
        } else {
            placeholder(property)
        }
    };
    match (property, scope) {
        (Property::Image, Scope::PodSpec(_)) => containers("image"),
        (Property::CpuRequest, Scope::PodSpec(_)) => containers("resources.requests.cpu"),
        (Property::CpuLimit, Scope::PodSpec(_)) => containers("resources.limits.cpu"),
        (Property::MemoryRequest, Scope::PodSpec(_)) => containers("resources.requests.memory"),
        (Property::MemoryLimit, Scope::PodSpec(_)) => containers("resources.limits.memory"),
        (Property::Kind, Scope::PodSpec(_) | Scope::Controller) => variable("request.object.kind"),
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
        _ => placeholder(property),
    }
}

/// A property no variable reads: an ellipsis, which reads as "some value" in any sentence (the
/// property's words or name would repeat what the message says around it).
fn placeholder(_property: Property) -> String {
    "…".to_string()
}

/// The message of a rule checked in `scope`. On an `HTTPRoute` it says what admission can see
/// of the route: whether it names a listener, not the listener's protocol.
pub fn render(template: &str, scope: Scope) -> String {
    let message = fill(template, |property| replacement(property, scope));
    match scope {
        Scope::HttpRoute => format!(
            "{message} (admission checks that every parentRef names a listener, `sectionName`; that the listener is HTTPS was checked by k8sc at compile time)"
        ),
        _ => message,
    }
}

/// The message for annotations (which Kyverno does not substitute): placeholders as ellipses.
pub fn describe(template: &str) -> String {
    fill(template, placeholder)
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
    use crate::ir::policy::PROPERTIES;

    const POD: Scope = Scope::PodSpec("request.object.spec.template.spec");

    #[test]
    fn placeholders_become_variables_or_names() {
        assert_eq!(
            render("image {image} is not pinned", POD),
            "image {{ join(', ', request.object.spec.template.spec.[containers, initContainers, ephemeralContainers][].image) }} is not pinned"
        );
        assert_eq!(render("{probes.ready} missing", POD), "… missing");
        assert_eq!(
            render("at least 2, not {replicas.min}", Scope::Autoscaler),
            "at least 2, not {{ request.object.spec.minReplicas || `1` }}"
        );
        assert_eq!(
            describe("Services must not be of type {service.type}"),
            "Services must not be of type …"
        );
    }

    #[test]
    fn stray_braces_are_neutralised() {
        let out = render("a {{odd}} {unknown} }", Scope::Service);
        assert!(!out.contains('{') && !out.contains('}'), "{out}");
    }

    /// How a person names a property in a message, before its placeholder ("memory limit
    /// {memory.limit} is above 2Gi").
    fn phrase(property: Property) -> &'static str {
        match property {
            Property::Image => "image",
            Property::ImageRegistry => "registry",
            Property::ImageRepository => "repository",
            Property::ImageTag => "tag",
            Property::ImageDigest => "digest",
            Property::ReplicasMin => "minimum replica count",
            Property::ReplicasMax => "maximum replica count",
            Property::CpuRequest => "CPU request",
            Property::CpuLimit => "CPU limit",
            Property::MemoryRequest => "memory request",
            Property::MemoryLimit => "memory limit",
            Property::ProbesReady => "readiness probe",
            Property::ProbesLive => "liveness probe",
            Property::ProbesStartup => "startup probe",
            Property::Labels => "labels",
            Property::Ports => "container ports",
            Property::Kind => "kind",
            Property::NonRoot => "runAsNonRoot",
            Property::Privileged => "privileged",
            Property::PrivilegeEscalation => "allowPrivilegeEscalation",
            Property::ReadOnlyRoot => "readOnlyRootFilesystem",
            Property::HostNetwork => "hostNetwork",
            Property::HostPid => "hostPID",
            Property::HostIpc => "hostIPC",
            Property::ServiceType => "Service type",
            Property::TrafficFault => "fault injection",
            Property::ExposeTls => "TLS",
        }
    }

    /// The text a reader sees: `{{ }}` variables are replaced by Kyverno with values, so they are
    /// left out; then the words, lowercased.
    fn words_read(text: &str) -> Vec<String> {
        let mut visible = String::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            visible.push_str(&rest[..open]);
            visible.push_str(" VALUE ");
            rest = rest[open..]
                .find("}}")
                .map_or("", |close| &rest[open + close + 2..]);
        }
        visible.push_str(rest);
        visible
            .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '_'))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    }

    /// A phrase of one or two words said twice within a few words ("memory limit the memory
    /// limit", "of type the Service type"), or a word doubled ("the the").
    fn garbled(text: &str) -> Option<String> {
        let words = words_read(text);
        for (i, w) in words.iter().enumerate() {
            if words.get(i + 1) == Some(w) {
                return Some(format!("`{w} {w}`"));
            }
            let pair = words.get(i..i + 2);
            for j in i + 2..(i + 5).min(words.len().saturating_sub(1)) {
                if pair.is_some() && words.get(j..j + 2) == pair {
                    return Some(format!("`{}` twice", pair.unwrap_or_default().join(" ")));
                }
            }
        }
        for (i, w) in words.iter().enumerate() {
            if w.len() > 3 && w != "value" && words[i + 1..(i + 4).min(words.len())].contains(w) {
                return Some(format!("`{w}` twice"));
            }
        }
        None
    }

    #[test]
    fn the_checker_of_garbled_messages_sees_the_reported_ones() {
        assert!(garbled("Services must not be of type the Service type: expose them").is_some());
        assert!(garbled("memory limit the memory limit is above 2Gi").is_some());
        assert!(garbled("the the image").is_some());
        assert!(garbled("image {{ x }} is not pinned").is_none());
    }

    /// Every message k8sc writes into a policy — the rule's (every property in every kind of
    /// resource that could check it) and the description annotation — named the natural way, the
    /// property's own words before its placeholder, with every test a rule can make on it, reads
    /// without a doubled phrase.
    #[test]
    fn no_message_repeats_the_words_of_its_placeholder() {
        let scopes = [
            POD,
            Scope::PodSpec("request.object.spec"),
            Scope::PodSpec("request.object.spec.jobTemplate.spec.template.spec"),
            Scope::Controller,
            Scope::Autoscaler,
            Scope::Service,
            Scope::VirtualService,
        ];
        let mut failures = Vec::new();
        for info in PROPERTIES {
            let (name, words) = (info.name, phrase(info.property));
            let templates = [
                format!("{words} {{{name}}} is not allowed"),
                format!("the {words} {{{name}}} is above the limit"),
                format!("{words} must not be {{{name}}}: fix the {words}"),
                format!("workloads of {words} {{{name}}} always need some other {words}"),
                format!("{{{name}}}: {words} not set"),
            ];
            for template in &templates {
                let mut outputs = vec![describe(template)];
                outputs.extend(scopes.iter().map(|scope| render(template, *scope)));
                for out in outputs {
                    if let Some(why) = garbled(&out) {
                        failures.push(format!("{template:?} -> {out:?}: {why}"));
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "garbled messages:\n{}",
            failures.join("\n")
        );
    }
}
