"""The optional demographic questions a state program's report counts, asked in the portal."""
