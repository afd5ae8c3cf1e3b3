"""The connection test: panel, single and Test-all flows, workers, results and history."""
