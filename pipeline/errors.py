"""The library's exceptions.  Each maps to a `documents.status` and carries a sentence for `error`."""


class IcsdocsError(Exception):
    """Base class: a problem the CLI reports in one line."""


class DocumentError(IcsdocsError):
    """A file could not be turned into text; `status` says which kind of failure."""

    status = "error"


class UnsupportedFormat(DocumentError):
    status = "unsupported"


class EncryptedDocument(DocumentError):
    status = "encrypted"


class NoTextLayer(DocumentError):
    status = "no_text"


class CorruptDocument(DocumentError):
    status = "error"


class DatabaseBusy(IcsdocsError):
    """Another icsdocs process is writing the same database."""


class ReadOnlyQuery(IcsdocsError):
    """A statement given to `icsdocs query` would write."""


class NotADatabase(IcsdocsError):
    """The --db file is missing, is not a DuckDB file, or holds no icsdocs tables."""


class QueryFailed(IcsdocsError):
    """DuckDB refused a query; the message keeps DuckDB's own hint on one line."""


class GoldMismatch(IcsdocsError):
    """`icsdocs evaluate` found no database document that a gold file names."""


class CodebookError(IcsdocsError):
    """The codebook YAML is malformed."""


class ModelError(IcsdocsError):
    """The classifier model is missing, untrusted or incompatible."""


class UnsupportedOutput(IcsdocsError):
    """An output file whose suffix names no format icsdocs writes."""


class DataFileError(IcsdocsError):
    """A data file (pattern, gazetteer, vocabulary) is malformed; the message names the file and line."""
