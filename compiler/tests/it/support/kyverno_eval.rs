//! A small evaluator of exactly the Kyverno subset k8sc emits, written for the tests: would
//! admission (a CREATE) deny this resource under this policy?
//!
//! It follows Kyverno's engine (pkg/engine, pkg/engine/variables/operator, pkg/utils/image):
//! `match`/`exclude` (kinds, namespaces, operations, names, label selector), rule
//! `preconditions`, `validate.deny` and `validate.foreach[].deny` with `all`/`any` conditions,
//! `{{ }}` substitution innermost first (so `images.containers."{{element.name}}".tag` works),
//! JMESPath through the `jmespath` crate, an `images` context built the way Kyverno builds it,
//! and the operators with Kyverno's coercions (durations, then quantities, then numbers for the
//! ordering operators; wildcards for `AnyIn`/`AnyNotIn`/`Equals`). Anything else is an error, so
//! a test notices when the backend starts emitting something this evaluator does not know.
//! Before evaluating, the API server's defaults that matter are applied (`spec.replicas: 1` on
//! Deployments and StatefulSets, `spec.minReplicas: 1` on HPAs): webhooks see defaulted objects.

use serde_json::{Map, Value, json};
use std::cmp::Ordering;

/// How the emulated Kyverno behaves where versions differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Kyverno 1.12 and later write `library/nginx` as the `path` of Docker Hub official
    /// images; older versions write `nginx`.
    pub library_prefix: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            library_prefix: true,
        }
    }
}

type Result<T> = std::result::Result<T, String>;

/// The names of the rules of `policy` that deny `resource` at admission.
pub fn denying_rules(policy: &Value, resource: &Value) -> Result<Vec<String>> {
    denying_rules_with(policy, resource, Options::default())
}

/// [`denying_rules`] with version-dependent behaviour chosen.
pub fn denying_rules_with(
    policy: &Value,
    resource: &Value,
    options: Options,
) -> Result<Vec<String>> {
    let resource = &defaulted(resource);
    match str_at(policy, "/kind") {
        Some("Policy") => {
            let ns = str_at(policy, "/metadata/namespace");
            if ns.is_none() || ns != str_at(resource, "/metadata/namespace") {
                return Ok(Vec::new());
            }
        }
        Some("ClusterPolicy") => {}
        other => return Err(format!("not a Kyverno policy: {other:?}")),
    }
    let rules = policy
        .pointer("/spec/rules")
        .and_then(Value::as_array)
        .ok_or("policy without spec.rules")?;
    let ctx = context(resource, options);
    let mut out = Vec::new();
    for rule in rules {
        let name = str_at(rule, "/name")
            .ok_or("rule without a name")?
            .to_string();
        if let Some(denied) =
            rule_denies(rule, resource, &ctx).map_err(|e| format!("rule {name}: {e}"))?
            && denied
        {
            out.push(name);
        }
    }
    Ok(out)
}

fn str_at<'v>(value: &'v Value, pointer: &str) -> Option<&'v str> {
    value.pointer(pointer).and_then(Value::as_str)
}

/// The object as an admission webhook sees it: with the API server's defaults applied.
fn defaulted(resource: &Value) -> Value {
    let mut out = resource.clone();
    let kind = str_at(resource, "/kind").unwrap_or_default().to_string();
    let default = |out: &mut Value, field: &str, value: Value| {
        if let Some(spec) = out.get_mut("spec").and_then(Value::as_object_mut) {
            spec.entry(field.to_string()).or_insert(value);
        }
    };
    match kind.as_str() {
        "Deployment" | "StatefulSet" => default(&mut out, "replicas", json!(1)),
        "HorizontalPodAutoscaler" => default(&mut out, "minReplicas", json!(1)),
        _ => {}
    }
    out
}

