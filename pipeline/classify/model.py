"""Score sections against the principles codebook with the trained passage classifier.

A section is split into passages (paragraphs; long paragraphs into groups of sentences of at most
~400 characters, the size of the gold evidence passages).  Every passage of a document is vectorised in
one call; a passage's decision value is a linear model over its TF-IDF features plus, per principle, a
weighted lexical score of the codebook's own vocabulary (`lexicon.py`), read in context: plus a share
(`context_weight`) of the better of its neighbours' values in the same section (`in_context`); a
section's score for a principle is its best passage's calibrated probability, and that passage is the
label's evidence.  A document is
then decided from its strongest section (the `doc_principles` view), so a one-page minute is judged by
the same rule as a 60-page report.

The model file is a skops archive of plain data: the fitted TF-IDF `FeatureUnion`, the stacked linear
weights, the codebook lexicon (lists of {term: weight}) and its weights, the context weight, Platt
calibration and per-principle thresholds.  It is loaded with an explicit list of trusted
types, never as a pickle.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..datafiles import read_yaml
from ..errors import ModelError
from ..records import ParsedDocument, Section, SectionLabel

MODEL_DIR = Path(__file__).parents[2] / "models"
MODEL_FILE = "principles.skops"
METHOD = "tfidf-lex-lr-v2"
FLOOR = 0.2
DECISION = 0.5  # calibration puts every principle's cross-validated decision boundary at this score
MIN_SECTION_CHARS = 40
MIN_PASSAGE_CHARS = 25
MAX_PASSAGE_CHARS = 450
CHUNK_CHARS = 400
# A passage is an evidence quote; a long run with no sentence end (a table flattened into one line, a
# damaged file) is cut at spaces so that no quote grows past this.  Real papers' longest passages are
# about 1,300 characters; the bound is well above them so that it changes no ordinary passage.
MAX_QUOTE_CHARS = 4000
SKIP_KINDS = frozenset({"cover_sheet"})

# Everything the archive may contain: the vectoriser and the containers/arrays of the model dict.
TRUSTED_TYPES: tuple[str, ...] = (
    "sklearn.pipeline.FeatureUnion",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "numpy.float64",
    "numpy.float32",
    "numpy.int64",
    "numpy.dtype",
    "numpy.ndarray",
    "builtins.dict",
    "builtins.list",
    "builtins.tuple",
    "builtins.str",
    "builtins.int",
    "builtins.float",
)

_MARKUP = re.compile(r"\*\*|(?<=\s)\*(?=\S)|(?<=\S)\*(?=[\s.,;:])|<[^>]{1,40}>")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[\"'‘“(A-Z0-9])")


def normalise(text: str) -> str:
    """Text as the vectoriser sees it: markdown emphasis and short HTML tags removed, spaces collapsed."""
    return " ".join(_MARKUP.sub(" ", text).split())


def split_passages(text: str) -> list[tuple[int, int]]:
    """Local (start, end) spans of the passages of `text`: lines, long ones cut at sentence ends."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start, end = _strip_span(text, line.start(), line.end())
        if end - start < MIN_PASSAGE_CHARS:
            continue
        if end - start <= MAX_PASSAGE_CHARS:
            spans.append((start, end))
            continue
        cuts = [start] + [start + m.end() for m in _SENTENCE_END.finditer(text[start:end])] + [end]
        chunk_start = cuts[0]
        for prev, cut in zip(cuts, cuts[1:], strict=False):
            if cut - chunk_start > CHUNK_CHARS and prev > chunk_start:
                spans.append(_strip_span(text, chunk_start, prev))
                chunk_start = prev
        spans.append(_strip_span(text, chunk_start, end))
    spans = [piece for span in spans for piece in _bounded(text, *span)]
    return [s for s in spans if s[1] - s[0] >= MIN_PASSAGE_CHARS]


