"""icsdocs: turn a folder of NHS / council board papers into a DuckDB database analysts can query."""

__version__ = "0.1.0"
