"""Load, validate and compile a rate table.

The slow path (YAML + pydantic, ~150 ms of imports) runs once per table: the compiled
table is cached beside the user's other caches, stamped with a hash of the table's
bytes, this package's code and the shipped table, so a typical run reads one small
pickle instead. A table read from stdin or a pipe is never cached. Every table is read
through one bounded reader and parsed by one bounded YAML loader.
"""

from __future__ import annotations

import io
import os
import pickle
import zlib
from collections.abc import Callable, Iterable
from contextlib import suppress
from functools import partial
from itertools import pairwise
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import TYPE_CHECKING, Any, TypeVar

from tariffcalc.errors import RatesError, close_matches
from tariffcalc.files import read_at_most
from tariffcalc.law import domain
from tariffcalc.law.domain import (
    Fees,
    HtsLine,
    HtsList,
    ListEntry,
    Measure,
    MpfYear,
    Period,
    Preference,
    RateTable,
    Ruling,
    Scenario,
    Sector,
    StoredEntry,
)

try:  # what hashlib.blake2b is; importing hashlib would also load OpenSSL, ~3 ms a run
    from _blake2 import blake2b as _blake2b
except ImportError:  # a Python built without it
    from hashlib import blake2b as _blake2b

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

    from tariffcalc.law.schema import (
        HtsListModel,
        MeasureModel,
        OriginFileModel,
        PeriodModel,
        RateTableModel,
        ScenarioModel,
    )

CACHE_ENV = "TARIFFCALC_CACHE_DIR"
MAX_TABLE_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 32  # the shipped table nests 6 deep
MAX_ALIASED_NODES = 10_000
Model = TypeVar("Model", bound="BaseModel")


def builtin_path() -> Path:
    """The table shipped in the wheel, or data/rates.yaml in a source checkout."""
    return shipped_data("rates.yaml")


