"""The library's exceptions.  Each maps to a `documents.status` and carries a sentence for `error`."""


class IcsdocsError(Exception):
    """Base class: a problem the CLI reports in one line."""


class DocumentError(IcsdocsError):
    """A file could not be turned into text; `status` says which kind of failure, `reason` (a stable
    machine-readable code, see pipeline/reasons.py) says why."""

    status = "error"
    reason = "corrupt"
    warnings: tuple[str, ...] = ()

    def __init__(self, message: str = "", *, reason: str | None = None):
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class UnsupportedFormat(DocumentError):
    """Not a format icsdocs reads (.doc, .xlsx, images, binary data)."""

    status, reason = "unsupported", "unsupported_format"


class EncryptedDocument(DocumentError):
    """The file needs a password."""

    status, reason = "encrypted", "password_required"


class NoTextLayer(DocumentError):
    """Readable, but no text: a scan without OCR, an empty file, garbled text only."""

    status, reason = "no_text", "no_text_layer"


class CorruptDocument(DocumentError):
    """Damaged beyond what the readers repair (DocumentError's own status and reason)."""


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


class QueryTimeout(IcsdocsError):
    """A statement given to `icsdocs query` ran past its time limit and was interrupted."""


class StorageError(IcsdocsError):
    """The database could not be written: the disk is full, a file size limit was hit, or I/O failed."""


class CodebookError(IcsdocsError):
    """The codebook YAML is malformed."""


class ModelError(IcsdocsError):
    """The classifier model is missing, untrusted or incompatible."""


class InputMissing(IcsdocsError):
    """A folder or file named as an input (labels, gold, a model folder) is not there."""


class UnsupportedOutput(IcsdocsError):
    """An output file whose suffix names no format icsdocs writes."""


class DataFileError(IcsdocsError):
    """A data file (pattern, gazetteer, vocabulary) is malformed; the message names the file and line."""


class ClusterError(IcsdocsError):
    """The Dask engine cannot run: distributed is missing, the scheduler is unreachable, or a worker
    cannot see the papers or the shard folder, or runs other rules."""
