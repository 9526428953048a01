"""Statistics, the analysis report (信访情况分析), charts and the Excel ledger (台账)."""
