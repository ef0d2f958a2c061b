"""Running the scheme: adjustments, reports, the dashboard and the audit log."""
