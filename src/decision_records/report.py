"""A review summary of the records a change adds, modifies or removes, for a pull request.

Git is asked which record files differ from the base; the base's records are read from
git itself (no checkout), so "tokens before" is what the base branch really had.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .costs import Ranking, Rates, RecordCosts, points
from .coverage.manifests import RULE as MANIFEST_RULE
from .coverage.match import Dependency, join
from .coverage.output import dependency_table
from .coverage.scan import MAX_MANIFEST, Inventory, configured, file_key, scan
from .files import size_text
from .findings import Finding, count
from .gitbase import GitError, RecordChange, TooLarge, file_at, git, listed, toplevel
from .ledger import TeamBudget
from .loader import CONFIG_NAME, ConfigError, load_decisions
from .model import Entry, short_id
from .records import Decisions
from .render.costs import record_markdown, robustness
from .rules import page_of
from .signals.maturity import assess
from .siteconfig import SHARED_DOCS, SiteConfig, read_site_config, url_ok
from .textsafe import md_code, md_inline


def base_decisions(root: Path, base: str, today: dt.date) -> Decisions | None:
    """The records as they were at base (None when the folder did not exist there)."""
    top, rel = toplevel(root)
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "base.tar"
        try:
            git(top, "archive", "--format=tar", f"--output={archive}", base, "--", rel)
        except GitError:
            return None  # the folder is new in this change
        try:
            with tarfile.open(archive) as tar:
                # only the files: a link in decisions/ is nothing the records need
                files = [m for m in tar.getmembers() if m.isreg()]
                tar.extractall(tmp, members=files, filter="data")
        except (tarfile.TarError, OSError):
            return None
        try:
            return load_decisions(Path(tmp) / rel, today)
        except ConfigError:  # an unusable config at base: report without "before" figures
            return None


def _text_at(top: Path, base: str, name: str) -> str | None:
    """A manifest's text at base, read as `decisions coverage` reads one: a regular file
    (no link), UTF-8; else None, and it named nothing there. Raises gitbase.TooLarge for one
    larger than a manifest is read up to."""
    try:
        data = file_at(top, base, name, MAX_MANIFEST)
        return data.decode("utf-8-sig") if data is not None else None
    except UnicodeDecodeError:
        return None


@dataclass
class Added:
    """What manifests changed since base add, and why a manifest was not compared."""

    dependencies: list[Dependency]
    findings: list[Finding]


def added_dependencies(root: Path, base: str, now: Decisions) -> Added:
    """The dependencies that manifests changed since base add, joined with the records now.

    The manifests are those `decisions coverage` reads, read by its scanner: coverage.paths
    and coverage.exclude, the folders it skips, `-r` includes, the decisions folder's
    coverage/. A dependency is added when a file the change adds or modifies (untracked
    ones too) names it now and did not at base: git is asked for the file's text at base
    (nothing is checked out), and a file that was no regular file there, or not UTF-8,
    named nothing. One larger at base than a manifest is read up to is compared with
    nothing too, with a warning: every dependency it names now is listed.
    """
    top = toplevel(root)[0]
    names = listed(top, "diff", "-z", "--name-only", "--no-renames", "--diff-filter=AMT",
                   base, "--")
    names += listed(top, "ls-files", "-z", "--others", "--exclude-standard")
    changed = {file_key(top / name): name for name in names}
    if not changed:
        return Added([], [])
    settings = now.config.coverage
    home = root.resolve().parent
    # paths that leave the repository, or do not exist: `decisions coverage` stops on them
    targets, _ = configured(settings.paths, home, root / CONFIG_NAME)
    inventory = scan(targets, home, settings.repository or home.name,
                     [home / e for e in settings.exclude], root, lenient=True)
    added = Inventory(kinds=inventory.kinds, repositories=inventory.repositories)
    findings: list[Finding] = []
    for manifest in inventory.files:
        name = changed.get(manifest.path)
        if name is None:
            continue  # not changed: it names nothing it did not name at base
        try:
            old = _text_at(top, base, name)
        except TooLarge as e:
            old = None
            findings.append(Finding(manifest.shown, 1, 1, "warning", MANIFEST_RULE, (
                f"at the base it is {e.args[0]:,} bytes, more than the "
                f"{size_text(MAX_MANIFEST)} a manifest is read up to: not compared with it, "
                "so every dependency it names now is listed here")))
        before = {f.ref for f in manifest.parse(old)} if old is not None else set()
        added.found.extend(f for f in manifest.found if f.ref not in before)
    return Added([d for d in join(added, now).dependencies
                  if d.status in ("contradicted", "uncovered")], findings)


@dataclass
class RecordReport:
    change: RecordChange
    entry: Entry | None
    findings: list[Finding]
    title: str = ""
    before: TeamBudget | None = None
    after: TeamBudget | None = None
    options: list[dict[str, object]] = field(default_factory=list)
    costs: RecordCosts | None = None  # the options' cost of ownership
    ranking: Ranking | None = None  # the options' weighted scores, when it has some
    currency: str = "USD"
    rates: Rates | None = None

    @property
    def errors(self) -> int:
        return count(self.findings)[0]


MaturityFn = Callable[[str], tuple[str, list[str]] | None]


def build(changes: list[RecordChange], now: Decisions, before: Decisions | None,
          maturity: MaturityFn | None = None) -> list[RecordReport]:
    after_ledger = now.ledger
    before_ledger = before.ledger if before else None
    out = []
    for change in changes:
        entry = now.get(change.id) if change.kind != "removed" else None
        mine = [f for f in now.findings if Path(f.path) == change.path]
        old = before.get(change.id) if before else None
        shown = entry or old
        item = RecordReport(change, entry, mine if change.kind != "removed" else [],
                            shown.record.title if shown else change.id)
        team = shown.record.team if shown else None
        if team:
            item.after = after_ledger.team(team)
            item.before = before_ledger.team(team) if before_ledger else None
        if entry:
            item.costs = now.costs.get(entry.id)
            item.ranking = now.rankings.get(entry.id)
            item.currency, item.rates = now.config.currency, now.config.rates
            for o in entry.record.options:
                refs = []
                for ref in o.packages:
                    verdict = maturity(ref) if maturity else None
                    refs.append({"ref": ref, "category": verdict[0] if verdict else None,
                                 "reasons": verdict[1] if verdict else []})
                item.options.append({"name": o.name, "approach": o.approach,
                                     "tokens": o.innovation_tokens,
                                     "chosen": o.name == entry.record.decision.chosen,
                                     "packages": refs})
        out.append(item)
    return out


def maturity_lookup(decisions: Decisions, today: dt.date) -> MaturityFn:
    """Category and reasons of a package reference, from the signals snapshot."""
    thresholds = decisions.config.signals.thresholds

    def lookup(ref: str) -> tuple[str, list[str]] | None:
        if decisions.snapshot.get(ref) is None:
            return None  # never fetched: the report says "no signals yet"
        verdict = assess(ref, decisions.snapshot, thresholds, today,
                         decisions.config.signals.eol_warning_days)
        return verdict.category, list(verdict.reasons)

    return lookup


def _figures(t: TeamBudget | None) -> dict[str, int] | None:
    if t is None:
        return None
    return {"budget": t.budget, "spent": t.spent, "pending": t.pending,
            "remaining": t.remaining}


def renumber_command(root: Path, ref: str | None) -> str:
    """The `decisions renumber` line that fixes a number taken twice, as the user would type
    it: the same folder and the same base as this report."""
    words = ["decisions"]
    if root != Path("decisions"):
        words += ["--dir", str(root)]
    words.append("renumber")
    if ref:
        words += ["--base", ref]
    return shlex.join(words)


def _collides(items: list[RecordReport]) -> bool:
    return any(f.rule == "duplicate-number" for it in items for f in it.findings)


def as_json(base: str, items: list[RecordReport], fix: str = "",
            dependencies: list[Dependency] | None = None,
            dependency_findings: list[Finding] | None = None,
            rule_url: RuleUrl = lambda rule: None) -> str:
    """`help` is where a finding's rule can be read (RuleLinks.url), null when nowhere."""
    records = []
    for it in items:
        r = it.entry.record if it.entry else None
        records.append({
            "id": it.change.id, "path": str(it.change.path), "change": it.change.kind,
            "title": it.title, "status": r.status if r else None,
            "means": r.means if r else None,
            "team": r.team if r else None,
            "findings": [{**f.as_dict(), "help": rule_url(f.rule)} for f in it.findings],
            "options": it.options,
            "tokens": None if it.after is None else {
                "team": it.after.team, "before": _figures(it.before),
                "after": _figures(it.after),
                "this_record": it.entry.record.chosen_tokens if it.entry else 0},
            "costs": _costs(it),
            "scores": _scores(it.ranking),
        })
    errors = sum(it.errors for it in items)
    warnings = sum(count(it.findings)[1] for it in items)
    return json.dumps({"base": base, "records": records, "errors": errors,
                       "warnings": warnings,
                       "renumber": fix if fix and _collides(items) else None,
                       "dependencies": [d.as_dict() for d in dependencies or []],
                       "dependency_findings": [f.as_dict() for f in dependency_findings or []]},
                      indent=2) + "\n"


