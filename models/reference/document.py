"""The reference-data document (institutions, bodies, strategies, services), validated."""

from datetime import date
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from models.core.text import NO_PERSONAL_DATA, ONE_LINE
from models.reference.enums import (
    BodyKind,
    Cadence,
    ContactRole,
    InstitutionKind,
    Language,
    Pillar,
    Recurrence,
    StrategyStatus,
)
from models.reference.services import ServiceSpec, service_problems

Code = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{0,39}$")]
ShortCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9.-]{0,19}$")]
MAX_BYTES = 5_000_000
MAX_DEPTH = 12
# romania.yaml is 80 KB and 4,848 nodes, so a document at MAX_BYTES holds about 300,000:
# aliases may expand it to three times that, no further
MAX_NODES = 1_000_000
# one line, and no personal data: reference data is emailed and printed everywhere
Clean = ONE_LINE
Private = NO_PERSONAL_DATA
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), Clean, Private
]
WebhookUrl = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=500)]
ShortName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60), Clean, Private
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), Clean, Private
]


class StrictLoader(yaml.SafeLoader):
    """YAML that refuses a key given twice in one mapping, instead of keeping the last."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                mark = key_node.start_mark
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is given twice", mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def depth_of(node: yaml.Node) -> int:
    """How deeply a YAML node nests (measured before building anything from it)."""
    return _measure(node, 1, {})[1]


def _measure(node: yaml.Node, depth: int, known: dict[int, tuple[int, int]]) -> tuple[int, int]:
    """(values, levels) of a node as building it would expand its aliases, within the bounds.

    A node an alias repeats is measured once and counted each time it is used, so a few lines
    of nested aliases are refused at once instead of walked for minutes; an alias inside
    itself nests without end and is refused at MAX_DEPTH.
    """
    if id(node) in known:
        depth += known[id(node)][1] - 1
    if depth > MAX_DEPTH:
        raise ReferenceDataError([f"(document): nested more than {MAX_DEPTH} levels deep"])
    if id(node) in known:
        return known[id(node)]
    children: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [item for pair in node.value for item in pair]
    values, levels = 1, 1
    for child in children:
        size, height = _measure(child, depth + 1, known)
        values, levels = values + size, max(levels, height + 1)
        if values > MAX_NODES:
            raise ReferenceDataError(
                [
                    f"(document): its aliases expand to more than {MAX_NODES:,} values; "
                    "Concord refuses such a document"
                ]
            )
    known[id(node)] = (values, levels)
    return values, levels


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, str_strip_whitespace=True)


class ContactSpec(Strict):
    role: ContactRole
    email: EmailStr


class InstitutionSpec(Strict):
    code: Code
    name: Text
    name_en: Text | None = None
    short_name: ShortName | None = None
    kind: InstitutionKind
    county: Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,2}$")] | None = None
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = "RO"
    language: Language = Language.RO
    parent: Code | None = None
    webhook_url: WebhookUrl | None = None
    contacts: list[ContactSpec] = Field(default_factory=list)


class BodySpec(Strict):
    code: Code
    name: Text
    kind: BodyKind
    chair: Code
    cadence: Cadence
    members: list[Code] = Field(min_length=1)


class MeasureSpec(Strict):
    code: ShortCode
    title: LongText
    indicator: LongText
    deadline: date | None = None
    recurrence: Recurrence | None = None
    responsible: list[Code] = Field(min_length=1)
    partners: list[Code] = Field(default_factory=list)

    @model_validator(mode="after")
    def _deadline_or_recurrence(self) -> "MeasureSpec":
        if (self.deadline is None) == (self.recurrence is None):
            raise ValueError("give exactly one of 'deadline' (a date) or 'recurrence'")
        return self


class SpecificObjectiveSpec(Strict):
    code: ShortCode
    title: LongText
    measures: list[MeasureSpec] = Field(default_factory=list)


class GeneralObjectiveSpec(Strict):
    code: ShortCode
    pillar: Pillar
    title: LongText
    specific: list[SpecificObjectiveSpec] = Field(default_factory=list)


class StrategySpec(Strict):
    code: Code
    name: Text
    legal_basis: Text | None = None
    starts: date
    ends: date
    status: StrategyStatus = StrategyStatus.IN_FORCE
    objectives: list[GeneralObjectiveSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ends_after_start(self) -> "StrategySpec":
        if self.ends < self.starts:
            raise ValueError(f"ends ({self.ends}) is before starts ({self.starts})")
        if self.status == StrategyStatus.IN_FORCE and (
            not self.objectives or not all(general.specific for general in self.objectives)
        ):
            # a closed strategy is kept for the record with what is known of it
            raise ValueError("a strategy in force needs objectives, each with specific ones")
        return self


class ReferenceDocument(Strict):
    version: int = Field(ge=1, le=1)
    institutions: list[InstitutionSpec] = Field(min_length=1)
    bodies: list[BodySpec] = Field(default_factory=list)
    strategies: list[StrategySpec] = Field(default_factory=list)
    services: list[ServiceSpec] = Field(default_factory=list)


class ReferenceDataError(ValueError):
    """The document has problems; each names its place in the file."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def format_location(location: tuple[Any, ...]) -> str:
    """('measures', 12, 'responsible', 1) -> 'measures[12].responsible[1]'."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(document)"


def validation_problems(error: ValidationError) -> list[str]:
    problems = []
    for item in error.errors(include_url=False):
        location = tuple(p for p in item["loc"] if not (isinstance(p, str) and "[" in p))
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "string_pattern_mismatch":
            message = f"{item['input']!r} is not a valid code"
        problems.append(f"{format_location(location)}: {message}")
    return problems


def _duplicates(values: list[str]) -> list[tuple[int, str]]:
    seen: set[str] = set()
    found = []
    for index, value in enumerate(values):
        if value in seen:
            found.append((index, value))
        seen.add(value)
    return found


def _institution_problems(doc: ReferenceDocument) -> list[str]:
    codes = {inst.code for inst in doc.institutions}
    problems = [
        f"institutions[{i}].code: duplicate code {code!r}"
        for i, code in _duplicates([inst.code for inst in doc.institutions])
    ]
    short_names = [inst.short_name for inst in doc.institutions if inst.short_name]
    problems += [
        f"institutions: short name {name!r} is used twice" for _, name in _duplicates(short_names)
    ]
    for i, inst in enumerate(doc.institutions):
        if inst.parent is not None and inst.parent not in codes:
            problems.append(f"institutions[{i}].parent: unknown institution {inst.parent!r}")
        if inst.parent == inst.code:
            problems.append(f"institutions[{i}].parent: {inst.code!r} cannot be its own parent")
        for j, role in _duplicates([c.role.value for c in inst.contacts]):
            problems.append(f"institutions[{i}].contacts[{j}].role: duplicate role {role!r}")
    return problems + _parent_cycle_problems(doc)


def _parent_cycle_problems(doc: ReferenceDocument) -> list[str]:
    parents = {inst.code: inst.parent for inst in doc.institutions}
    problems = []
    for i, inst in enumerate(doc.institutions):
        current, steps = inst.parent, 0
        while current is not None and current != inst.code and steps < len(parents):
            current, steps = parents.get(current), steps + 1
        if current == inst.code and inst.parent != inst.code:
            problems.append(f"institutions[{i}].parent: cycle through {inst.code!r}")
    return problems


def _unknown(codes: set[str], where: str, values: list[str]) -> list[str]:
    return [
        f"{where}[{i}]: unknown institution {value!r}"
        for i, value in enumerate(values)
        if value not in codes
    ]


def _body_problems(doc: ReferenceDocument, codes: set[str]) -> list[str]:
    problems = [
        f"bodies[{i}].code: duplicate code {code!r}"
        for i, code in _duplicates([body.code for body in doc.bodies])
    ]
    for i, body in enumerate(doc.bodies):
        if body.chair not in codes:
            problems.append(f"bodies[{i}].chair: unknown institution {body.chair!r}")
        problems += _unknown(codes, f"bodies[{i}].members", body.members)
        problems += [
            f"bodies[{i}].members[{j}]: {code!r} is listed twice"
            for j, code in _duplicates(body.members)
        ]
    return problems


def _measure_problems(where: str, measure: MeasureSpec, codes: set[str]) -> list[str]:
    problems = _unknown(codes, f"{where}.responsible", measure.responsible)
    problems += _unknown(codes, f"{where}.partners", measure.partners)
    responsible = set(measure.responsible)
    problems += [
        f"{where}.partners[{j}]: {code!r} is already responsible"
        for j, code in enumerate(measure.partners)
        if code in responsible
    ]
    problems += [
        f"{where}.{field}[{j}]: {code!r} is listed twice"
        for field in ("responsible", "partners")
        for j, code in _duplicates(getattr(measure, field))
    ]
    return problems


def _strategy_problems(doc: ReferenceDocument, codes: set[str]) -> list[str]:
    problems = [
        f"strategies[{i}].code: duplicate code {code!r}"
        for i, code in _duplicates([s.code for s in doc.strategies])
    ]
    for s, strategy in enumerate(doc.strategies):
        objective_codes: list[str] = []
        measure_codes: list[str] = []
        for g, general in enumerate(strategy.objectives):
            objective_codes.append(general.code)
            for o, specific in enumerate(general.specific):
                objective_codes.append(specific.code)
                for m, measure in enumerate(specific.measures):
                    where = f"strategies[{s}].objectives[{g}].specific[{o}].measures[{m}]"
                    measure_codes.append(measure.code)
                    problems += _measure_problems(where, measure, codes)
        problems += [
            f"strategies[{s}]: objective code {code!r} is used twice"
            for _, code in _duplicates(objective_codes)
        ]
        problems += [
            f"strategies[{s}]: measure code {code!r} is used twice"
            for _, code in _duplicates(measure_codes)
        ]
    return problems


def _load_yaml(text: str) -> Any:
    """The YAML document, refusing repeated keys and nesting no reference data needs."""
    loader = StrictLoader(text)
    try:
        node = _compose(loader)
        if node is not None and depth_of(node) > MAX_DEPTH:
            raise ReferenceDataError([f"(document): nested more than {MAX_DEPTH} levels deep"])
        return loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def _compose(loader: StrictLoader) -> yaml.Node | None:
    try:
        node: yaml.Node | None = loader.get_single_node()
    except RecursionError:  # the parser itself recurses: an absurd nesting stops it
        raise ReferenceDataError(
            [f"(document): nested more than {MAX_DEPTH} levels deep"]
        ) from None
    return node


def read_yaml(text: str) -> Any:
    """A YAML document of reference data, bounded in size and depth, with no repeated key."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ReferenceDataError([f"(document): larger than {MAX_BYTES // 1_000_000} MB"])
    try:
        raw = _load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(document)"
        reason = getattr(exc, "problem", None) or str(exc)
        raise ReferenceDataError([f"{place}: not valid YAML: {reason}"]) from None
    return raw


def parse_reference_document(text: str) -> ReferenceDocument:
    """Parse and validate the whole document; raise ReferenceDataError listing every problem."""
    raw = read_yaml(text)
    if not isinstance(raw, dict):
        raise ReferenceDataError(
            ["(document): expected a mapping with 'version' and 'institutions'"]
        )
    try:
        doc = ReferenceDocument.model_validate(raw)
    except ValidationError as exc:
        raise ReferenceDataError(validation_problems(exc)) from None
    codes = {inst.code for inst in doc.institutions}
    problems = (
        _institution_problems(doc) + _body_problems(doc, codes) + _strategy_problems(doc, codes)
    ) + service_problems(doc.services, codes)
    if problems:
        raise ReferenceDataError(problems)
    return doc
