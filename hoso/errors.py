"""hoso's exception tree.

Each class carries the process exit code (CLI) and HTTP status (web) it maps to;
entry points translate them in exactly one place. Library code raises, never exits.
"""

from __future__ import annotations

import signal


class HosoError(Exception):
    """Base of every error hoso raises on purpose."""

    exit_code = 1
    http_status = 500


class ConfigError(HosoError):
    """A setting is missing, malformed or unknown."""

    exit_code = 2
    http_status = 500


class RejectedInput(HosoError):
    """The uploaded file is unusable: corrupt, encrypted, unsupported or over a limit.

    Permanent: retrying cannot help. The message is shown to the clerk as is.
    """

    exit_code = 3
    http_status = 422


class ProcessingError(HosoError):
    """A usable input failed to process; the file may be retried."""

    exit_code = 4
    http_status = 500


class OcrError(ProcessingError):
    """Tesseract failed or produced unreadable output."""


class OcrTimeout(OcrError):
    """Tesseract ran past its time limit (transient: retry with backoff)."""


class StorageError(ProcessingError):
    """The object store failed or returned content that does not match its key."""


class NotFound(HosoError):
    """A batch, file or document id that does not exist."""

    exit_code = 5
    http_status = 404


class Interrupted(HosoError):
    """The run was stopped by a signal (Ctrl-C, SIGTERM); its unfinished files stay
    queued in the store and the same ``hoso run`` finishes them. Exits 128 + the signal."""

    http_status = 503

    def __init__(self, signum: int) -> None:
        self.exit_code = 128 + signum
        name = signal.Signals(signum).name
        super().__init__(
            f"stopped by {name}: the files in progress were left unfinished;"
            " run the same command again to finish them"
        )