def _bounded(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) cut into pieces of at most MAX_QUOTE_CHARS, at the last space before each cut."""
    pieces = []
    while end - start > MAX_QUOTE_CHARS:
        cut = text.rfind(" ", start + MAX_QUOTE_CHARS // 2, start + MAX_QUOTE_CHARS)
        cut = cut if cut > start else start + MAX_QUOTE_CHARS
        pieces.append(_strip_span(text, start, cut))
        start = cut
        while start < end and text[start] == " ":
            start += 1
    pieces.append((start, end))
    return pieces


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\r-•·*–>":
        start += 1
    while end > start and text[end - 1] in " \t\r":
        end -= 1
    return start, end


@dataclass(frozen=True)
class PrincipleModel:
    """A loaded classifier: `scores(texts)` gives an (n_texts, n_principles) matrix of probabilities."""

    vectorizer: object
    weights: np.ndarray  # (n_features, n_principles)
    bias: np.ndarray  # (n_principles,)
    platt: np.ndarray  # (n_principles, 2): slope, intercept on the decision value
    thresholds: np.ndarray  # (n_principles,)
    principle_ids: tuple[str, ...]
    frameworks: tuple[str, ...]
    names: tuple[str, ...] = ()
    definitions: tuple[str, ...] = ()
    method: str = METHOD
    floor: float = FLOOR
    lexicon: tuple[dict[str, float], ...] = ()  # per principle {codebook term: weight}; () = no lexical part
    lexical_weights: np.ndarray | None = None  # (n_principles,): weight of each principle's lexical score
    context_weight: float = 0.0  # share of the best neighbouring passage's value added (`in_context`)

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        texts = [normalise(t) for t in texts]
        z = np.asarray(self.vectorizer.transform(texts) @ self.weights) + self.bias
        if self.lexicon and self.lexical_weights is not None:
            from .lexicon import lexical_features

            z = z + lexical_features(texts, list(self.lexicon)) * self.lexical_weights
        return z

    def scores(self, texts: Sequence[str], owners: Sequence[int] | None = None) -> np.ndarray:
        """Calibrated scores; with `owners` (each passage's section, passages in document order) each
        passage is read in its context (`in_context`)."""
        if not texts:
            return np.zeros((0, len(self.principle_ids)))
        return calibrated(self.decision(texts), owners, self.context_weight, self.platt)

    def threshold(self, principle_id: str) -> float:
        return float(self.thresholds[self.principle_ids.index(principle_id)])

    def principle_rows(self) -> list[tuple[str, str, str, str, float]]:
        """Rows of the `principles` table: (framework, principle_id, name, definition, threshold)."""
        names = self.names or self.principle_ids
        definitions = self.definitions or ("",) * len(self.principle_ids)
        return [(fw, pid, name, definition, float(t)) for fw, pid, name, definition, t in
                zip(self.frameworks, self.principle_ids, names, definitions, self.thresholds, strict=True)]

    def to_dict(self) -> dict:
        return {
            "vectorizer": self.vectorizer,
            "weights": np.asarray(self.weights, dtype=np.float32),
            "bias": np.asarray(self.bias, dtype=np.float64),
            "platt": np.asarray(self.platt, dtype=np.float64),
            "thresholds": np.asarray(self.thresholds, dtype=np.float64),
            "principle_ids": list(self.principle_ids),
            "frameworks": list(self.frameworks),
            "names": list(self.names),
            "definitions": list(self.definitions),
            "method": self.method,
            "floor": float(self.floor),
            "lexicon": [dict(entries) for entries in self.lexicon],
            "lexical_weights": np.asarray(self.lexical_weights if self.lexical_weights is not None
                                          else np.zeros(len(self.principle_ids)), dtype=np.float64),
            "context_weight": float(self.context_weight),
        }

    @classmethod
    def from_dict(cls, data: dict) -> PrincipleModel:
        try:
            return cls(
                vectorizer=data["vectorizer"],
                weights=np.asarray(data["weights"]),
                bias=np.asarray(data["bias"]),
                platt=np.asarray(data["platt"]),
                thresholds=np.asarray(data["thresholds"]),
                principle_ids=tuple(data["principle_ids"]),
                frameworks=tuple(data["frameworks"]),
                names=tuple(data.get("names", ())),
                definitions=tuple(data.get("definitions", ())),
                method=str(data["method"]),
                floor=float(data["floor"]),
                lexicon=tuple({str(k): float(v) for k, v in entries.items()}
                              for entries in data.get("lexicon", [])),
                lexical_weights=np.asarray(data["lexical_weights"]) if "lexical_weights" in data else None,
                context_weight=float(data.get("context_weight", 0.0)),
            )
        except (KeyError, TypeError) as exc:
            raise ModelError(f"model file is incomplete or from another version ({exc}); "
                             "run `icsdocs train`") from exc


def calibrated(z: np.ndarray, owners: Sequence[int] | None, context_weight: float,
               platt: np.ndarray) -> np.ndarray:
    """Decision values `z` read in context (when `owners` is given) and Platt-calibrated to scores; shared
    by the skops model and the plain-array one so both score alike."""
    if owners is not None:
        z = in_context(z, owners, context_weight)
    return 1.0 / (1.0 + np.exp(-(z * platt[:, 0] + platt[:, 1])))


def in_context(z: np.ndarray, owners: Sequence[int], weight: float) -> np.ndarray:
    """Passage decision values read in context: z + weight * the better of the passages just before and
    after it in the same section (its own value when it stands alone).  An evidence sentence whose
    neighbours speak of the same thing outranks a stray match in a list of unrelated items.

    `z` is (n_passages, n_principles) in document order, `owners` each passage's section."""
    if not weight or len(z) == 0:
        return z
    own = np.asarray(owners)
    edge = np.full((1, z.shape[1]), -np.inf)
    before, after = np.vstack([edge, z[:-1]]), np.vstack([z[1:], edge])
    before[np.r_[True, own[1:] != own[:-1]]] = -np.inf
    after[np.r_[own[:-1] != own[1:], True]] = -np.inf
    near = np.maximum(before, after)
    return z + weight * np.where(np.isneginf(near), z, near)


def save_model(model: PrincipleModel, path: Path) -> None:
    """Write the skops archive and, beside it, the same model as plain arrays for ingest (`arrays.py`)."""
    import zipfile

    from skops.io import dump

    from .arrays import export_arrays

    path.parent.mkdir(parents=True, exist_ok=True)
    dump(model.to_dict(), path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    export_arrays(model, path)


def archive_types(path: Path) -> set[str]:
    """Every type named in a skops archive's schema (skops itself trusts all of scikit-learn by default;
    this model needs only the few types in TRUSTED_TYPES)."""
    import json
    import zipfile

    with zipfile.ZipFile(path) as archive:
        schema = json.loads(archive.read("schema.json"))
    found: set[str] = set()
    stack: list[object] = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "__class__" in node:
                found.add(f"{node.get('__module__', '')}.{node['__class__']}")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def load_model(model_dir: Path | str | None = None) -> PrincipleModel | None:
    """Load `models/principles.skops`; None when there is no model file (ingest then skips labels).

    Raises ModelError when the file holds a type outside TRUSTED_TYPES or is otherwise unusable.
    """
    from skops.io import get_untrusted_types, load

    path = Path(model_dir) if model_dir is not None else MODEL_DIR
    if path.is_dir() or path.suffix != ".skops":
        path = path / MODEL_FILE
    if not path.is_file():
        return None
    try:
        found = archive_types(path) | set(get_untrusted_types(file=path))
    except Exception as exc:  # a corrupt archive: zipfile / json / skops errors
        raise ModelError(f"{path}: not a readable skops model ({exc}); run `icsdocs train`") from exc
    untrusted = sorted(found - set(TRUSTED_TYPES))
    if untrusted:
        raise ModelError(f"{path}: refuses to load untrusted types {untrusted}")
    data = load(path, trusted=list(TRUSTED_TYPES))
    if not isinstance(data, dict):
        raise ModelError(f"{path}: expected a model dictionary, found {type(data).__name__}")
    return PrincipleModel.from_dict(data)


def load_scorer(model_dir: Path | str | None = None):
    """The model ingest scores with: the plain arrays (`arrays.py`: numpy only, no scikit-learn import)
    when they were exported from the skops file as it is now, else the skops model itself; None when
    there is no model."""
    from .arrays import arrays_current, load_arrays

    path = Path(model_dir) if model_dir is not None else MODEL_DIR
    folder = path if path.is_dir() or path.suffix != ".skops" else path.parent
    if arrays_current(folder, folder / MODEL_FILE):
        return load_arrays(folder)
    return load_model(model_dir)


@dataclass(frozen=True)
class Domain:
    terms: re.Pattern[str]
    ignore: re.Pattern[str]
    min_per_1000_words: float
    min_words: int
    min_section_terms: int
    min_section_per_1000_words: float


@lru_cache(maxsize=1)
def domain() -> Domain:
    data = read_yaml("domain.yaml")

    def words(key: str) -> re.Pattern[str]:
        return phrase_pattern(sorted((str(p) for p in data[key]), key=len, reverse=True))

    return Domain(words("terms"), words("ignore"), float(data["min_per_1000_words"]), int(data["min_words"]),
                  int(data["min_section_terms"]), float(data["min_section_per_1000_words"]))


def phrase_pattern(phrases: Sequence[str]) -> re.Pattern[str]:
    """Whole-word, any-case alternation of `phrases` (a space matches any run of spaces), tried in the
    given order.  The phrases are grouped under their first letter, so that at each position only those
    that can start there are tried (four times faster than the flat alternation, and the same matches:
    within a group the order is kept, and no phrase of another group can match at that position).  A
    phrase that does not start with an ASCII letter or digit stays a group of its own."""
    groups: dict[str, list[str]] = {}
    for phrase in phrases:
        first = phrase[:1]
        groups.setdefault(first.lower() if first.isascii() and first.isalnum() else phrase, []).append(phrase)

    def rest(phrase: str) -> str:
        return re.escape(phrase[1:]).replace(r"\ ", r"\s+")

    alternatives = "|".join(re.escape(group[0][:1]) + "(?:" + "|".join(map(rest, group)) + ")"
                            for group in groups.values())
    return re.compile(r"\b(?:" + alternatives + r")\b", re.IGNORECASE)


@lru_cache(maxsize=4)  # a paper's text: its rate, then whether it is in the domain, then its assessment
def _paper_count(text: str) -> tuple[int, int]:
    return _domain_count(text)


def _domain_count(text: str) -> tuple[int, int]:
    """(health and care words, all words) of `text` (`pipeline/data/domain.yaml`); attendance lines count
    as words but not as health and care words (a Director of Public Health at a cabinet meeting)."""
    rules = domain()
    subject = _without_attendance(text)
    return len(rules.terms.findall(rules.ignore.sub(" ", subject))), len(text.split())


def _without_attendance(text: str) -> str:
    """`text` less its attendance lines; one pass over the whole text when it has none (most papers)."""
    rules = non_evidence()
    if not rules.attendance_anywhere.search(text) and len(_COUNCILLOR.findall(text)) < rules.min_councillors:
        return text
    return "\n".join(line for line in text.splitlines() if not attendance_line(line))


def warm_up_classify() -> None:
    """Compile the domain and non-evidence rules now (ingest does it before the workers fork)."""
    domain()
    non_evidence()


def _per_1000(terms: int, words: int) -> float:
    return 1000 * terms / words if words else 0.0


def domain_rate(text: str) -> float:
    """Health and care words per 1000 words of `text`."""
    return _per_1000(*_paper_count(text))


def in_domain(text: str, rate: float | None = None) -> bool:
    """Whether a paper is about health and care, as far as its words can tell (short papers always are);
    `rate` is its `domain_rate` when the caller has it already."""
    rules = domain()
    terms, words = _paper_count(text)
    if words < rules.min_words:
        return True
    return (_per_1000(terms, words) if rate is None else rate) >= rules.min_per_1000_words


def classifiable(section: Section) -> bool:
    """A section worth scoring: not a cover sheet, at least MIN_SECTION_CHARS, and more than its own
    heading (a heading on its own, such as "Draft Terms of Reference" before its parts, is a label,
    not evidence)."""
    if section.kind in SKIP_KINDS or len(section.text.strip()) < MIN_SECTION_CHARS:
        return False
    return section.heading is None or normalise(section.text) != normalise(section.heading)


@dataclass(frozen=True)
class NonEvidence:
    """What is never evidence (`pipeline/data/non_evidence.yaml`)."""

    headings: re.Pattern[str]  # nothing under them is evidence
    own_headings: re.Pattern[str]  # the section itself is not evidence, its subsections may be
    lines: re.Pattern[str]  # contents lines, references, links, acknowledgements
    passages: re.Pattern[str]  # meeting headers, list lead-ins: not evidence, but no sign of a contents page
    attendance: re.Pattern[str]  # who attended: not evidence, and not the paper's subject
    attendance_anywhere: re.Pattern[str]  # the same, at the start of any line of a text
    min_councillors: int
    heading_max_words: int
    max_line_chars: int
    min_line_share: float
    min_lines: int


@lru_cache(maxsize=1)
def non_evidence() -> NonEvidence:
    data = read_yaml("non_evidence.yaml")

    def either(key: str) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in data[key]), re.IGNORECASE)

    return NonEvidence(either("headings"), either("own_headings"), either("lines"), either("passages"),
                       either("attendance"),
                       re.compile(either("attendance").pattern, re.IGNORECASE | re.MULTILINE),
                       int(data["min_councillors"]), int(data["heading_max_words"]),
                       int(data["max_line_chars"]),
                       float(data["min_line_share"]), int(data["min_lines"]))


