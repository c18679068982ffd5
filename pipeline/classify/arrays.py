"""The trained classifier as plain arrays, scored with numpy alone: what ingest loads.

`icsdocs train` writes the skops archive (the fitted scikit-learn objects, for training and evaluation
tooling) and, beside it, `principles.npz` (arrays only, read with `allow_pickle=False`) and
`principles.json` (the settings: analyzers, principle ids, floor).  Ingest loads these without
importing scikit-learn, scipy or skops (over two seconds of start-up): each TF-IDF vectoriser is
re-done here as its analyzer (word or char_wb n-grams, exactly as scikit-learn cuts them), a
vocabulary lookup, sublinear tf, idf and an L2 norm, and the linear model as a weighted sum over the
non-zero features.  Decision values equal the skops model's to rounding (~1e-15).

`export_arrays` is the one place that knows the fitted objects: a `FeatureUnion` of (or a single)
`TfidfVectorizer`, the stacked weights, Platt calibration, thresholds and the codebook lexicon.  A
setting it cannot reproduce (a custom tokenizer, accent stripping) is refused at export, not silently
scored differently.  The JSON records the SHA-256 of the skops file it came from, so a retrained
archive never meets stale arrays.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ModelError
from ..paths import file_sha256
from .lexicon import lexical_features
from .model import calibrated, normalise

ARRAYS_FILE = "principles.npz"
SETTINGS_FILE = "principles.json"
FORMAT = 1
ANALYZERS = ("word", "char_wb", "char")
# Vectoriser settings this module reproduces; any other value is refused at export.
FIXED_SETTINGS = {"input": "content", "preprocessor": None, "tokenizer": None, "strip_accents": None,
                  "binary": False, "vocabulary": None}
WORD_CACHE = 200_000
_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's own, before char n-grams


# ---------------------------------------------------------------------------------------------- export

def _vectorizers(union: object) -> list[tuple[str, object]]:
    """(name, TfidfVectorizer) of a FeatureUnion, or the vectoriser itself."""
    if hasattr(union, "transformer_list"):
        if getattr(union, "transformer_weights", None):
            raise ModelError("cannot export a FeatureUnion with transformer_weights")
        return list(union.transformer_list)  # type: ignore[attr-defined]
    return [("tfidf", union)]


def _vectorizer_settings(name: str, vec: object) -> dict:
    params = vec.get_params()  # type: ignore[attr-defined]
    odd = {k: params.get(k) for k, v in FIXED_SETTINGS.items() if params.get(k) != v}
    if odd or params["analyzer"] not in ANALYZERS or params["norm"] not in ("l2", None):
        raise ModelError(f"cannot export vectoriser {name!r}: unsupported settings "
                         f"{odd or {k: params[k] for k in ('analyzer', 'norm')}}")
    if np.dtype(params["dtype"]) != np.float64:
        raise ModelError(f"cannot export vectoriser {name!r}: dtype {params['dtype']} (float64 only)")
    return {"name": name, "analyzer": params["analyzer"], "ngram_range": list(params["ngram_range"]),
            "lowercase": bool(params["lowercase"]), "token_pattern": params["token_pattern"],
            "sublinear_tf": bool(params["sublinear_tf"]), "use_idf": bool(params["use_idf"]),
            "norm": params["norm"], "n_features": len(vec.vocabulary_)}  # type: ignore[attr-defined]


def _pack_strings(strings: Sequence[str]) -> dict[str, np.ndarray]:
    """Strings as one UTF-8 blob and their lengths in characters (no object arrays, no pickle)."""
    return {"blob": np.frombuffer("".join(strings).encode("utf-8"), dtype=np.uint8),
            "lengths": np.asarray([len(s) for s in strings], dtype=np.int64)}


def _unpack_strings(blob: np.ndarray, lengths: np.ndarray) -> list[str]:
    text = blob.tobytes().decode("utf-8")
    ends = np.cumsum(lengths).tolist()
    starts = [0, *ends[:-1]]
    return [text[a:b] for a, b in zip(starts, ends, strict=True)]


def _put_strings(arrays: dict[str, np.ndarray], key: str, strings: Sequence[str]) -> None:
    for part, array in _pack_strings(strings).items():
        arrays[f"{key}.{part}"] = array


def _get_strings(data: dict[str, np.ndarray], key: str) -> list[str]:
    return _unpack_strings(data[f"{key}.blob"], data[f"{key}.lengths"])


def export_arrays(model: object, source: Path, model_dir: Path | None = None) -> Path:
    """Write `principles.npz` and `principles.json` for `model` (a `PrincipleModel` whose skops file is
    `source`) into `model_dir` (default: beside `source`); returns the JSON's path."""
    from .lexicon import _stop_words

    model_dir = Path(model_dir or Path(source).parent)
    arrays: dict[str, np.ndarray] = {}
    vectorizers = []
    for k, (name, vec) in enumerate(_vectorizers(model.vectorizer)):  # type: ignore[attr-defined]
        settings = _vectorizer_settings(name, vec)
        terms = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
        if [vec.vocabulary_[t] for t in terms] != list(range(len(terms))):
            raise ModelError(f"cannot export vectoriser {name!r}: its vocabulary columns are not 0..n-1")
        _put_strings(arrays, f"vec{k}.terms", terms)
        if settings["use_idf"]:
            arrays[f"vec{k}.idf"] = np.asarray(vec.idf_, dtype=np.float64)
        stop = vec.get_stop_words() if settings["analyzer"] == "word" else None
        settings["stop_words"] = stop is not None
        if stop is not None:
            _put_strings(arrays, f"vec{k}.stop_words", sorted(stop))
        vectorizers.append(settings)
    weights = np.asarray(model.weights)  # type: ignore[attr-defined]
    if weights.shape[0] != sum(v["n_features"] for v in vectorizers):
        raise ModelError("cannot export: the weights do not match the vectorisers' features")
    arrays["weights_t"] = np.ascontiguousarray(weights.T)  # (n_principles, n_features), dtype kept
    for key in ("bias", "platt", "thresholds"):
        arrays[key] = np.asarray(getattr(model, key), dtype=np.float64)
    lexicon = list(model.lexicon)  # type: ignore[attr-defined]
    has_lexicon = bool(lexicon) and model.lexical_weights is not None  # type: ignore[attr-defined]
    if has_lexicon:
        arrays["lexical_weights"] = np.asarray(model.lexical_weights, dtype=np.float64)  # type: ignore
        _put_strings(arrays, "lexicon.terms", [t for entries in lexicon for t in entries])
        arrays["lexicon.principle"] = np.asarray([j for j, e in enumerate(lexicon) for _ in e],
                                                 dtype=np.int64)
        arrays["lexicon.weight"] = np.asarray([w for e in lexicon for w in e.values()], dtype=np.float64)
        _put_strings(arrays, "lexicon.stop_words", sorted(_stop_words()))
    np.savez_compressed(model_dir / ARRAYS_FILE, **arrays)
    settings_path = model_dir / SETTINGS_FILE
    settings_path.write_text(json.dumps({
        "format": FORMAT, "source": Path(source).name, "source_sha256": file_sha256(Path(source)),
        "arrays_sha256": file_sha256(model_dir / ARRAYS_FILE),
        "method": model.method, "floor": float(model.floor),  # type: ignore[attr-defined]
        "principle_ids": list(model.principle_ids), "frameworks": list(model.frameworks),  # type: ignore
        "names": list(model.names), "definitions": list(model.definitions),  # type: ignore[attr-defined]
        "vectorizers": vectorizers, "lexicon": has_lexicon,
        "context_weight": float(getattr(model, "context_weight", 0.0)),
    }, indent=1) + "\n", encoding="utf-8")
    return settings_path


