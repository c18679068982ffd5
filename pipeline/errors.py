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


class CodebookError(IcsdocsError):
    """The codebook YAML is malformed."""


class ModelError(IcsdocsError):
    """The classifier model is missing, untrusted or incompatible."""