_NUMBERING = re.compile(r"^\s*(?:(?:section|part|chapter)\s+)?(?:[0-9]+(?:\.[0-9]+)*|[a-z]|[ivx]+)?[.):]?\s+",
                        re.IGNORECASE)
_SENTENCE_MARK = re.compile(r"[.!?;:]\s*[\"'’”)]?\s*$")


def _bare_heading(text: str) -> str:
    return _NUMBERING.sub("", " " + normalise(text)).strip(" :.-–").lower()


def non_evidence_heading(heading: str, *, own: bool = True) -> bool:
    """A heading such as "4. References" or "Useful links" (nothing under it is evidence), or, for the
    section's `own` heading, "Contents" (the contents page itself)."""
    bare = _bare_heading(heading)
    rules = non_evidence()
    return bool(rules.headings.fullmatch(bare) or (own and rules.own_headings.fullmatch(bare)))


@lru_cache(maxsize=16384)  # a section's lines are checked, then mostly the same strings as its passages
def non_evidence_line(line: str) -> bool:
    """A contents line, a reference entry, a link or an acknowledgement (`non_evidence.yaml` lines)."""
    rules = non_evidence()
    return len(line) <= rules.max_line_chars and bool(rules.lines.search(normalise(line)))


_COUNCILLOR = re.compile(r"\b(?:councillor|cllr)\b", re.IGNORECASE)