/// `Some(true)` when the rule matches and denies, `Some(false)` when it matches and passes,
/// `None` when it does not apply.
fn rule_denies(rule: &Value, resource: &Value, ctx: &Value) -> Result<Option<bool>> {
    let object = rule.as_object().ok_or("rule is not an object")?;
    for key in object.keys() {
        if !matches!(
            key.as_str(),
            "name" | "match" | "exclude" | "preconditions" | "validate"
        ) {
            return Err(format!("unsupported rule field `{key}`"));
        }
    }
    let matched = rule.get("match").ok_or("rule without match")?;
    if !selects(matched, resource)? {
        return Ok(None);
    }
    if let Some(exclude) = rule.get("exclude")
        && selects(exclude, resource)?
    {
        return Ok(None);
    }
    if let Some(pre) = rule.get("preconditions")
        && !conditions(pre, ctx)?
    {
        return Ok(None);
    }
    let validate = rule.get("validate").ok_or("rule without validate")?;
    for key in validate
        .as_object()
        .ok_or("validate is not an object")?
        .keys()
    {
        if !matches!(
            key.as_str(),
            "message" | "failureAction" | "deny" | "foreach"
        ) {
            return Err(format!("unsupported validate field `{key}`"));
        }
    }
    if let Some(deny) = validate.get("deny")
        && deny_holds(deny, ctx)?
    {
        return Ok(Some(true));
    }
    if let Some(foreach) = validate.get("foreach") {
        for each in foreach.as_array().ok_or("foreach is not a list")? {
            if foreach_denies(each, ctx)? {
                return Ok(Some(true));
            }
        }
    }
    Ok(Some(false))
}

fn deny_holds(deny: &Value, ctx: &Value) -> Result<bool> {
    match deny.get("conditions") {
        Some(c) => conditions(c, ctx),
        // `deny: {}` denies unconditionally.
        None => Ok(true),
    }
}

fn foreach_denies(each: &Value, ctx: &Value) -> Result<bool> {
    for key in each
        .as_object()
        .ok_or("foreach entry is not an object")?
        .keys()
    {
        if !matches!(key.as_str(), "list" | "deny" | "preconditions") {
            return Err(format!("unsupported foreach field `{key}`"));
        }
    }
    let list = str_at(each, "/list").ok_or("foreach without list")?;
    let elements = match search(list, ctx)? {
        Value::Array(items) => items,
        Value::Null => return Ok(false),
        other => return Err(format!("foreach list is not a list: {other}")),
    };
    for (index, element) in elements.into_iter().enumerate() {
        let mut scoped = ctx.clone();
        if let Some(map) = scoped.as_object_mut() {
            map.insert("element".to_string(), element);
            map.insert("elementIndex".to_string(), json!(index));
        }
        if let Some(pre) = each.get("preconditions")
            && !conditions(pre, &scoped)?
        {
            continue;
        }
        if let Some(deny) = each.get("deny")
            && deny_holds(deny, &scoped)?
        {
            return Ok(true);
        }
    }
    Ok(false)
}

// ---------------------------------------------------------------------------------------------
// match / exclude

fn selects(block: &Value, resource: &Value) -> Result<bool> {
    let object = block.as_object().ok_or("match/exclude is not an object")?;
    for key in object.keys() {
        if !matches!(key.as_str(), "any" | "all" | "resources") {
            return Err(format!("unsupported match/exclude field `{key}`"));
        }
    }
    if let Some(resources) = block.get("resources") {
        return describes(resources, resource);
    }
    if let Some(any) = block.get("any") {
        let filters = any.as_array().ok_or("any is not a list")?;
        let mut hit = false;
        for f in filters {
            hit |= filter(f, resource)?;
        }
        if !hit {
            return Ok(false);
        }
    }
    if let Some(all) = block.get("all") {
        for f in all.as_array().ok_or("all is not a list")? {
            if !filter(f, resource)? {
                return Ok(false);
            }
        }
    }
    Ok(block.get("any").is_some() || block.get("all").is_some())
}

fn filter(f: &Value, resource: &Value) -> Result<bool> {
    let object = f.as_object().ok_or("filter is not an object")?;
    for key in object.keys() {
        if key != "resources" {
            return Err(format!("unsupported filter field `{key}`"));
        }
    }
    describes(
        f.get("resources").ok_or("filter without resources")?,
        resource,
    )
}