def shipped_data(name: str) -> Path:
    """A file or folder of data/, as packaged in the wheel or in a source checkout."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "data" / name
    if packaged.exists():
        return packaged
    return package.parents[1] / "data" / name


def load_table(path: str | Path | None = None, *, use_cache: bool = True) -> RateTable:
    """Load the table at `path` (default: the shipped one), from the cache when fresh."""
    path = Path(path) if path is not None else builtin_path()
    source = str(path)
    data = read_table(path)
    stamp = _stamp(data) if use_cache and path.is_file() else None  # a pipe is read once
    cached = _read_cache(path, stamp) if stamp else None
    if cached is not None:
        return cached if cached.source == source else cached._replace(source=source)
    table = parse_table(data, source)
    if stamp:
        _write_cache(path, stamp, table)
    return table


def read_table(path: Path) -> bytes:
    """A table file's bytes, through the one bounded reader. The open never waits (a FIFO
    with no writer reads as empty); reading does, so a pipe from `<(...)` is read whole."""
    source = str(path)
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise RatesError(source, ["no such file"]) from None
    except OSError as error:
        raise RatesError(source, [error.strerror or str(error)]) from None
    try:
        if S_ISDIR(os.fstat(handle).st_mode):
            raise RatesError(source, ["is a directory, expected a YAML file"])
        os.set_blocking(handle, True)
        return read_bounded(partial(os.read, handle), source)
    except OSError as error:
        raise RatesError(source, [error.strerror or str(error)]) from None
    finally:
        os.close(handle)


def read_bounded(read: Callable[[int], bytes], source: str) -> bytes:
    """At most MAX_TABLE_BYTES from `read` (a file, a pipe, standard input or a device such
    as /dev/zero), else an error: never an unbounded read."""
    data = read_at_most(read, MAX_TABLE_BYTES)
    if data is None:
        raise RatesError(source, [f"larger than {MAX_TABLE_BYTES} bytes"])
    return data


def parse_table(data: bytes, source: str) -> RateTable:
    """Validate and compile a table from its YAML bytes; `source` names it in messages."""
    model, origin_files = _validate(data, source)
    return compile_table(model, source, origin_files)


# --- validation ----------------------------------------------------------------


def _validate(data: bytes, source: str) -> tuple[RateTableModel, list[OriginFileModel]]:
    from tariffcalc.law.schema import RateTableModel

    raw = yaml_mapping(data, source, "schema, sectors, measures, ...")
    origin_files: list[OriginFileModel] = []
    if "extends" in raw:
        raw, origin_files = _extend(raw, source)
    raw, own_files = _with_origin_files(raw, source)
    origin_files += own_files
    model = validated(RateTableModel, raw, source)
    problems = cross_check(model)
    if problems:
        raise RatesError(source, problems)
    return model, origin_files


def _with_origin_files(
    raw: dict[str, Any], source: str
) -> tuple[dict[str, Any], list[OriginFileModel]]:
    """The table with the measures of its `origin_files` (data/origins/NAME.yaml, each
    validated on its own so that a problem names its file) after its own, and the files."""
    from tariffcalc.law.schema import OriginFileModel

    names = raw.get("origin_files") or []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return raw, []  # the table's own validation says what is wrong
    shipped = {path.stem: path for path in _shipped_origin_files()}
    unknown = [f"origin_files: unknown file {shown(n)}" for n in names if n not in shipped]
    if unknown:
        raise RatesError(source, [*unknown, f"origin files shipped: {', '.join(sorted(shipped))}"])
    files, measures = [], list(raw.get("measures") or [])
    for name in names:
        path = shipped[name]
        file_raw = yaml_mapping(read_table(path), str(path), "schema, title, origins, measures")
        files.append(validated(OriginFileModel, file_raw, str(path)))
        measures += file_raw.get("measures") or []
    return {**raw, "measures": measures}, files


def yaml_mapping(data: bytes, source: str, expected: str) -> dict[str, Any]:
    """A YAML document that must be a mapping (`expected` names its keys)."""
    raw = _parse_yaml(data, source)
    if not isinstance(raw, dict):
        raise RatesError(source, [f"expected a mapping with {expected}"])
    return raw


def validated(model: type[Model], raw: dict[str, Any], source: str) -> Model:
    """`raw` as a `model`, or every problem with its path in the file."""
    from pydantic import ValidationError

    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise RatesError(source, _describe(error, raw)) from None


def _parse_yaml(data: bytes, source: str) -> Any:
    """YAML with the safe loader only: tags that would build Python objects are refused."""
    import yaml

    loader = yaml_loader()(data)
    try:
        root = _BoundedComposer(loader).document()
        return None if root is None else loader.construct_document(root)
    except yaml.YAMLError as error:
        raise RatesError(source, [f"not valid YAML: {clipped(_one_line(error), 200)}"]) from None
    except ValueError as error:  # an impossible date such as 2025-02-30, or a bound below
        raise RatesError(source, [f"not valid YAML: {clipped(str(error), 200)}"]) from None
    finally:
        loader.dispose()


def yaml_loader() -> Any:
    """The safe loader, libyaml's when it is installed (about ten times faster)."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _BoundedComposer:
    """The document's node graph, composed here rather than by the loader so that it is
    bounded as it is read: no key twice in a mapping, no nesting deeper than MAX_DEPTH
    (libyaml's composer overflows the C stack near 100,000 levels) and no more than
    MAX_ALIASED_NODES nodes reached through aliases (600 bytes of aliases can stand for
    a billion strings). Iterative, so no depth reaches Python's recursion limit."""

    def __init__(self, loader: Any) -> None:
        import yaml  # its event and node types

        self.yaml = yaml
        self.loader = loader
        self.anchors: dict[str, Any] = {}
        self.sizes: dict[int, int] = {}  # id(node) -> its node count, aliases expanded
        self.aliased = 0

    def document(self) -> Any:
        self.loader.get_event()  # stream start
        if self.loader.check_event(self.yaml.StreamEndEvent):
            return None
        self.loader.get_event()  # document start
        root = self._root()
        self.loader.get_event()  # document end
        if not self.loader.check_event(self.yaml.StreamEndEvent):
            raise ValueError(f"{_line(self.loader.peek_event())}: expected a single document")
        return root

    def _root(self) -> Any:
        yaml = self.yaml
        open_nodes: list[Any] = []
        while True:
            event = self.loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                if len(open_nodes) == MAX_DEPTH:
                    raise ValueError(f"{_line(event)}: nested deeper than {MAX_DEPTH} levels")
                open_nodes.append(self._opened(event))
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                node = self._closed(open_nodes.pop(), event)
            elif isinstance(event, yaml.AliasEvent):
                node = self._alias(event)
            else:
                node = self._scalar(event)
            if not open_nodes:
                return node
            open_nodes[-1].value.append(node)

    def _opened(self, event: Any) -> Any:
        mapping = isinstance(event, self.yaml.MappingStartEvent)
        kind = self.yaml.MappingNode if mapping else self.yaml.SequenceNode
        node = kind(self._tag(kind, event), [], event.start_mark, None, event.flow_style)
        self._anchor(event, node)
        return node

    def _scalar(self, event: Any) -> Any:
        tag = self._tag(self.yaml.ScalarNode, event)
        node = self.yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        self._anchor(event, node)
        self.sizes[id(node)] = 1
        return node

    def _alias(self, event: Any) -> Any:
        node = self.anchors.get(event.anchor)
        name = clipped(event.anchor, 40)
        if node is None:
            raise ValueError(f"{_line(event)}: alias *{name} names no anchor")
        if id(node) not in self.sizes:
            raise ValueError(f"{_line(event)}: alias *{name} is inside its own anchor")
        self.aliased += self.sizes[id(node)]
        if self.aliased > MAX_ALIASED_NODES:
            raise ValueError(
                f"{_line(event)}: aliases expand to more than {MAX_ALIASED_NODES} values"
            )
        return node

    def _closed(self, node: Any, event: Any) -> Any:
        """A finished collection: its keys checked for duplicates, its size counted."""
        node.end_mark = event.end_mark
        children = node.value
        if isinstance(node, self.yaml.MappingNode):
            node.value = list(zip(children[::2], children[1::2], strict=True))
            _refuse_duplicate_keys(node.value)
        self.sizes[id(node)] = 1 + sum(self.sizes[id(child)] for child in children)
        return node

    def _anchor(self, event: Any, node: Any) -> None:
        if event.anchor is not None:
            self.anchors[event.anchor] = node

    def _tag(self, kind: type, event: Any) -> str:
        if event.tag is None or event.tag == "!":
            return str(self.loader.resolve(kind, getattr(event, "value", None), event.implicit))
        return str(event.tag)