def attendance_line(line: str) -> bool:
    """Who attended: "Present: ...", "Apologies for absence ...", or a line naming several councillors."""
    rules = non_evidence()
    return bool(rules.attendance.match(line)) or len(_COUNCILLOR.findall(line)) >= rules.min_councillors


def non_evidence_passage(text: str) -> bool:
    """A passage that is never evidence: a `non_evidence_line`, a meeting header or a list lead-in."""
    rules = non_evidence()
    if attendance_line(text):
        return True
    if len(text) > rules.max_line_chars:
        return False
    return non_evidence_line(text) or bool(rules.passages.search(normalise(text)))


def heading_like(text: str, headings: Sequence[str] = ()) -> bool:
    """A label rather than a statement: one of the section's own headings, or a few words with no
    sentence ending ("Mental health and wellbeing")."""
    words = len(text.split())
    if words <= non_evidence().heading_max_words and not _SENTENCE_MARK.search(text):
        return True
    # Only a line as short as a heading can be one of the section's headings.
    if words > 2 * max((len(h.split()) for h in headings if h), default=0):
        return False
    bare = _bare_heading(text)
    return any(bare == _bare_heading(h) for h in headings if h)


def evidence_section(section: Section) -> bool:
    """A section that may hold evidence: `classifiable`, not under a contents / references /
    acknowledgements / links heading, and not mostly contents lines, references or links."""
    if not classifiable(section):
        return False
    if section.heading and non_evidence_heading(section.heading):
        return False
    if any(non_evidence_heading(h, own=False) for h in section.heading_path if h):
        return False
    rules = non_evidence()
    lines = [line for line in section.text.splitlines() if line.strip()]
    if len(lines) < rules.min_lines:
        return True
    return sum(non_evidence_line(line) for line in lines) < rules.min_line_share * len(lines)


