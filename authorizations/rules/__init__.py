"""Pure domain rules of utilization management, one module per capability (registration, review,
clocks). No ORM, no clock: callers pass plain values, including today's date and the rule in force."""
