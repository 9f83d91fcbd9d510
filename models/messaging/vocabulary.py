"""The names of the codes every reader meets: the engine's own, then each installed duty's.

The engine names progress, assignment statuses and pillars; each duty names its statuses,
its form fields and its choices in `Duty.words`. A code named twice keeps the engine's word
(a duty's "done" or "cancelled" is the engine's), then the first installed duty's; duties
that share a code ("closed", "accepted", "note") name it with the same message.
"""

import sys
from collections.abc import Iterator, Mapping

from models.core.i18n import N_, translate
from models.lifecycle.duty import DUTIES_MODULE, installed_duties

ENGINE_WORDS: dict[str, str] = {
    # progress of a measure or an action item
    "not-started": N_("not started"),
    "in-progress": N_("in progress"),
    "done": N_("done"),
    "blocked": N_("blocked"),
    # assignment statuses (done is shared with progress)
    "open": N_("open"),
    "reminded": N_("reminded"),
    "overdue": N_("overdue"),
    "escalated": N_("escalated"),
    "waived": N_("waived"),
    "cancelled": N_("cancelled"),
    # pillars of the strategy
    "prevention": N_("prevention"),
    "combating": N_("combating"),
    "protection": N_("protection"),
    "partnership": N_("partnership"),
}


def duty_words() -> tuple[Mapping[str, str], ...] | None:
    """Each installed duty's words; None while the duties are being imported (not yet known)."""
    root = sys.modules.get(DUTIES_MODULE)
    if root is None and _importing():
        return None  # importing the duties now could re-enter the module being imported
    if root is not None and not hasattr(root, "INSTALLED"):
        return None  # the composition root itself is being imported
    return tuple(duty.words for duty in installed_duties())


def _importing() -> bool:
    """True while a module of Concord's models is being imported (its code still runs)."""
    return any(
        getattr(getattr(module, "__spec__", None), "_initializing", False)
        for name, module in tuple(sys.modules.items())
        if name.startswith("models.")
    )


class Vocabulary(Mapping[str, str]):
    """Words over the installed duties' words, merged on first use; the first to name a code
    wins. Before the duties are known (while they import), it holds its own words alone."""

    def __init__(self, own: Mapping[str, str]) -> None:
        self._own = own
        self._merged: dict[str, str] | None = None

    def _words(self) -> Mapping[str, str]:
        if self._merged is None:
            layers = duty_words()
            if layers is None:
                return self._own
            merged: dict[str, str] = {}
            for layer in (self._own, *layers):
                merged |= {str(code): word for code, word in layer.items() if code not in merged}
            self._merged = merged
        return self._merged

    def __getitem__(self, code: str) -> str:
        return self._words()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._words())

    def __len__(self) -> int:
        return len(self._words())


VOCABULARY = Vocabulary(ENGINE_WORDS)


def name_in(names: Mapping[str, str], code: str, language: str) -> str:
    """The name `names` gives a code, in `language`; the code itself when it has none."""
    return translate(language, names[code]) if code in names else code