fn describes(d: &Value, resource: &Value) -> Result<bool> {
    let name = str_at(resource, "/metadata/name").unwrap_or_default();
    let namespace = str_at(resource, "/metadata/namespace").unwrap_or_default();
    for (key, value) in d.as_object().ok_or("resources is not an object")? {
        let strings = || -> Result<Vec<&str>> {
            value
                .as_array()
                .ok_or(format!("{key} is not a list"))?
                .iter()
                .map(|v| v.as_str().ok_or(format!("{key} holds a non-string")))
                .collect()
        };
        let ok = match key.as_str() {
            "kinds" => strings()?.iter().any(|k| kind_matches(k, resource)),
            "namespaces" => strings()?.iter().any(|n| wildcard(n, namespace)),
            "names" => strings()?.iter().any(|n| wildcard(n, name)),
            "name" => value.as_str().is_some_and(|n| wildcard(n, name)),
            "operations" => strings()?.contains(&"CREATE"),
            "selector" => label_selector(value, resource.pointer("/metadata/labels"))?,
            other => return Err(format!("unsupported resource description field `{other}`")),
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

/// A `kinds` entry as Kyverno reads it: `Kind`, `version/Kind` or `group/version/Kind` (each
/// part a wildcard pattern), against the resource's `apiVersion` and `kind`.
fn kind_matches(pattern: &str, resource: &Value) -> bool {
    let kind = str_at(resource, "/kind").unwrap_or_default();
    let api_version = str_at(resource, "/apiVersion").unwrap_or_default();
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let parts: Vec<&str> = pattern.split('/').collect();
    match parts.as_slice() {
        [k] => wildcard(k, kind),
        [v, k] => wildcard(v, version) && wildcard(k, kind),
        [g, v, k] => wildcard(g, group) && wildcard(v, version) && wildcard(k, kind),
        _ => false,
    }
}

fn label_selector(selector: &Value, labels: Option<&Value>) -> Result<bool> {
    let label = |key: &str| labels.and_then(|l| l.get(key)).and_then(Value::as_str);
    if let Some(match_labels) = selector.get("matchLabels") {
        for (key, value) in match_labels.as_object().ok_or("matchLabels is not a map")? {
            if label(key) != value.as_str() {
                return Ok(false);
            }
        }
    }
    if let Some(expressions) = selector.get("matchExpressions") {
        for e in expressions
            .as_array()
            .ok_or("matchExpressions is not a list")?
        {
            let key = str_at(e, "/key").ok_or("expression without key")?;
            let values: Vec<&str> = e
                .get("values")
                .and_then(Value::as_array)
                .map(|v| v.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let ok = match str_at(e, "/operator") {
                Some("In") => label(key).is_some_and(|v| values.contains(&v)),
                Some("NotIn") => label(key).is_none_or(|v| !values.contains(&v)),
                Some("Exists") => label(key).is_some(),
                Some("DoesNotExist") => label(key).is_none(),
                other => return Err(format!("unsupported selector operator {other:?}")),
            };
            if !ok {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

// ---------------------------------------------------------------------------------------------
// context and variables

/// `request` and `images`, as Kyverno builds them for an admission request.
fn context(resource: &Value, options: Options) -> Value {
    let namespace = str_at(resource, "/metadata/namespace").unwrap_or_default();
    json!({
        "request": {
            "operation": "CREATE",
            "namespace": namespace,
            "object": resource,
        },
        "images": images(resource, options),
    })
}

/// Kyverno's `images` variable: per container list, container name → parsed image.
fn images(resource: &Value, options: Options) -> Value {
    let pod = match str_at(resource, "/kind") {
        Some("Pod") => resource.pointer("/spec"),
        Some("CronJob") => resource.pointer("/spec/jobTemplate/spec/template/spec"),
        Some("Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "ReplicaSet") => {
            resource.pointer("/spec/template/spec")
        }
        _ => None,
    };
    let mut out = Map::new();
    let Some(pod) = pod else {
        return Value::Object(out);
    };
    for list in ["containers", "initContainers", "ephemeralContainers"] {
        let mut infos = Map::new();
        for container in pod
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let (Some(name), Some(image)) = (
                container.get("name").and_then(Value::as_str),
                container.get("image").and_then(Value::as_str),
            ) && let Some(info) = image_info(image, options)
            {
                infos.insert(name.to_string(), info);
            }
        }
        if !infos.is_empty() {
            out.insert(list.to_string(), Value::Object(infos));
        }
    }
    Value::Object(out)
}

/// Kyverno's `GetImageInfo` with the default configuration (default registry `docker.io`,
/// registry mutation on).
pub fn image_info(image: &str, options: Options) -> Option<Value> {
    let first = image.split('/').next().unwrap_or_default();
    let full = if !image.contains('/')
        || (!first.contains(['.', ':']) && first != "localhost" && first.to_lowercase() == first)
    {
        format!("docker.io/{image}")
    } else {
        image.to_string()
    };
    let (name_tag, digest) = match full.split_once('@') {
        Some((n, d)) => (n, d.to_string()),
        None => (full.as_str(), String::new()),
    };
    let (name, mut tag) = match name_tag.rfind(':') {
        Some(colon) if !name_tag[colon + 1..].contains('/') => {
            (&name_tag[..colon], name_tag[colon + 1..].to_string())
        }
        _ => (name_tag, String::new()),
    };
    let (registry, mut path) = name.split_once('/').map(|(r, p)| (r, p.to_string()))?;
    if path.is_empty() {
        return None;
    }
    let short = path.rsplit('/').next().unwrap_or_default().to_string();
    if digest.is_empty() && tag.is_empty() {
        tag = "latest".to_string();
    }
    let reference_with_tag = format!("{registry}/{path}:{tag}");
    if options.library_prefix && !path.contains('/') {
        path = format!("library/{path}");
    }
    let reference = if digest.is_empty() {
        format!("{registry}/{path}:{tag}")
    } else {
        format!("{registry}/{path}@{digest}")
    };
    let mut info = Map::new();
    info.insert("registry".into(), json!(registry));
    info.insert("name".into(), json!(short));
    info.insert("path".into(), json!(path));
    if !tag.is_empty() {
        info.insert("tag".into(), json!(tag));
    }
    if !digest.is_empty() {
        info.insert("digest".into(), json!(digest));
    }
    info.insert("reference".into(), json!(reference));
    info.insert("referenceWithTag".into(), json!(reference_with_tag));
    Some(Value::Object(info))
}

/// Evaluates a JMESPath expression.
pub fn search(expr: &str, ctx: &Value) -> Result<Value> {
    let compiled = jmespath::compile(expr).map_err(|e| format!("JMESPath `{expr}`: {e}"))?;
    let result = compiled
        .search(ctx)
        .map_err(|e| format!("JMESPath `{expr}`: {e}"))?;
    serde_json::to_value(&*result).map_err(|e| e.to_string())
}

/// Substitutes `{{ }}` variables, innermost first. A text that is one variable becomes its
/// value (keeping its JSON type); otherwise values are spliced in as text. A variable that
/// resolves to `null` is an error, as in Kyverno.
pub fn substitute(text: &str, ctx: &Value) -> Result<Value> {
    let mut text = text.to_string();
    while let Some(close) = text.find("}}") {
        let Some(open) = text[..close].rfind("{{") else {
            break;
        };
        let expr = text[open + 2..close].trim();
        let value = search(expr, ctx)?;
        if value.is_null() {
            return Err(format!("variable `{expr}` resolves to null"));
        }
        if open == 0 && close + 2 == text.len() {
            return Ok(value);
        }
        let spliced = match value {
            Value::String(s) => s,
            other => other.to_string(),
        };
        text = format!("{}{spliced}{}", &text[..open], &text[close + 2..]);
    }
    Ok(Value::String(text))
}

fn substitute_value(value: &Value, ctx: &Value) -> Result<Value> {
    Ok(match value {
        Value::String(s) => substitute(s, ctx)?,
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| substitute_value(v, ctx))
                .collect::<Result<_>>()?,
        ),
        other => other.clone(),
    })
}

// ---------------------------------------------------------------------------------------------
// conditions and operators

/// `{all: [...], any: [...]}` (or a bare list, Kyverno's older form of `all`).
pub fn conditions(block: &Value, ctx: &Value) -> Result<bool> {
    if let Some(list) = block.as_array() {
        for c in list {
            if !condition(c, ctx)? {
                return Ok(false);
            }
        }
        return Ok(true);
    }
    let object = block.as_object().ok_or("conditions are not an object")?;
    for key in object.keys() {
        if !matches!(key.as_str(), "all" | "any") {
            return Err(format!("unsupported conditions field `{key}`"));
        }
    }
    if let Some(any) = block.get("any").and_then(Value::as_array)
        && !any.is_empty()
    {
        let mut hit = false;
        for c in any {
            if condition(c, ctx)? {
                hit = true;
                break;
            }
        }
        if !hit {
            return Ok(false);
        }
    }
    if let Some(all) = block.get("all").and_then(Value::as_array) {
        for c in all {
            if !condition(c, ctx)? {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

fn condition(c: &Value, ctx: &Value) -> Result<bool> {
    let key = substitute_value(c.get("key").ok_or("condition without key")?, ctx)?;
    let value = substitute_value(c.get("value").unwrap_or(&Value::Null), ctx)?;
    let operator = str_at(c, "/operator").ok_or("condition without operator")?;
    operate(operator, &key, &value)
}

/// Applies a Kyverno condition operator.
pub fn operate(operator: &str, key: &Value, value: &Value) -> Result<bool> {
    Ok(match operator {
        "Equals" => equals(key, value),
        "NotEquals" => not_equals(key, value),
        "AnyIn" => any_in(key, value)?,
        "AnyNotIn" => any_not_in(key, value)?,
        "GreaterThan" => ordered(key, value).is_some_and(Ordering::is_gt),
        "GreaterThanOrEquals" => ordered(key, value).is_some_and(Ordering::is_ge),
        "LessThan" => ordered(key, value).is_some_and(Ordering::is_lt),
        "LessThanOrEquals" => ordered(key, value).is_some_and(Ordering::is_le),
        other => return Err(format!("unsupported operator `{other}`")),
    })
}

/// Go's `fmt.Sprint` of a JSON value, as Kyverno uses it to compare sets.
fn sprint(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
            Some(f) => f.to_string(),
            None => n.to_string(),
        },
        other => other.to_string(),
    }
}

fn equals(key: &Value, value: &Value) -> bool {
    match (key, value) {
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Number(a), Value::String(b)) => b.parse::<f64>().ok() == a.as_f64(),
        (Value::String(a), b) => {
            if let Some((x, y)) = durations(key, value) {
                return x == y;
            }
            if let Some(k) = Quantity::parse(a) {
                return match b {
                    Value::String(b) => Quantity::parse(b).is_some_and(|v| k.cmp(&v).is_eq()),
                    _ => false,
                };
            }
            b.as_str().is_some_and(|pattern| wildcard(pattern, a))
        }
        (Value::Object(_), Value::Object(_)) | (Value::Array(_), Value::Array(_)) => key == value,
        _ => false,
    }
}

fn not_equals(key: &Value, value: &Value) -> bool {
    match (key, value) {
        (Value::Bool(_), Value::Bool(_))
        | (Value::Number(_), Value::Number(_))
        | (Value::String(_), Value::String(_)) => !equals(key, value),
        _ => false,
    }
}

fn string_list(value: &Value) -> Result<Vec<String>> {
    match value {
        Value::Array(items) => Ok(items.iter().map(sprint).collect()),
        Value::String(s) => match serde_json::from_str::<Vec<String>>(s) {
            Ok(items) => Ok(items),
            Err(_) => Ok(vec![s.clone()]),
        },
        Value::Number(_) => Ok(vec![sprint(value)]),
        other => Err(format!("expected a list, found {other}")),
    }
}

fn matches_any(key: &str, values: &[String]) -> bool {
    values.iter().any(|v| wildcard(v, key) || wildcard(key, v))
}

fn any_in(key: &Value, value: &Value) -> Result<bool> {
    let values = string_list(value)?;
    Ok(match key {
        Value::Array(keys) => keys.iter().any(|k| matches_any(&sprint(k), &values)),
        Value::String(_) | Value::Number(_) | Value::Bool(_) => matches_any(&sprint(key), &values),
        _ => false,
    })
}

fn any_not_in(key: &Value, value: &Value) -> Result<bool> {
    let values = string_list(value)?;
    Ok(match key {
        Value::Array(keys) => keys.iter().any(|k| !matches_any(&sprint(k), &values)),
        Value::String(_) | Value::Number(_) | Value::Bool(_) => !matches_any(&sprint(key), &values),
        _ => false,
    })
}

/// The ordering of the numeric operators: durations, then quantities, then numbers.
fn ordered(key: &Value, value: &Value) -> Option<Ordering> {
    if let Some((a, b)) = durations(key, value) {
        return a.partial_cmp(&b);
    }
    if let (Value::String(a), Value::String(b)) = (key, value)
        && let (Some(a), Some(b)) = (Quantity::parse(a), Quantity::parse(b))
    {
        return Some(a.cmp(&b));
    }
    let number = |v: &Value| match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse::<f64>().ok(),
        _ => None,
    };
    number(key)?.partial_cmp(&number(value)?)
}

/// Kyverno's `parseDuration`: when at least one side is a Go duration (other than `0`), both as
/// seconds (a number on the other side counts as seconds).
fn durations(key: &Value, value: &Value) -> Option<(f64, f64)> {
    let parse = |v: &Value| match v {
        Value::String(s) if s != "0" => go_duration(s),
        _ => None,
    };
    let (k, v) = (parse(key), parse(value));
    if k.is_none() && v.is_none() {
        return None;
    }
    let seconds = |parsed: Option<f64>, raw: &Value| match parsed {
        Some(d) => Some(d),
        None => raw.as_f64(),
    };
    Some((seconds(k, key)?, seconds(v, value)?))
}

/// Go's `time.ParseDuration`, in seconds.
fn go_duration(s: &str) -> Option<f64> {
    let (sign, mut rest) = match s.strip_prefix('-') {
        Some(r) => (-1.0, r),
        None => (1.0, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Some(0.0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_end].parse().ok()?;
        rest = &rest[number_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_end] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += number * scale;
        rest = &rest[unit_end..];
    }
    Some(sign * total)
}

/// A Kubernetes quantity as an exact fraction.
#[derive(Debug, Clone, Copy)]
struct Quantity {
    numerator: i128,
    denominator: i128,
}

impl Quantity {
    /// `resource.ParseQuantity`: a decimal number and a suffix (binary `Ki`…`Ei`, decimal
    /// `n u m k M G T P E`, or an exponent `e3`).
    fn parse(s: &str) -> Option<Quantity> {
        let (negative, body) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let end = body
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(body.len());
        let (number, suffix) = body.split_at(end);
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return None;
        }
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        let digits = format!("{whole}{fraction}");
        let mut numerator: i128 = digits.parse().ok()?;
        let mut denominator: i128 = 10i128.checked_pow(u32::try_from(fraction.len()).ok()?)?;
        let pow10 = |e: u32| 10i128.checked_pow(e);
        match suffix {
            "" => {}
            "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
                let power = match suffix {
                    "Ki" => 10,
                    "Mi" => 20,
                    "Gi" => 30,
                    "Ti" => 40,
                    "Pi" => 50,
                    _ => 60,
                };
                numerator = numerator.checked_mul(1i128 << power)?;
            }
            "n" => denominator = denominator.checked_mul(pow10(9)?)?,
            "u" => denominator = denominator.checked_mul(pow10(6)?)?,
            "m" => denominator = denominator.checked_mul(pow10(3)?)?,
            "k" => numerator = numerator.checked_mul(pow10(3)?)?,
            "M" => numerator = numerator.checked_mul(pow10(6)?)?,
            "G" => numerator = numerator.checked_mul(pow10(9)?)?,
            "T" => numerator = numerator.checked_mul(pow10(12)?)?,
            "P" => numerator = numerator.checked_mul(pow10(15)?)?,
            "E" => numerator = numerator.checked_mul(pow10(18)?)?,
            exponent => {
                let e: i32 = exponent.strip_prefix(['e', 'E'])?.parse().ok()?;
                if e >= 0 {
                    numerator = numerator.checked_mul(pow10(e.unsigned_abs())?)?;
                } else {
                    denominator = denominator.checked_mul(pow10(e.unsigned_abs())?)?;
                }
            }
        }
        if negative {
            numerator = -numerator;
        }
        Some(Quantity {
            numerator,
            denominator,
        })
    }

    fn cmp(&self, other: &Quantity) -> Ordering {
        match (
            self.numerator.checked_mul(other.denominator),
            other.numerator.checked_mul(self.denominator),
        ) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => {
                let a = self.numerator as f64 / self.denominator as f64;
                let b = other.numerator as f64 / other.denominator as f64;
                a.partial_cmp(&b).unwrap_or(Ordering::Equal)
            }
        }
    }
}

/// Kyverno's wildcard match: `*` any run of characters, `?` exactly one.
pub fn wildcard(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}