def export_model_dir(model_dir: Path) -> Path:
    """Export the skops model of `model_dir` (no retraining); returns the settings file's path."""
    from .model import MODEL_FILE, load_model

    model = load_model(model_dir)
    if model is None:
        raise ModelError(f"no {MODEL_FILE} in {model_dir}; run `icsdocs train`")
    return export_arrays(model, Path(model_dir) / MODEL_FILE)


# --------------------------------------------------------------------------------------------- scoring

@dataclass(frozen=True, repr=False)
class Analyzer:
    """One TF-IDF vectoriser: texts to (row, column, value) triples of its L2-normalised features."""

    kind: str
    ngram_range: tuple[int, int]
    lowercase: bool
    token: re.Pattern[str]
    stop_words: frozenset[str] | None
    vocabulary: dict[str, int]
    idf: np.ndarray | None
    sublinear_tf: bool
    norm: str | None
    # word -> its char_wb columns, across documents (the same words recur); emptied when it grows large
    words: dict[str, list[int]] = field(default_factory=dict, compare=False)

    def columns(self, text: str, cache: dict[str, list[int]]) -> list[int]:
        """The vocabulary columns of the n-grams of one text, once per occurrence."""
        text = text.lower() if self.lowercase else text
        if self.kind == "char_wb":
            # A word's char_wb n-grams depend on the word alone: looked up once per distinct word.
            out: list[int] = []
            for word in text.split():
                cols = cache.get(word)
                if cols is None:
                    cols = cache[word] = self._known(_char_wb_ngrams(word, *self.ngram_range))
                out.extend(cols)
            return out
        if self.kind == "char":
            return self._known(_char_ngrams(_WHITE_SPACES.sub(" ", text), *self.ngram_range))
        return self._known(_word_ngrams(self.token.findall(text), self.stop_words, *self.ngram_range))

    def _known(self, grams: list[str]) -> list[int]:
        get = self.vocabulary.get
        return [c for c in map(get, grams) if c is not None]

    def features(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows, columns and tf-idf values (each row L2-normalised) of `texts`, sorted by row."""
        cache = self.words
        if len(cache) > WORD_CACHE:
            cache.clear()
        n = len(self.vocabulary)
        keys = [np.asarray(self.columns(t, cache), dtype=np.int64) + i * n for i, t in enumerate(texts)]
        flat = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
        unique, counts = np.unique(flat, return_counts=True)
        rows, cols = np.divmod(unique, n)
        values = counts.astype(np.float64)
        if self.sublinear_tf:
            values = np.log(values) + 1.0
        if self.idf is not None:
            values *= self.idf[cols]
        if self.norm == "l2":
            norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(texts)))
            values /= norms[rows]
        return rows, cols, values


def _word_ngrams(tokens: list[str], stop: frozenset[str] | None, min_n: int, max_n: int) -> list[str]:
    """scikit-learn's `_word_ngrams`: stop words out, then n-grams joined by a space."""
    if stop is not None:
        tokens = [w for w in tokens if w not in stop]
    grams = list(tokens) if min_n == 1 else []
    for n in range(max(min_n, 2), min(max_n + 1, len(tokens) + 1)):
        grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return grams


def _char_wb_ngrams(word: str, min_n: int, max_n: int) -> list[str]:
    """scikit-learn's `_char_wb_ngrams` of one word: n-grams of " word ", a short word counted once."""
    padded = f" {word} "
    length = len(padded)
    grams = []
    for n in range(min_n, max_n + 1):
        grams.extend(padded[i:i + n] for i in range(max(1, length - n + 1)))
        if length <= n:
            break
    return grams


def _char_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    return [text[i:i + n] for n in range(min_n, min(max_n + 1, len(text) + 1))
            for i in range(len(text) - n + 1)]


@dataclass(frozen=True, repr=False)
class ArrayVectorizer:
    """The vectorisers side by side (a FeatureUnion): `decision(texts, weights_t)` is X @ W."""

    analyzers: tuple[Analyzer, ...]

    def decision(self, texts: Sequence[str], weights_t: np.ndarray) -> np.ndarray:
        z = np.zeros((len(texts), weights_t.shape[0]))
        offset = 0
        for analyzer in self.analyzers:
            rows, cols, values = analyzer.features(texts)
            if len(rows):
                # Rows come sorted: each text's terms are one run, summed by reduceat.
                starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
                cols = cols + offset
                for j, weights in enumerate(weights_t):  # one principle at a time: memory stays O(terms)
                    z[rows[starts], j] += np.add.reduceat(weights[cols] * values, starts)
            offset += len(analyzer.vocabulary)
        return z


@dataclass(frozen=True, repr=False)
class ArrayModel:
    """The classifier from `principles.npz`: the interface of `PrincipleModel` that ingest uses."""

    vectorizer: ArrayVectorizer
    weights_t: np.ndarray  # (n_principles, n_features)
    bias: np.ndarray
    platt: np.ndarray
    thresholds: np.ndarray
    principle_ids: tuple[str, ...]
    frameworks: tuple[str, ...]
    names: tuple[str, ...]
    definitions: tuple[str, ...]
    method: str
    floor: float
    lexicon: tuple[dict[str, float], ...] = ()
    lexical_weights: np.ndarray | None = None
    lexicon_stop_words: frozenset[str] = frozenset()
    context_weight: float = 0.0  # as PrincipleModel's: the share of the best neighbour's value added

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        texts = [normalise(t) for t in texts]
        z = self.vectorizer.decision(texts, self.weights_t) + self.bias
        if self.lexicon and self.lexical_weights is not None:
            z = z + lexical_features(texts, list(self.lexicon), stop=self.lexicon_stop_words) \
                * self.lexical_weights
        return z

    def scores(self, texts: Sequence[str], owners: Sequence[int] | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.principle_ids)))
        return calibrated(self.decision(texts), owners, self.context_weight, self.platt)

    def threshold(self, principle_id: str) -> float:
        return float(self.thresholds[self.principle_ids.index(principle_id)])


