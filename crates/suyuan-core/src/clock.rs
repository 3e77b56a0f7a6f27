//! The time the platform records: UTC, to the microsecond, which both databases keep exactly.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

/// Now, truncated to whole microseconds so a stored time reads back equal.
pub fn now() -> DateTime<Utc> {
    #[allow(clippy::disallowed_methods)] // the one place that reads the system clock
    let now = Utc::now();
    now.duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(now)
}
