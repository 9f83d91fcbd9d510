"""A row's height counts the lines textwrap would wrap its text into, only faster."""

import random
import textwrap

from models.core.workbooks import _wrapped_lines

WORDS = ["I00001:", "19;", "a", "Măsura", "acțiuni", "comune", "de", "prevenire", "", " ", "  "]
ODD = ["in-progress", "a--b", "x\ty", "cuvântfoartelungfărăspații", "-", "\r"]


def test_it_counts_as_many_lines_as_textwrap_for_plain_and_odd_text() -> None:
    draw = random.Random(7)
    for _ in range(5000):
        words = draw.choices(WORDS + ODD if draw.random() < 0.2 else WORDS, k=draw.randint(0, 40))
        text = draw.choice([" ", "  ", ""]).join(words)
        width = draw.randint(1, 40)
        assert _wrapped_lines(text, width) == (len(textwrap.wrap(text, width)) or 1), (text, width)