def _analyzer(settings: dict, data: dict[str, np.ndarray], k: int) -> Analyzer:
    terms = _get_strings(data, f"vec{k}.terms")
    return Analyzer(
        kind=settings["analyzer"], ngram_range=tuple(settings["ngram_range"]),  # type: ignore[arg-type]
        lowercase=settings["lowercase"], token=re.compile(settings["token_pattern"]),
        stop_words=frozenset(_get_strings(data, f"vec{k}.stop_words")) if settings["stop_words"] else None,
        vocabulary=dict(zip(terms, range(len(terms)), strict=True)),
        idf=data[f"vec{k}.idf"] if settings["use_idf"] else None,
        sublinear_tf=settings["sublinear_tf"], norm=settings["norm"])


def _lexicon(data: dict[str, np.ndarray], n_principles: int) -> tuple[dict[str, float], ...]:
    lexicon: list[dict[str, float]] = [{} for _ in range(n_principles)]
    for term, j, weight in zip(_get_strings(data, "lexicon.terms"), data["lexicon.principle"].tolist(),
                               data["lexicon.weight"].tolist(), strict=True):
        lexicon[j][term] = weight
    return tuple(lexicon)


def arrays_current(model_dir: Path, source: Path) -> bool:
    """Whether `model_dir` holds arrays exported from the skops file `source` as it is now."""
    settings_path = model_dir / SETTINGS_FILE
    if not settings_path.is_file() or not (model_dir / ARRAYS_FILE).is_file():
        return False
    settings = json.loads(settings_path.read_text(encoding="utf-8"))
    return settings.get("format") == FORMAT and (
        not source.is_file() or settings.get("source_sha256") == file_sha256(source))