def _costs(it: RecordReport) -> dict[str, object] | None:
    """The options' cost of ownership, as `decisions costs --format json` gives a record."""
    if it.costs is None or not it.costs.costed:
        return None
    data = it.costs.as_dict()
    return {"currency": it.currency, "horizon_years": it.costs.horizon,
            "priced": it.rates is not None, "cheapest": data["cheapest"],
            "options": data["options"]}


def _scores(ranking: Ranking | None) -> dict[str, object] | None:
    if ranking is None:
        return None
    return {"ranking": [{"name": s.name, "percent": float(points(ranking.percent(s)))}
                        for s in ranking.order],
            "fragile": ranking.fragile, "robustness": robustness(ranking)}


RuleUrl = Callable[[str], "str | None"]


@dataclass(frozen=True)
class RuleLinks:
    """Where a rule's page can be read from a pull request's summary or comment, where a
    relative link leads nowhere: the organisation's published site (mkdocs.yml's site_url),
    else the page's file in the repository (on GitHub Actions at the commit checked, else
    from repo_url), else nowhere."""

    site: SiteConfig
    site_root: Path  # the folder of mkdocs.yml
    top: Path  # the repository's root
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def beside(cls, root: Path) -> RuleLinks:
        """For the decisions folder `root`, with mkdocs.yml beside it."""
        site_root = root.resolve().parent
        env = {k: v for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA")
               if (v := os.environ.get(k))}
        return cls(read_site_config(site_root / "mkdocs.yml"), site_root,
                   toplevel(root)[0].resolve(), env)

    def url(self, rule: str) -> str | None:
        uri = page_of(rule).removeprefix("docs/")
        if self.site.site_url:
            return self.site.site_url.rstrip("/") + "/" + quote(_published(
                uri, self.site.use_directory_urls))
        path = self._file(uri)
        if path is None:
            return None
        server, repo, sha = (self.env.get(k, "") for k in
                             ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
        if (url_ok(server) and re.fullmatch(r"[\w.-]+/[\w.-]+", repo)
                and re.fullmatch(r"[0-9a-f]{40,64}", sha)):
            return f"{server}/{repo}/blob/{sha}/{path}"
        if self.site.repo_url:
            base = self.site.repo_url.rstrip("/")
            return base + ("/-/blob/HEAD/" if "gitlab" in base.lower() else "/blob/HEAD/") + path
        return None

    def _file(self, uri: str) -> str | None:
        """The page's file as a path in the repository: the site's own, else the package's
        when the package lives in this repository (its own checkout)."""
        for folder in (self.site_root / self.site.docs_dir, SHARED_DOCS):
            path = (folder / uri).resolve()
            if path.is_file() and path.is_relative_to(self.top):
                return quote(path.relative_to(self.top).as_posix())
        return None


def _published(uri: str, directory_urls: bool) -> str:
    """rules/exit-plan.md -> rules/exit-plan/ (rules/exit-plan.html without directory URLs)."""
    stem = uri.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index") if directory_urls else stem + ".html"
    return stem + "/" if directory_urls else stem + ".html"


def _rule_link(rule: str, rule_url: RuleUrl) -> str:
    url = rule_url(rule)
    return f"[{rule}]({url})" if url else md_inline(rule)


def _tokens_line(it: RecordReport) -> str:
    if it.after is None:
        return ""
    a, b = it.after, it.before
    before = (f"spent {b.spent}, pending {b.pending}, remaining {b.remaining} of {b.budget}"
              if b else "no records at the base")
    after = f"spent {a.spent}, pending {a.pending}, remaining {a.remaining} of {a.budget}"
    line = f"**Innovation tokens, team {md_inline(a.team)}:** before: {before} → after: {after}"
    if it.entry and it.entry.record.means == "proposed":
        n = it.entry.record.chosen_tokens
        line += f". If accepted, this record spends {n}, leaving {a.remaining - n}."
    return line + "\n"


def _number(it: RecordReport) -> str:
    return md_inline(short_id(it.change.id))


def dependencies_markdown(deps: list[Dependency], findings: list[Finding] | None = None) -> str:
    """The section on dependencies the change adds without a decision, or against one, and
    on manifests that could not be compared."""
    if not deps and not findings:
        return ""
    warned = "".join(f"- ⚠️ {md_code(f'{f.path}:{f.line}:{f.col}')} {md_inline(f.rule)}: "
                     f"{md_inline(f.message)}\n" for f in findings or []) + "\n"
    if not deps:
        return "\n## Dependencies this change adds\n\n" + warned
    bad = sum(d.status == "contradicted" for d in deps)
    out = [f"\n## Dependencies this change adds: {len(deps)} without a decision behind "
           "them\n\n", warned.lstrip("\n")]
    if bad:
        out.append(f"❌ **{bad} contradicted**: the records decided against "
                   f"{'them' if bad != 1 else 'it'}. Remove the dependency, or propose a "
                   "record that supersedes the decision.\n\n")
    out.append("Uncovered ones need a record, or an entry under `coverage.ignore` in "
               "`decisions/config.yaml` with its reason.\n\n")
    out.append(dependency_table(deps))
    return "".join(out)


def as_markdown(base: str, items: list[RecordReport], fix: str = "",
                dependencies: list[Dependency] | None = None,
                rule_url: RuleUrl = lambda rule: None,
                dependency_findings: list[Finding] | None = None) -> str:
    """The review summary. Every piece of record, config or registry text goes through
    md_inline or md_code: a pull request must not be able to rewrite the summary. `fix` is
    the `decisions renumber` command to suggest when a number is taken twice; `rule_url`
    gives the address of a rule's page (RuleLinks.url), or None for no link."""
    deps = dependencies_markdown(dependencies or [], dependency_findings)
    if not items:
        return (f"## Decision records\n\nNo record changed since {md_code(base[:12])}.\n"
                + deps)
    errors = sum(it.errors for it in items)
    out = [f"## Decision records: {len(items)} changed since {md_code(base[:12])}\n\n",
           "| Record | Change | Status | Team | Checks |\n|---|---|---|---|---|\n"]
    for it in items:
        r = it.entry.record if it.entry else None
        e, w = count(it.findings)
        title = md_inline(it.title)
        checks = ("removed" if it.change.kind == "removed" else
                  f"❌ {e} error{'s' * (e != 1)}" if e else
                  f"⚠️ {w} warning{'s' * (w != 1)}" if w else "✅ passes")
        out.append(f"| {_number(it)} {title} | {it.change.kind} | "
                   f"{md_inline(r.status) if r else '-'} | {md_inline(r.team) if r else '-'} | "
                   f"{checks} |\n")
    for it in items:
        out.append(f"\n### {_number(it)} {md_inline(it.title)} "
                   f"({it.change.kind})\n\n")
        if it.change.kind == "removed":
            out.append(f"{md_code(str(it.change.path))} is removed by this change.\n")
            continue
        if it.entry is None and not it.findings:
            out.append("The record could not be loaded.\n")
        if it.findings:
            for f in it.findings:
                icon = "❌" if f.severity == "error" else "⚠️"
                where = md_code(f"{f.path}:{f.line}:{f.col}")
                field = f" {md_code(f.field)}:" if f.field else ""
                out.append(f"- {icon} {where} {_rule_link(f.rule, rule_url)}:{field} "
                           f"{md_inline(f.message)}\n")
        else:
            out.append("✅ Valid, and follows every policy.\n")
        if it.options:
            out.append("\n| Option | Approach | Tokens | Maturity |\n|---|---|--:|---|\n")
            for o in it.options:
                name = md_inline(str(o["name"]))
                name = f"**{name}** (chosen)" if o["chosen"] else name
                packages = o["packages"]
                assert isinstance(packages, list)
                maturity = "<br>".join(
                    f"{md_code(str(p['ref']))}: {md_inline(str(p['category'] or 'no signals yet'))}"
                    + (f" ({md_inline('; '.join(p['reasons']))})" if p["reasons"] else "")
                    for p in packages) or "-"
                out.append(f"| {name} | {md_inline(str(o['approach']))} | "
                           f"{md_inline(str(o['tokens']))} | {maturity} |\n")
        if it.costs is not None:
            numbers = record_markdown(it.costs, it.currency, it.rates, it.ranking)
            if numbers:
                out.append("\n" + numbers)
        tokens = _tokens_line(it)
        if tokens:
            out.append("\n" + tokens)
    if errors:
        out.append(f"\n**{errors} error{'s' * (errors != 1)}** to fix before merging; "
                   "`decisions validate` shows the same list.\n")
    if fix and _collides(items):
        out.append(f"\n**A record number is taken twice.** Merge the base branch, then run "
                   f"{md_code(fix)}: it gives the records this change adds the next free "
                   "numbers and rewrites every reference to them. Commit the renamed files.\n")
    return "".join(out) + deps
