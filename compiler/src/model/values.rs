//! What a field's value may be, for the editor and the reference: its type in words, the words
//! and shapes it may take, the units its numbers take.

/// A word or shape a value may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// What is inserted.
    pub text: &'static str,
    /// What it means.
    pub summary: &'static str,
}

/// What a field's value is: a description of its type and the words or shapes it may take.
#[derive(Debug, Clone, Copy)]
pub struct ValueInfo {
    /// The type in words, with its units.
    pub ty: &'static str,
    /// The words and shapes it may be.
    pub choices: &'static [Choice],
    /// The unit suffixes its numbers take.
    pub units: &'static [Choice],
}

/// CPU units.
pub const CPU_UNITS: &[Choice] = &[Choice {
    text: "m",
    summary: "millicores: 250m is a quarter of a core",
}];
/// Byte units, binary first.
pub const BYTE_UNITS: &[Choice] = &[
    Choice {
        text: "Mi",
        summary: "mebibytes (2^20 bytes)",
    },
    Choice {
        text: "Gi",
        summary: "gibibytes (2^30 bytes)",
    },
    Choice {
        text: "Ki",
        summary: "kibibytes (2^10 bytes)",
    },
    Choice {
        text: "Ti",
        summary: "tebibytes (2^40 bytes)",
    },
    Choice {
        text: "M",
        summary: "megabytes (10^6 bytes)",
    },
    Choice {
        text: "G",
        summary: "gigabytes (10^9 bytes)",
    },
];
/// Duration units.
pub const DURATION_UNITS: &[Choice] = &[
    Choice {
        text: "s",
        summary: "seconds",
    },
    Choice {
        text: "m",
        summary: "minutes",
    },
    Choice {
        text: "ms",
        summary: "milliseconds",
    },
    Choice {
        text: "h",
        summary: "hours",
    },
    Choice {
        text: "d",
        summary: "days",
    },
];
/// The percent sign.
pub const PERCENT: &[Choice] = &[Choice {
    text: "%",
    summary: "percent",
}];

pub const CPU: ValueInfo = ValueInfo {
    ty: "CPU: cores (`1`, `0.5`) or millicores (`250m`); `REQUEST..LIMIT` for a limit",
    choices: &[],
    units: CPU_UNITS,
};
pub const MEMORY: ValueInfo = ValueInfo {
    ty: "memory in bytes with a unit (`256Mi`, `2Gi`); `REQUEST..LIMIT` for a larger limit",
    choices: &[],
    units: BYTE_UNITS,
};
pub const BYTES: ValueInfo = ValueInfo {
    ty: "a size in bytes with a unit (`20Gi`)",
    choices: &[],
    units: BYTE_UNITS,
};
pub const DURATION: ValueInfo = ValueInfo {
    ty: "a duration with a unit (`30s`, `5m`, `500ms`, `1h`, `1d`)",
    choices: &[],
    units: DURATION_UNITS,
};
pub const PERCENTAGE: ValueInfo = ValueInfo {
    ty: "a percentage (`70%`)",
    choices: &[],
    units: PERCENT,
};
pub const COUNT: ValueInfo = ValueInfo {
    ty: "a whole number",
    choices: &[],
    units: &[],
};
pub const PROBE: ValueInfo = ValueInfo {
    ty: "a probe: `http \"/path\"`, `tcp`, `grpc` or `exec [\"cmd\"]`, optionally with `{ port, delay, period, timeout, failures, success }`",
    choices: &[
        Choice {
            text: "http \"/healthz\"",
            summary: "an HTTP GET that must answer 2xx or 3xx",
        },
        Choice {
            text: "tcp",
            summary: "a TCP connection that must open",
        },
        Choice {
            text: "grpc",
            summary: "the standard gRPC health check",
        },
        Choice {
            text: "exec [\"cmd\"]",
            summary: "a command that must exit 0",
        },
    ],
    units: &[],
};
pub const PORT: ValueInfo = ValueInfo {
    ty: "a port with its protocol (`http 8080`); a bare number is `tcp`",
    choices: &[
        Choice {
            text: "http 8080",
            summary: "HTTP/1.1",
        },
        Choice {
            text: "http2 8080",
            summary: "HTTP/2 cleartext",
        },
        Choice {
            text: "https 8443",
            summary: "HTTPS served by the workload",
        },
        Choice {
            text: "grpc 9090",
            summary: "gRPC",
        },
        Choice {
            text: "tls 8443",
            summary: "TLS-wrapped TCP",
        },
        Choice {
            text: "tcp 5432",
            summary: "plain TCP",
        },
        Choice {
            text: "udp 53",
            summary: "UDP",
        },
    ],
    units: &[],
};
pub const NAMED_PORT: ValueInfo = ValueInfo {
    ty: "a port name or number of this workload",
    choices: &[],
    units: &[],
};

/// A value described by its type alone.
pub const fn shape(ty: &'static str) -> ValueInfo {
    ValueInfo {
        ty,
        choices: &[],
        units: &[],
    }
}

pub const BOOLEAN: ValueInfo = ValueInfo {
    ty: "a boolean",
    choices: &[
        Choice {
            text: "true",
            summary: "yes",
        },
        Choice {
            text: "false",
            summary: "no",
        },
    ],
    units: &[],
};

/// The failures a mesh retry may be made on (`crate::semantic::traffic::RetryOn`; a test keeps
/// them equal).
pub const RETRY_ON: &str = "a list of failures: `5xx`, `gateway_error`, `reset`, `connect_failure`, \
     `refused_stream`, `retriable_4xx`, and the gRPC statuses `cancelled`, `deadline_exceeded`, \
     `internal`, `resource_exhausted`, `unavailable`";

/// The shapes an environment variable's value may take.
pub const ENV_VALUE_CHOICES: &[Choice] = &[
    Choice {
        text: "secret NAME.KEY",
        summary: "a key of a Kubernetes Secret: never a literal credential",
    },
    Choice {
        text: "\"value\"",
        summary: "a literal value",
    },
];
