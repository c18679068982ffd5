"""spaCy imported without its command line: the real one still comes when asked for."""

import subprocess
import sys

PROGRAM = """
import sys
from pipeline.spacyimport import import_spacy
spacy = import_spacy()
print("cli imported" if "spacy.cli" in sys.modules else "no cli")
print(spacy.blank("en")("two words").__len__())
print(spacy.info()["spacy_version"] == spacy.__version__)
import spacy.cli
print(callable(spacy.cli.download))
"""


def test_spacy_comes_without_its_command_line_until_it_is_asked_for():
    done = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:4] == ["no cli", "2", "True", "True"]


FALLBACK = """
import sys
import pipeline.spacyimport as spacyimport
spacyimport.CLI_MODULES = (*spacyimport.CLI_MODULES, "spacy.tokens")  # as if spaCy needed more at import
spacy = spacyimport.import_spacy()
print(spacy.blank("en")("two words").__len__())
print(type(sys.modules["spacy.tokens"].Doc).__name__)
"""


def test_a_spacy_that_needs_more_than_the_stand_ins_is_imported_plainly():
    done = subprocess.run([sys.executable, "-c", FALLBACK], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:2] == ["2", "type"]