def _refuse_duplicate_keys(pairs: list[tuple[Any, Any]]) -> None:
    from yaml import nodes

    first_line: dict[tuple[str, str], int] = {}
    for key, _ in pairs:
        if not isinstance(key, nodes.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        line = key.start_mark.line + 1
        if (key.tag, key.value) in first_line:
            first = first_line[key.tag, key.value]
            raise ValueError(
                f"line {line}: key {shown(key.value)} appears twice (first on line {first})"
            )
        first_line[key.tag, key.value] = line


def _line(event: Any) -> str:
    return f"line {event.start_mark.line + 1}"


def shown(value: object, width: int = 80) -> str:
    """A value for a message: its repr, cut short (through aliases it can be huge)."""
    import reprlib

    limited = reprlib.Repr()
    limited.maxlevel, limited.maxstring, limited.maxother = 3, width, width
    return clipped(limited.repr(value), width)


def clipped(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _extend(raw: dict[str, Any], source: str) -> tuple[dict[str, Any], list[OriginFileModel]]:
    """A table that `extends: builtin` adds to or replaces parts of the shipped one:
    measures (its origin files' too) and scenarios by id, sectors, HTS lines, legal bases
    and fees by key. Also the shipped origin files, read once."""
    if raw["extends"] != "builtin":
        raise RatesError(source, [f"extends: expected 'builtin', got {shown(raw['extends'])}"])
    builtin = builtin_path()
    merged: dict[str, Any] = _parse_yaml(builtin.read_bytes(), str(builtin))
    merged, files = _with_origin_files(merged, str(builtin))
    merged.pop("origin_files", None)  # read: a table extending it may name more
    for key, value in raw.items():
        if key == "extends":
            continue
        base = merged.get(key)
        if isinstance(base, list) and isinstance(value, list):
            merged[key] = _merge_by_id(base, value)
        elif isinstance(base, dict) and isinstance(value, dict):
            merged[key] = {**base, **value}
        else:
            merged[key] = value
    return merged, files


def _merge_by_id(base: list[Any], extra: list[Any]) -> list[Any]:
    replaced = {item.get("id"): item for item in extra if isinstance(item, dict)}
    kept = [replaced.pop(item.get("id"), item) if isinstance(item, dict) else item for item in base]
    return kept + [
        item for item in extra if not isinstance(item, dict) or item.get("id") in replaced
    ]


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def _describe(error: ValidationError, raw: dict[str, Any]) -> list[str]:
    """Pydantic errors as 'path: what was expected', naming measures by id."""
    problems = []
    for item in error.errors():
        path = _path(item["loc"], raw)
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown key"
        elif item["type"] == "missing":
            message = "missing: this key is required"
        problems.append(f"{path}: {message}")
    return problems


def _path(loc: tuple[int | str, ...], raw: Any) -> str:
    text = ""
    node = raw
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                text += f"({clipped(node['id'], 80)})"
        else:
            name = clipped(str(part), 80)  # an unknown key can be any length
            text += f".{name}" if text else name
            node = node.get(part) if isinstance(node, dict) else None
    return text or "(top level)"


def cross_check(model: RateTableModel) -> list[str]:
    """Problems that need the whole table: duplicates, references, overlaps, cycles."""
    from tariffcalc.law.countries import NAMES

    problems: list[str] = []
    countries = set(NAMES) | set(model.country_groups)
    for code, group in model.country_groups.items():
        where = f"country_groups.{code}.members"
        problems += _unknown(where, group.members, set(NAMES), "ISO 3166 code")
    ids = [measure.id for measure in model.measures]
    problems += _duplicates("measures", ids)
    problems += _duplicates("scenarios", [scenario.id for scenario in model.scenarios])
    known, groups = set(ids), {group for m in model.measures for group in m.groups}
    for i, m in enumerate(model.measures):
        where = f"measures[{i}]({m.id})"
        problems += _unknown(f"{where}.supersedes", m.supersedes, known, "measure")
        problems += _unknown(f"{where}.yields_to", m.yields_to, groups, "group")
        problems += _unknown(
            f"{where}.legal_basis", [m.legal_basis], set(model.legal_bases), "legal basis"
        )
        if m.sectors != "all":
            problems += _unknown(f"{where}.sectors", m.sectors, set(model.sectors), "sector")
        if m.origins != "all":
            problems += _unknown(
                f"{where}.origins", m.origins, countries, "ISO 3166 code or country group"
            )
        if m.id in m.supersedes:
            problems.append(f"{where}.supersedes: a measure cannot supersede itself")
        problems += _overlaps(f"{where}.in_force", m.in_force)
    for i, s in enumerate(model.scenarios):
        where = f"scenarios[{i}]({s.id})"
        problems += _unknown(f"{where}.measures", s.measures, known, "measure")
        problems += _unknown(f"{where}.measure_groups", s.measure_groups, groups, "group")
        if s.origins is not None:
            problems += _unknown(f"{where}.origins", s.origins, countries, "ISO 3166 code")
        if s.by_date and s.measures:
            problems.append(f"{where}: by_date selects measures by date; list no measures")
    for i, ruling in enumerate(model.rulings):
        problems += _unknown(
            f"rulings[{i}].legal_basis", [ruling.legal_basis], set(model.legal_bases), "legal basis"
        )
    if "general" not in model.sectors:
        problems.append("sectors: expected a 'general' sector, the fallback for unlisted HTS codes")
    problems += _prefix_clashes(model)
    problems += _fee_problems(model)
    problems += [f"measures: {cycle}" for cycle in _yield_cycles(model.measures)]
    problems += _supersede_cycles(model.measures)
    problems += _hts_duplicates(model)
    return problems


def _duplicates(where: str, ids: list[str]) -> list[str]:
    seen: set[str] = set()
    repeated = [i for i in ids if i in seen or seen.add(i)]  # type: ignore[func-returns-value]
    return [f"{where}: id {i!r} is used more than once" for i in dict.fromkeys(repeated)]


def _unknown(where: str, names: Iterable[str], known: set[str], what: str) -> list[str]:
    problems = []
    for name in names:
        if name not in known:
            close = close_matches(name, sorted(known))
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"{where}: {name!r} is not a {what} of this table{hint}")
    return problems


def _overlaps(where: str, periods: list[PeriodModel]) -> list[str]:
    problems = []
    for i, p in enumerate(periods):
        if p.end is not None and p.end < p.start:
            problems.append(f"{where}[{i}]: ends ({p.end}) before it starts ({p.start})")
    ordered = sorted(periods, key=lambda p: p.start)
    for earlier, later in pairwise(ordered):
        if earlier.end is None or later.start <= earlier.end:
            problems.append(
                f"{where}: periods from {earlier.start} and from {later.start} overlap;"
                " expected dates in force that do not overlap"
            )
    return problems


def _prefix_clashes(model: RateTableModel) -> list[str]:
    owner: dict[str, str] = {}
    problems = []
    for sector_id, sector in model.sectors.items():
        for prefix in sector.hts:
            if prefix in owner:
                problems.append(
                    f"sectors.{sector_id}.hts: prefix {prefix} is also in sector {owner[prefix]}"
                )
            owner[prefix] = sector_id
    return problems


def _fee_problems(model: RateTableModel) -> list[str]:
    problems = []
    years = model.fees.mpf.years
    for i, year in enumerate(years):
        where = f"fees.mpf.years[{i}]"
        if year.end < year.start:
            problems.append(f"{where}: ends ({year.end}) before it starts ({year.start})")
        if (year.min is None) != (year.max is None):
            problems.append(f"{where}: give both min and max, or neither (not confirmed)")
        if year.min is not None and year.max is not None and year.min > year.max:
            problems.append(f"{where}: min {year.min} is above max {year.max}")
    ordered = sorted(years, key=lambda y: y.start)
    for earlier, later in pairwise(ordered):
        if later.start <= earlier.end:
            problems.append(
                f"fees.mpf.years: FY{earlier.fiscal_year} and FY{later.fiscal_year} overlap"
            )
    if not any(year.min is not None for year in years):
        problems.append("fees.mpf.years: at least one year needs confirmed min and max")
    return problems


def _hts_duplicates(model: RateTableModel) -> list[str]:
    """`8703.23.01` and `87032301` are one line: the second would silently replace the first."""
    first: dict[str, str] = {}
    problems = []
    for code in model.hts:
        digits = code.replace(".", "")
        if digits in first:
            problems.append(f"hts: {first[digits]!r} and {code!r} are the same HTS line")
        first.setdefault(digits, code)
    return problems


def _supersede_cycles(measures: list[MeasureModel]) -> list[str]:
    """Measures that supersede each other (through others) would all be dropped: name each
    cycle, found by one depth-first walk (iterative: a long chain is no recursion)."""
    replaces = {m.id: [o for o in m.supersedes if o != m.id] for m in measures}
    state: dict[str, str] = {}  # "walking" while on the current path, then "done"
    problems = []
    for root in replaces:
        if root in state:
            continue
        path, pending = [root], [iter(replaces[root])]
        state[root] = "walking"
        while pending:
            following = next(pending[-1], None)
            if following is None:
                state[path.pop()] = "done"
                pending.pop()
            elif state.get(following) == "walking":
                cycle = clipped(" -> ".join([*path[path.index(following) :], following]), 300)
                problems.append(
                    f"measures: supersedes forms a cycle: {cycle}; each would drop the next"
                )
            elif following in replaces and following not in state:
                state[following] = "walking"
                path.append(following)
                pending.append(iter(replaces[following]))
    return problems


def _yield_cycles(measures: list[MeasureModel]) -> list[str]:
    """A measure that yields to a group cannot be (through others) what that group yields to."""
    members: dict[str, list[str]] = {}
    for m in measures:
        for group in m.groups:
            members.setdefault(group, []).append(m.id)
    waits_on = {m.id: {o for g in m.yields_to for o in members.get(g, [])} for m in measures}
    try:
        evaluation_order(waits_on)
    except ValueError as error:
        return [str(error)]
    return []


def evaluation_order(waits_on: dict[str, set[str]]) -> list[str]:
    """Ids ordered so that each comes after those it waits on (stable, else ValueError)."""
    order: list[str] = []
    done: set[str] = set()
    pending = list(waits_on)
    while pending:
        ready = [i for i in pending if (waits_on[i] & set(waits_on)) <= done]
        if not ready:
            raise ValueError(f"yields_to forms a cycle among {', '.join(sorted(pending))}")
        order += ready
        done.update(ready)
        pending = [i for i in pending if i not in done]
    return order


# --- compilation -----------------------------------------------------------------


def compile_table(
    model: RateTableModel, source: str, origin_files: Iterable[OriginFileModel] = ()
) -> RateTable:
    groups = {code: frozenset(g.members) for code, g in model.country_groups.items()}
    measures = {m.id: _measure(m, groups) for m in model.measures}
    files = list(origin_files)
    return RateTable(
        coverage={
            code: tuple(origin.gaps) for file in files for code, origin in file.origins.items()
        },
        uncovered=tuple(gap for file in files for gap in file.uncovered),
        preferences={
            key: Preference(
                key,
                p.label,
                tuple(p.codes),
                None if p.origins == "all" else _members(p.origins, groups),
                p.source,
            )
            for file in files
            for key, p in file.preferences.items()
        },
        country_groups=groups,
        lists=_lists(model, source),
        title=model.title,
        source=source,
        legal_bases=dict(model.legal_bases),
        sectors={
            key: Sector(key, s.label, s.mfn, tuple(s.hts), s.metal_content, s.note, s.mfn_note)
            for key, s in model.sectors.items()
        },
        hts={
            digits: HtsLine(digits, line.mfn, line.description)
            for code, line in model.hts.items()
            for digits in [code.replace(".", "")]
        },
        hts_source=model.hts_source,
        measures=measures,
        scenarios={s.id: _scenario(s, model, groups) for s in model.scenarios},
        fees=_fees(model),
        rulings={
            r.legal_basis: Ruling(r.legal_basis, r.decided, r.authority, r.note)
            for r in model.rulings
        },
    )


def _scenario(
    s: ScenarioModel, model: RateTableModel, groups: dict[str, frozenset[str]]
) -> Scenario:
    """A scenario with the measures of its `measure_groups` among its measures."""
    grouped = [m.id for m in model.measures if set(m.groups) & set(s.measure_groups)]
    measures = tuple(dict.fromkeys([*s.measures, *grouped]))
    origins = None if s.origins is None else _members(s.origins, groups)
    return Scenario(s.id, s.label, measures, s.by_date, origins)


def _members(origins: list[str], groups: dict[str, frozenset[str]]) -> frozenset[str]:
    """Origins with each country group among them replaced by its members."""
    return frozenset(c for o in origins for c in groups.get(o, (o,)))


def _measure(m: MeasureModel, groups: dict[str, frozenset[str]]) -> Measure:
    """A measure as the engine reads it: a country group among its origins is its members."""
    return Measure(
        id=m.id,
        label=m.label,
        authority=m.authority,
        source=m.source,
        confidence=m.confidence,
        legal_basis=m.legal_basis,
        origins=None if m.origins == "all" else _members(m.origins, groups),
        sectors=None if m.sectors == "all" else frozenset(m.sectors),
        derivative=m.derivative,
        kind=m.kind,
        rate=m.rate,
        base=m.base,
        in_force=tuple(Period(p.start, p.end) for p in m.in_force),
        headings=tuple(m.headings),
        supersedes=tuple(m.supersedes),
        groups=frozenset(m.groups),
        yields_to=frozenset(m.yields_to),
        note=m.note,
        except_lists=tuple(m.except_lists),
        scope_lists=tuple(m.scope_lists),
        unless_claimed=m.unless_claimed,
        only_if_claimed=m.only_if_claimed,
        us_content_min=m.us_content_min,
    )


# --- HTS lists ---------------------------------------------------------------------


def _lists(model: RateTableModel, source: str) -> dict[str, HtsList]:
    """The shipped lists (data/lists/ID.yaml) that the table's measures name."""
    named = dict.fromkeys(
        name for m in model.measures for name in (*m.except_lists, *m.scope_lists)
    )
    shipped = {path.stem: path for path in _shipped_lists()}
    unknown = [name for name in named if name not in shipped]
    if unknown:
        where = [f"measures: unknown HTS list {shown(name)}" for name in unknown]
        raise RatesError(source, [*where, f"lists shipped: {', '.join(sorted(shipped))}"])
    lists = {name: load_list(shipped[name]) for name in named}
    fields = (("except_lists", "exemption, conditional or partial"), ("scope_lists", "scope"))
    misnamed = [
        f"measures[{i}]({m.id}).{field}: expected a list of kind {kinds},"
        f" got {shown(name)} of kind {lists[name].kind}"
        for i, m in enumerate(model.measures)
        for field, kinds in fields
        for name in getattr(m, field)
        if (lists[name].kind == "scope") != (field == "scope_lists")
    ]
    if misnamed:
        raise RatesError(source, misnamed)
    return lists


def _shipped_lists() -> list[Path]:
    return sorted(shipped_data("lists").glob("*.yaml"))


def _shipped_origin_files() -> list[Path]:
    return sorted(shipped_data("origins").glob("*.yaml"))


def load_list(path: Path) -> HtsList:
    """One list file, validated and compiled: its entries indexed by digit prefix."""
    from tariffcalc.law.schema import HtsListModel

    source = str(path)
    model = validated(HtsListModel, yaml_mapping(read_table(path), source, "id and lines"), source)
    problems = _list_problems(model, path)
    if problems:
        raise RatesError(source, problems)
    entries: dict[str, list[StoredEntry]] = {}
    for line in model.lines:
        end = line.end.toordinal() if line.end is not None else None
        stored = (line.start.toordinal(), end, line.confidence or model.confidence)
        prefix = line.hts.replace(".", "")
        entries.setdefault(prefix, []).append((*stored, line.note, line.article))
    return HtsList(
        id=model.id,
        label=model.label,
        heading=model.heading,
        authority=model.authority,
        source=model.source,
        confidence=model.confidence,
        kind=model.kind,
        claim=model.claim,
        origins=None if model.origins == "all" else frozenset(model.origins),
        note=model.note,
        entries=_shared(entries),
        first_day=min(line.start for line in model.lines),
        prefixes=tuple(sorted(entries)),
        chapters=frozenset(prefix[:2] for prefix in entries),
    )


def _shared(entries: dict[str, list[StoredEntry]]) -> dict[str, tuple[StoredEntry, ...]]:
    """The entries by prefix, equal ones as one object: a list whose lines share their dates
    (the China 301 lists, 12,000 lines) then pickles, and unpickles, many times faster."""
    seen: dict[tuple[StoredEntry, ...], tuple[StoredEntry, ...]] = {}
    shared: dict[str, tuple[StoredEntry, ...]] = {}
    for prefix, found in entries.items():
        key = tuple(found)
        shared[prefix] = seen.setdefault(key, key)
    return shared


def _list_problems(model: HtsListModel, path: Path) -> list[str]:
    problems = []
    if model.id != path.stem:
        problems.append(f"id: expected {shown(path.stem)}, the file's name, got {shown(model.id)}")
    if (model.kind == "exemption" and model.claim is not None) or (
        model.kind in ("conditional", "partial") and model.claim is None
    ):
        problems.append(
            "claim: a conditional or partial list names its claim; an exemption none"
            " (a scope list may: its lines are in scope only when claimed)"
        )
    for i, line in enumerate(model.lines):
        if line.end is not None and line.end < line.start:
            problems.append(f"lines[{i}]({line.hts}): ends before it starts")
    return problems


def _fees(model: RateTableModel) -> Fees:
    mpf, hmf, de_minimis = model.fees.mpf, model.fees.hmf, model.fees.de_minimis
    years = tuple(
        MpfYear(
            fiscal_year=y.fiscal_year,
            period=Period(y.start, y.end),
            minimum=y.min,
            maximum=y.max,
            informal=y.informal,
            confidence=y.confidence,
            note=y.note,
        )
        for y in sorted(mpf.years, key=lambda y: y.start)
    )
    return Fees(
        mpf_rate=mpf.rate,
        mpf_authority=mpf.authority,
        informal_max_value=mpf.informal_max_value,
        mpf_years=years,
        hmf_rate=hmf.rate,
        hmf_authority=hmf.authority,
        hmf_modes=frozenset(hmf.modes),
        hmf_confidence=hmf.confidence,
        de_minimis_max=de_minimis.max_value if de_minimis else None,
        de_minimis_periods=tuple(Period(p.start, p.end) for p in de_minimis.available)
        if de_minimis
        else (),
        de_minimis_authority=de_minimis.authority if de_minimis else "",
    )


# --- cache -----------------------------------------------------------------------
#
# A cache file can be planted or swapped by whoever can write where it lives, so it is
# trusted for nothing but speed: it is read only from a regular file and a directory only
# this user can write, never through a link, a FIFO or a device, at most a few MB, by an
# unpickler that builds the table's own types and nothing else (no function to call, so
# no code to run). Anything wrong with it is a cache miss: the table is parsed again.

_CACHE_MAX_BYTES = 4 * 1024 * 1024  # the shipped table compiles to about 20 KB
_OTHERS_MAY_WRITE = 0o022
_POSIX = all(hasattr(os, name) for name in ("geteuid", "O_NOFOLLOW", "O_DIRECTORY"))
_TABLE_TYPES = frozenset(
    (kind.__module__, kind.__qualname__)
    for kind in (
        *(Fees, HtsLine, HtsList, ListEntry, Measure, MpfYear, Period, Preference),
        *(RateTable, Ruling, Scenario, Sector),
    )
) | {("decimal", "Decimal"), ("datetime", "date")}


def cache_dir() -> Path | None:
    """$TARIFFCALC_CACHE_DIR (empty: no cache), else the XDG cache directory; no cache
    where the checks above cannot be made (no owners, modes or O_NOFOLLOW: Windows)."""
    if not _POSIX:
        return None
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tariffcalc"


def _stamp(data: bytes) -> str:
    """What the compiled table depends on: the table's bytes, and the code that compiles and
    checks it and the shipped data a table may extend or name (the table, its lists and
    origin files), by their status. An edit that keeps the size and the mtime, as `cp -p`
    or `touch -r` do, still changes the ctime, which no tool sets back; a status is read
    in microseconds where the megabyte of shipped data would be read and hashed."""
    here = Path(__file__)
    sources = (
        here,
        here.with_name("schema.py"),
        Path(domain.__file__),
        here.with_name("countries.py"),
    )
    digest = _blake2b(digest_size=20)
    digest.update(len(data).to_bytes(8, "little") + data)
    for path in (*sources, builtin_path(), *_shipped_lists(), *_shipped_origin_files()):
        status = os.stat(path)
        seen = (path, status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
        digest.update(repr(seen).encode())
    return digest.hexdigest()


def _cache_name(path: Path) -> str:
    """One cache file per table path; the stamp inside tells whether it is fresh."""
    return f"table-{zlib.crc32(str(path.resolve()).encode()):08x}.pickle"


class _TableUnpickler(pickle.Unpickler):
    """Builds the types a compiled table is made of and refuses any other name, so a
    planted pickle cannot reach a function to call."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _TABLE_TYPES:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a rate table")
        return super().find_class(module, name)


def _read_cache(path: Path, stamp: str) -> RateTable | None:
    """The table cached for `path` if it was compiled from the same bytes by the same code."""
    directory = cache_dir()
    try:
        data = _read_private(directory, _cache_name(path)) if directory else None
        cached_stamp, table = _TableUnpickler(io.BytesIO(data)).load() if data else (None, None)
    except Exception:  # missing, unreadable, not private or from other code: rebuild it
        return None
    return table if cached_stamp == stamp and isinstance(table, RateTable) else None


def _read_private(directory: Path, name: str) -> bytes | None:
    """The file's bytes if it is a regular file of this user's that only this user can
    write, in such a directory, and not too big; else None. The open neither follows a
    link nor waits (on a FIFO), and the read is bounded (a device never ends)."""
    folder = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if not _private(os.fstat(folder)):
            return None
        handle = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
        try:
            status = os.fstat(handle)
            if not (S_ISREG(status.st_mode) and _private(status)):
                return None
            return read_at_most(partial(os.read, handle), _CACHE_MAX_BYTES)
        finally:
            os.close(handle)
    finally:
        os.close(folder)


def _private(status: os.stat_result) -> bool:
    return status.st_uid == os.geteuid() and not status.st_mode & _OTHERS_MAY_WRITE


def _write_cache(path: Path, stamp: str, table: RateTable) -> None:
    """Best effort and atomic: a read-only home or a full disk only costs speed."""
    directory = cache_dir()
    if directory is None:
        return
    try:
        _make_private_dirs(directory)
        folder = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        if _private(os.fstat(folder)):  # else it would never be read back
            data = pickle.dumps((stamp, table), protocol=pickle.HIGHEST_PROTOCOL)
            _replace(folder, _cache_name(path), data)
    except OSError:
        pass
    finally:
        os.close(folder)


def _make_private_dirs(directory: Path) -> None:
    """The directory and its missing parents, each 0700 whatever the umask (a umask only
    removes bits; `makedirs` would create the parents 0777 under umask 000)."""
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for folder in reversed(missing):
        with suppress(FileExistsError):
            os.mkdir(folder, 0o700)


def _replace(folder: int, name: str, data: bytes) -> None:
    """Write `name` in the directory `folder` atomically, mode 0600; on any failure (a full
    disk, Ctrl-C) the temporary file is removed before the error goes on."""
    temporary = f".{name}.{os.getpid()}-{os.urandom(4).hex()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    handle = os.open(temporary, flags, 0o600, dir_fd=folder)
    try:
        try:
            rest = memoryview(data)
            while rest:
                rest = rest[os.write(handle, rest) :]
        finally:
            os.close(handle)
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary, dir_fd=folder)
        raise
