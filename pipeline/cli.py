"""The `icsdocs` command: parses options, calls the library, turns its exceptions into one-line messages."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import click

from . import __version__
from .errors import IcsdocsError
from .paths import GOLD_DIR, LABELS_DIR

DEFAULT_DB = Path("outputs/icsdocs.duckdb")
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 110}

db_option = click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB,
                         show_default=True, help="DuckDB database file.")
out_option = click.option("--out", type=click.Path(file_okay=False, path_type=Path),
                          default=Path("outputs"), show_default=True, help="Output folder.")
models_option = click.option(
    "--models", "models", type=click.Path(file_okay=False, path_type=Path), envvar="ICSDOCS_MODELS",
    show_envvar=True, help="Folder of the trained classifier (principles.skops) [default: the project's "
    "models/].")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress or summary on stderr.")


class FriendlyGroup(click.Group):
    """Library errors become one clear line and exit status 2, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (IcsdocsError, FileNotFoundError) as exc:
            click.echo(f"icsdocs: {exc}", err=True)
            sys.exit(2)
        except Exception as exc:
            duckdb = sys.modules.get("duckdb")
            if duckdb is None or not isinstance(exc, duckdb.Error):
                raise
            from .store import one_line

            click.echo(f"icsdocs: database error: {one_line(exc)}", err=True)
            sys.exit(2)