def load_arrays(model_dir: Path) -> ArrayModel:
    """The model from `model_dir/principles.npz` and `principles.json` (no pickle, no scikit-learn)."""
    settings = json.loads((model_dir / SETTINGS_FILE).read_text(encoding="utf-8"))
    try:
        with np.load(model_dir / ARRAYS_FILE, allow_pickle=False) as npz:
            data = {key: npz[key] for key in npz.files}
        n_p = len(settings["principle_ids"])
        analyzers = tuple(_analyzer(v, data, k) for k, v in enumerate(settings["vectorizers"]))
        return ArrayModel(
            vectorizer=ArrayVectorizer(analyzers), weights_t=data["weights_t"], bias=data["bias"],
            platt=data["platt"], thresholds=data["thresholds"],
            principle_ids=tuple(settings["principle_ids"]), frameworks=tuple(settings["frameworks"]),
            names=tuple(settings["names"]), definitions=tuple(settings["definitions"]),
            method=settings["method"], floor=float(settings["floor"]),
            lexicon=_lexicon(data, n_p) if settings["lexicon"] else (),
            lexical_weights=data["lexical_weights"] if settings["lexicon"] else None,
            lexicon_stop_words=frozenset(_get_strings(data, "lexicon.stop_words")) if settings["lexicon"]
            else frozenset(),
            context_weight=float(settings.get("context_weight", 0.0)))
    except (KeyError, ValueError, OSError) as exc:
        raise ModelError(f"{model_dir / ARRAYS_FILE}: unusable model arrays ({exc}); run `icsdocs train`") \
            from exc
