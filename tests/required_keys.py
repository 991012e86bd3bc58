"""The JSON keys the issues require of `gevinst cba --json` and `gevinst status --json`.

One list each, shared by the model tests and the CLI tests.
"""

CBA_JSON_KEYS = (
    "npv",
    "npv_as_planned",
    "npv_per_budget_krone",
    "bcr",
    "irr",
    "payback_year",
    "discounted_payback_year",
    "npv_cash_only",
    "per_year",
    "monte_carlo",
    "sensitivity",
    "municipalities",
    "tax_financing_cost",
)

STATUS_JSON_KEYS = frozenset(
    {
        "project",
        "id",
        "kind",
        "baseline",
        "target",
        "target_date",
        "latest_value",
        "latest_date",
        "realised_share",
        "planned_share",
        "status",
        "forecast_at_target",
        # issue 8: progress and freshness apart, the forecast with its basis
        "planned_share_at_latest",
        "overdue",
        "next_due",
        "forecast",
        "forecast_misses_target",
    }
)

FORECAST_JSON_KEYS = frozenset(
    {"method", "points", "value_at_target", "misses_target", "note", "window_start", "window_end"}
)
"""The forecast's basis in ``gevinst status --json`` (issue 8)."""