class StopRequest:
    """Set by Ctrl-C or `kill`; the batch stops between documents, so no write is cut in half."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self) -> bool:
        return self.requested

    def request(self, signum, frame) -> None:
        self.requested = True


@click.group(cls=FriendlyGroup, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="icsdocs")
def main() -> None:
    """Turn folders of board papers into a DuckDB database of sections, entities and design principles.

    \b
    Example:
      icsdocs ingest corpus/ --db outputs/icsdocs.duckdb
      icsdocs query "SELECT locality, count(*) FROM documents GROUP BY 1"
    """


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@db_option
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Worker processes (with --engine dask and no --scheduler: of the local Dask cluster).")
@click.option("--timeout", type=click.FloatRange(1), default=120.0, show_default=True,
              help="Seconds allowed per document before its worker is stopped.")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV with columns path,locality,doc_type that overrides inference.")
@click.option("--force", is_flag=True, help="Re-process files even when unchanged.")
@click.option("--ocr", type=click.Choice(["auto", "off", "force"]), default="auto", show_default=True,
              help="OCR (Tesseract) of PDF pages: auto = pages without a text layer; force = every page.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when any file failed, or none was found.")
@click.option("--no-extract", is_flag=True, help="Skip entity extraction.")
@click.option("--no-classify", is_flag=True, help="Skip principle classification.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: worker processes on this machine; dask: a Dask cluster (pip install "
                   "'icsdocs[dask]'), a local one of --workers processes unless --scheduler is given.")
@click.option("--scheduler", metavar="ADDRESS",
              help="With --engine dask: the address of a running Dask scheduler, e.g. tcp://host:8786.")
@click.option("--batch-size", type=click.IntRange(1), metavar="N",
              help="With --engine dask: documents per Dask task (default: about four tasks per worker "
                   "thread, at most 32 documents).")
@click.option("--dashboard", is_flag=True,
              help="With --engine dask and no --scheduler: start the local cluster's dashboard and print its "
                   "address (an existing scheduler's is printed when it has one).")
@models_option
@quiet_option
@click.pass_context
def ingest(ctx, paths, db, workers, timeout, manifest, force, ocr, strict, no_extract, no_classify, engine,
           scheduler, batch_size, dashboard, models, quiet) -> None:
    """Ingest PDF, DOCX, text and HTML files (folders are walked recursively;
    CSV and TSV files in them are taken for data, not papers, unless named).

    Unchanged files (same SHA-256) are skipped. A file that cannot be read is recorded with its status
    and reason and the batch goes on. Readers keep using the previous database until the batch ends.

    \b
    Example:
      icsdocs ingest corpus/ --db outputs/icsdocs.duckdb --workers 2 --timeout 60
      icsdocs ingest /shared/papers --db /shared/icsdocs.duckdb --engine dask --scheduler tcp://head:8786
    """
    from .progress import Progress, print_summary

    run_ingest = _engine(engine, scheduler, batch_size, dashboard, quiet)

    # Ctrl-C and `kill` stop the batch between documents: finished ones kept, the next run resumes.
    stop = StopRequest()
    signal.signal(signal.SIGINT, stop.request)
    signal.signal(signal.SIGTERM, stop.request)
    progress = Progress(enabled=not quiet)
    summary = run_ingest(paths, db_path=db, workers=workers, timeout=timeout, manifest_path=manifest,
                         force=force, ocr=ocr, extract=not no_extract, classify=not no_classify,
                         model_dir=models, on_start=progress.start, on_result=progress.update,
                         should_stop=stop)
    progress.close()
    if not quiet:
        print_summary(summary, db)
    if summary.interrupted:
        click.echo("icsdocs: interrupted; finished documents are kept. Run the same command again to "
                   "finish the batch.", err=True)
        _leave(ctx, 130)
    if strict and (summary.n_failed or not summary.n_found):
        if not summary.n_found:
            click.echo("icsdocs: no files found to ingest.", err=True)
        _leave(ctx, 1)
    _leave(ctx, 0)


def _leave(ctx: click.Context, code: int) -> None:
    """Exit with `code`.  Run as the `icsdocs` program (`run`), once the database is written and the
    workers are gone, without the interpreter's teardown (freeing spaCy's and the model's objects one
    by one takes ~0.3 s); called in-process (tests, other Python code) it is an ordinary exit."""
    if (ctx.find_root().obj or {}).get("fast_exit"):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    if code:
        sys.exit(code)


def _engine(engine: str, scheduler: str | None, batch_size: int | None, dashboard: bool, quiet: bool):
    """The ingest function of the chosen engine, its own options bound."""
    if dashboard and (engine == "local" or scheduler):
        raise click.UsageError("--dashboard goes with --engine dask and no --scheduler (an existing "
                               "scheduler's dashboard is printed when it has one).")
    if engine == "local":
        if scheduler or batch_size:
            raise click.UsageError("--scheduler and --batch-size go with --engine dask.")
        from .ingest import ingest as run_local

        return run_local
    from functools import partial

    from .dask_engine import ingest_dask

    return partial(ingest_dask, scheduler=scheduler, batch_size=batch_size, dashboard=dashboard,
                   on_cluster=None if quiet else _say_cluster)


def _say_cluster(summary) -> None:
    where = f"; dashboard {summary.dashboard}" if summary.dashboard else ""
    click.echo(f"Dask cluster: {summary.n_workers} workers{where}", err=True)


@main.command(context_settings=CONTEXT)
@db_option
@click.option("--gold", type=click.Path(file_okay=False, path_type=Path), default=GOLD_DIR,
              help="Folder of gold JSON files [default: ../shared/gold beside the project].")
@click.option("--match", metavar="GLOB",
              help="Score only the gold documents whose name matches, e.g. 'dev_[bd]_*' for a held-out half.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the metrics as JSON here.")
@models_option
def evaluate(db, gold, match, json_out, models) -> None:
    """Score the database against gold annotations: precision, recall and F1 per label and principle.

    \b
    Example:
      icsdocs evaluate --db outputs/icsdocs.duckdb --gold ../shared/gold --json outputs/evaluation.json
      icsdocs evaluate --db outputs/devset/devset.duckdb --gold ../shared/devset/gold --match 'dev_[bd]_*'
    """
    from .evaluation import evaluate_all, format_all
    from .paths import require_dir

    metrics = evaluate_all(db, require_dir(gold, "gold JSON files", "--gold"), match, model_dir=models)
    click.echo(format_all(metrics))
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(metrics, indent=2), encoding="utf-8")


labels_option = click.option(
    "--labels", type=click.Path(file_okay=False, path_type=Path), default=LABELS_DIR,
    help="Folder of labelled CSV files (text,principle_id,label) and their sections/ [default: the project's "
         "corpus/labels/].")


@main.command(context_settings=CONTEXT)
@labels_option
@click.option("--models", type=click.Path(file_okay=False, path_type=Path), envvar="ICSDOCS_MODELS",
              show_envvar=True,
              help="Where to write the model and its card [default: the project's models/].")
@click.option("--learning-curve", is_flag=True,
              help="Also measure how the held-out ranking improves with each added fold of annotated "
                   "papers (about twice as long).")
@click.option("--arrays-only", is_flag=True,
              help="Do not train: write the plain-array copy ingest loads (principles.npz / .json) "
                   "from the existing principles.skops.")
def train(labels, models, learning_curve, arrays_only) -> None:
    """Train the design-principle classifier on the labels and write it with a model card.

    The labels are committed (`make labels` rebuilds them from ../shared), so training reads nothing
    outside the project. `icsdocs ingest` uses the project's models/ unless given --models (or
    ICSDOCS_MODELS) naming the folder written here.

    \b
    Example:
      icsdocs train
      icsdocs train --models /tmp/trial && icsdocs ingest corpus/ --models /tmp/trial --db /tmp/trial.duckdb
      icsdocs train --learning-curve   # the card also shows whether more labelled papers would help
      icsdocs train --arrays-only      # after a merge brought a principles.skops without its arrays
    """
    from .paths import models_dir, require_dir

    if arrays_only:
        from .classify.arrays import export_model_dir

        click.echo(f"wrote {export_model_dir(models_dir(models))}")
        return
    from .classify.train import train as run_train

    started = time.perf_counter()
    target = models_dir(models)
    card = run_train(labels_dir=require_dir(labels, "label files", "--labels"), model_dir=target,
                     with_learning_curve=learning_curve)
    cv = card.get("cv", {})
    figures = "; ".join(f"{level} macro-F1 {cv[level]['macro_f1']}"
                        for level in ("document_devset", "section_gold", "section") if level in cv)
    click.echo(f"trained in {time.perf_counter() - started:.1f} s; grouped nested CV: {figures or 'n/a'}")
    click.echo(f"model: {target / 'principles.skops'}; card: {target / 'MODEL_CARD.md'}")
    if target.resolve() != models_dir(None).resolve():
        click.echo(f"use it with `icsdocs ingest PATH --models {target}` (or ICSDOCS_MODELS={target})")


@main.group(context_settings=CONTEXT)
def review() -> None:
    """Review the least certain principle predictions and feed the verdicts back into training."""


@review.command("export", context_settings=CONTEXT)
@db_option
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("outputs/review.csv"), show_default=True)
@click.option("-n", "n_rows", type=click.IntRange(1), default=50, show_default=True)
def review_export(db, csv_out, n_rows) -> None:
    """Write the least certain section predictions to a CSV to mark agree / disagree / other.

    \b
    Example:
      icsdocs review export --db outputs/icsdocs.duckdb --csv outputs/review.csv -n 100
    """
    from .classify.review import export_review

    count = export_review(db, csv_out, n=n_rows)
    click.echo(f"wrote {count} rows to {csv_out}")


@review.command("import", context_settings=CONTEXT)
@click.argument("csv_in", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@labels_option
def review_import(csv_in, labels) -> None:
    """Add the marked rows of a review CSV to the training labels.

    \b
    Example:
      icsdocs review import outputs/review.csv && icsdocs train
    """
    from .classify.review import import_review

    written = import_review(csv_in, labels)
    click.echo(f"added labels to {written}; run `icsdocs train` to learn from them")


def folder_command(function):
    """A command that writes files from the database into a folder: --db and --out."""
    return main.command(context_settings=CONTEXT)(db_option(out_option(function)))


@folder_command
def compare(db, out) -> None:
    """Write the comparison CSVs (matrix, evidence, gaps, bodies, roles, ...) and a README.txt.

    \b
    Example:
      icsdocs compare --db outputs/icsdocs.duckdb --out outputs/compare
    """
    from .compare import write_comparison_csvs

    written = write_comparison_csvs(db, out)
    click.echo(f"wrote {len(written)} files to {out}")


@folder_command
def report(db, out) -> None:
    """Write one self-contained HTML report: principle heatmap with evidence, a page per locality.

    \b
    Example:
      icsdocs report --db outputs/icsdocs.duckdb --out outputs
    """
    from .report import write_report

    path = write_report(db, out)
    click.echo(f"wrote {path}")


@main.command(context_settings=CONTEXT)
@db_option
@click.argument("sql", required=False)
@click.option("-f", "--file", "sql_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the SQL from this file instead of the command line.")
@click.option("--csv", "fmt", flag_value="csv", help="CSV output.")
@click.option("--json", "fmt", flag_value="json", help="JSON output (one object per row).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the rows to this .csv (Excel-ready: byte-order mark, CRLF), .xlsx, .json or "
                   ".parquet file.")
@click.option("--timeout", type=click.FloatRange(0.1), default=60.0, show_default=True,
              help="Seconds the statement may run before it is stopped.")
def query(db, sql, sql_file, fmt, out, timeout) -> None:
    """Run a read-only SQL query and print the result; writes are refused.

    \b
    Example:
      icsdocs query "SELECT * FROM locality_principles WHERE status = 'not evidenced'" --csv
      icsdocs query -f gaps.sql --out outputs/gaps.csv
      icsdocs query "SELECT * FROM principle_evidence" --out outputs/evidence.xlsx
      icsdocs schema    # the tables, views and what each column means
    """
    from .outfiles import write_rows
    from .query import format_rows
    from .store import query_result

    if (sql is None) == (sql_file is None):
        raise click.UsageError("Give the SQL either as an argument or with -f FILE, not both or neither.")
    statement = sql if sql is not None else sql_file.read_text(encoding="utf-8-sig")
    result = query_result(db, statement, timeout=timeout)
    if out:
        write_rows(result, out)
        click.echo(f"wrote {len(result.rows)} rows to {out}")
        return
    click.echo(format_rows(result.columns, result.rows, fmt=fmt or "table"))


@main.command(context_settings=CONTEXT)
@db_option
def status(db) -> None:
    """Say what is in the database: documents by status, locality and type, and the last run.

    \b
    Example:
      icsdocs status --db outputs/icsdocs.duckdb
    """
    from .dbinfo import format_status
    from .dbinfo import status as db_status

    click.echo(format_status(db_status(db)))


@main.command(context_settings=CONTEXT)
@db_option
def schema(db) -> None:
    """List the database's tables and views, each column with its type and meaning.

    \b
    Example:
      icsdocs schema --db outputs/icsdocs.duckdb
    """
    from .dbinfo import format_schema, relation_comments
    from .dbinfo import schema as db_schema

    click.echo(format_schema(db_schema(db), relation_comments(db)))


@main.command(context_settings=CONTEXT)
@db_option
@click.argument("words", nargs=-1, required=True)
@click.option("-n", "limit", type=click.IntRange(1), default=20, show_default=True,
              help="Most sections shown.")
def search(db, words, limit) -> None:
    """Find the sections that hold every one of the words (any case), with file, page and heading path.

    \b
    Example:
      icsdocs search place based lead
      icsdocs search "pooled budget" -n 50
    """
    from .dbinfo import search as db_search
    from .query import format_rows

    hits = db_search(db, " ".join(words), limit=limit)
    rows = [(h.filename, h.page, h.heading_path, h.n_matches, h.snippet) for h in hits]
    click.echo(format_rows(["file", "page", "heading path", "matches", "text"], rows, max_width=70))


if __name__ == "__main__":
    main()


def run() -> None:
    """The `icsdocs` program (and `python -m pipeline`): `main`, allowed to end ingest by a fast exit."""
    main(obj={"fast_exit": True})