@lru_cache(maxsize=4096)  # classify_sections and then assessment ask for the same sections
def evidence_passages(section: Section) -> tuple[tuple[int, int], ...]:
    """Local spans of the section's passages that can be evidence: none when the section cannot be
    (`evidence_section`); otherwise its passages less headings, contents lines, references and links."""
    if not evidence_section(section):
        return ()
    spans = split_passages(section.text) or [_strip_span(section.text, 0, len(section.text))]
    headings = (*section.heading_path, section.heading or "")
    return tuple((start, end) for start, end in spans
                 if not heading_like(section.text[start:end], headings)
                 and not non_evidence_passage(section.text[start:end]))


@lru_cache(maxsize=4096)  # classify_sections and then assessment ask for the same sections
def _section_in_domain(section: Section) -> bool:
    """A section of a paper outside health and care that is itself about it (the health item of a
    council's minutes): enough health and care words, as densely as in a paper on the subject."""
    rules = domain()
    terms, words = _domain_count(" ".join((*section.heading_path, section.text)))
    return terms >= rules.min_section_terms and _per_1000(terms, words) >= rules.min_section_per_1000_words


def assessment(parsed: ParsedDocument, sections: Sequence[Section], *,
               paper_rate: float | None = None) -> str:
    """Whether the paper was assessed against the principles (`documents.principles_status`): 'assessed',
    'health_sections' (outside health and care, its health and care sections assessed), 'outside_domain'
    or 'no_text' (no passage that could be evidence)."""
    if not any(evidence_passages(s) for s in sections):
        return "no_text"
    if in_domain(parsed.text, paper_rate):
        return "assessed"
    health = any(_section_in_domain(s) and evidence_passages(s) for s in sections)
    return "health_sections" if health else "outside_domain"


