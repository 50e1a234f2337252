"""Open data for the veiligheidsanalyse: CBS StatLine and the Politie tables on CBS's
third-party catalogue, read over OData v3 or from a StatLine CSV export, kept as observations
of a process (`ivpflow cijfers`)."""
