"""Progress bar and end-of-batch summary, on stderr so that stdout stays clean for pipes."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .ingest import BatchSummary
from .records import DocumentResult

if TYPE_CHECKING:
    from tqdm import tqdm


class Progress:
    """Documents and pages per second while a batch runs."""

    def __init__(self, *, enabled: bool = True):
        self.enabled = enabled
        self.bar: tqdm | None = None
        self.pages = 0
        self.started = time.perf_counter()

    def start(self, total: int) -> None:
        self.started = time.perf_counter()
        if self.enabled:  # imported only for a bar shown: `-q` (and the benchmark) pays nothing for it
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True)

    def update(self, result: DocumentResult) -> None:
        self.pages += result.n_pages
        if self.bar is not None:
            elapsed = max(time.perf_counter() - self.started, 1e-9)
            self.bar.set_postfix(pages_per_s=f"{self.pages / elapsed:.1f}", last=result.filename[:30])
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def summary_lines(summary: BatchSummary, db: Path) -> list[str]:
    rate = summary.n_pages / summary.seconds if summary.seconds else 0.0
    lines = [
        f"{'status':<12}{'documents':>10}",
        *(f"{status:<12}{count:>10}" for status, count in sorted(summary.by_status.items())),
        f"{'skipped':<12}{summary.n_skipped:>10}   (unchanged since the last run)",
        f"pages {summary.n_pages}, {summary.seconds:.1f} s, {rate:.1f} pages/s -> {db}",
    ]
    if summary.by_reason:
        lines.append("reasons: " + ", ".join(f"{reason} {count}"
                                             for reason, count in sorted(summary.by_reason.items())))
    if summary.ocr_unavailable:
        lines.append("OCR is unavailable (Tesseract is not installed): pages without a text layer were "
                     "not read. Install tesseract-ocr (make ocr) and run again.")
    if summary.model_missing:
        lines.append(f"No trained classifier in {summary.model_dir}: design principles were not classified. "
                     "Run `icsdocs train` (or `make train`), or point --models (or $ICSDOCS_MODELS) at a "
                     "model folder, then ingest again.")
    if summary.untrained_principles:
        lines.append(f"The model does not know {len(summary.untrained_principles)} principle(s) of the "
                     f"codebook ({', '.join(summary.untrained_principles)}): they were not classified. Run "
                     "`icsdocs train` to learn them, then ingest again.")
    if getattr(summary, "worker_peak_mib", None):  # the Dask engine's workers
        lines.append(summary.cluster_line())
    if not summary.n_found:
        lines.append("no files found")
    lines += [f"  {name}: {status}: {error}" for name, status, error in summary.failures]
    return lines


def print_summary(summary: BatchSummary, db: Path) -> None:
    for line in summary_lines(summary, db):
        print(line, file=sys.stderr)