def classify_sections(
    model: PrincipleModel | None, parsed: ParsedDocument, sections: Sequence[Section], *,
    paper_rate: float | None = None,
) -> list[SectionLabel]:
    """Label every section with each principle it scores at least the model's floor on.

    Sections that are not `classifiable` are skipped; in a paper outside health and care
    (`in_domain`) so is every section that is not itself about it.  Each label's evidence is the section's
    best passage for that principle, with offsets into the document text and its page.  `paper_rate` is
    the paper's `domain_rate` when the caller has it already.
    """
    if model is None:
        return []
    whole_paper = in_domain(parsed.text, paper_rate)
    owners: list[int] = []
    spans: list[tuple[int, int]] = []
    texts: list[str] = []
    for i, section in enumerate(sections):
        if not whole_paper and not _section_in_domain(section):
            continue
        for start, end in evidence_passages(section):
            owners.append(i)
            spans.append((start, end))
            texts.append(section.text[start:end])
    if not texts:
        return []
    scores = model.scores(texts, owners)
    owner_arr = np.asarray(owners)
    labels: list[SectionLabel] = []
    for i in dict.fromkeys(owners):
        rows = np.flatnonzero(owner_arr == i)
        block = scores[rows]
        best = block.argmax(axis=0)
        section = sections[i]
        for j, principle_id in enumerate(model.principle_ids):
            score = float(block[best[j], j])
            if score < model.floor:
                continue
            row = rows[best[j]]
            start, end = spans[row]
            doc_start = section.char_start + start
            labels.append(
                SectionLabel(
                    doc_id=section.doc_id,
                    section_id=section.section_id,
                    principle_id=principle_id,
                    framework=model.frameworks[j],
                    score=round(score, 4),
                    method=model.method,
                    evidence_text=texts[row],
                    evidence_start=doc_start,
                    evidence_end=section.char_start + end,
                    page=parsed.page_at(doc_start),
                )
            )
    return labels


def load_card(model_dir: Path | str | None = None) -> dict | None:
    """The model card JSON beside the model (training data, thresholds, cross-validated figures)."""
    import json

    path = Path(model_dir or MODEL_DIR) / "model_card.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
