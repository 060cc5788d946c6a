"""Converters of other issuers' published benchmarks into Civicloop's benchmark rows."""
