"""`decisions report` in a real temporary git repository: added, modified, removed records."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, cli_env, run_cli
from decision_records.report import RuleLinks
from decision_records.siteconfig import SiteConfig

FIXTURE = REPO / "tests" / "fixtures" / "site" / "decisions"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=T",
                           "-c", "init.defaultBranch=main", *args], cwd=cwd, check=True,
                          capture_output=True, text=True).stdout


def feature_branch(tmp_path: Path) -> Path:
    """A repository whose main holds the fixture records, on a new branch `feature`."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    shutil.copytree(FIXTURE, root / "decisions")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose main holds the fixture records and a branch that changes three."""
    root = feature_branch(tmp_path)
    graph = root / "decisions" / "0003-adopt-a-graph-database.yaml"
    graph.write_text(graph.read_text(encoding="utf-8").replace("status: proposed",
                                                               "status: accepted"))
    git(root, "rm", "-q", "decisions/0004-build-our-own-paging.yaml")
    new = (FIXTURE / "0004-build-our-own-paging.yaml").read_text(encoding="utf-8")
    new = new.replace("title: Build our own paging service", "title: Build a status page")
    new = new.replace("status: rejected", "status: proposed").replace("2023-03-15",
                                                                      "2026-11-01")
    (root / "decisions" / "0006-build-a-status-page.yaml").write_text(new, encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-qm", "change")
    return root


def test_markdown_report(repo: Path) -> None:
    result = run_cli("report", cwd=repo)
    assert result.returncode == 1, result.stderr  # 0003 lost its on_call when accepted
    out = result.stdout
    assert out.startswith("## Decision records: 3 changed since `")
    assert ("| 0003 Adopt a graph database for recommendations | modified | accepted | "
            "commerce | ❌ 1 error |") in out
    assert "| 0004 Build our own paging service | removed | - | - | removed |" in out
    assert "| 0006 Build a status page | added | proposed | sre | ⚠️ 1 warning |" in out
    # no mkdocs.yml here: nowhere to link the rule to (test_rule_links has the cases)
    assert ("- ❌ `decisions/0003-adopt-a-graph-database.yaml:4:7` "
            "operate-what-you-own: `team`:") in out
    assert "`decisions/0004-build-our-own-paging.yaml` is removed by this change." in out
    assert ("**Innovation tokens, team commerce:** before: spent 0, pending 1, remaining 2 of "
            "2 → after: spent 1, pending 0, remaining 1 of 2") in out
    assert "| **Neo4j** (chosen) | adopt | 1 | `pypi:neo4j`: no signals yet |" in out
    assert "If accepted, this record spends 2, leaving -1." in out


def test_json_report(repo: Path) -> None:
    result = run_cli("report", "--format", "json", cwd=repo)
    data = json.loads(result.stdout)
    assert [(r["id"], r["change"]) for r in data["records"]] == [
        ("0003-adopt-a-graph-database", "modified"),
        ("0004-build-our-own-paging", "removed"),
        ("0006-build-a-status-page", "added"),
    ]
    modified, removed, added = data["records"]
    assert [f["rule"] for f in modified["findings"]] == ["operate-what-you-own"]
    assert modified["tokens"] == {
        "team": "commerce", "this_record": 1,
        "before": {"budget": 2, "spent": 0, "pending": 1, "remaining": 2},
        "after": {"budget": 2, "spent": 1, "pending": 0, "remaining": 1}}
    assert removed["findings"] == [] and removed["title"] == "Build our own paging service"
    assert modified["options"][0]["packages"] == [
        {"ref": "pypi:neo4j", "category": None, "reasons": []}]
    assert [f["rule"] for f in added["findings"]] == ["budget-proposal"]
    assert (data["errors"], data["warnings"]) == (1, 1)


def test_uncommitted_and_untracked_changes_count(repo: Path) -> None:
    extra = (FIXTURE / "0002-buy-a-managed-queue.yaml").read_text(encoding="utf-8")
    (repo / "decisions" / "0007-another-queue.yaml").write_text(
        extra.replace("supersedes: [0001-self-host-the-message-queue]\n", ""),
        encoding="utf-8")
    data = json.loads(run_cli("report", "--format", "json", cwd=repo).stdout)
    assert ("0007-another-queue", "added") in [(r["id"], r["change"]) for r in data["records"]]


def test_no_change_is_a_short_report(repo: Path) -> None:
    result = run_cli("report", "--base", "HEAD", cwd=repo)
    assert result.returncode == 0
    assert "No record changed since" in result.stdout


@pytest.mark.parametrize(("setup", "message"), [
    ("bad-ref", "no commit 'no-such-branch' in this repository."),
    ("not-git", "is not inside a git repository"),
    ("shallow", "This is a shallow clone"),
], ids=["bad-ref", "not-git", "shallow"])
def test_git_problems_exit_2(repo: Path, tmp_path: Path, setup: str, message: str) -> None:
    args = ["report"]
    cwd = repo
    if setup == "bad-ref":
        args += ["--base", "no-such-branch"]
    elif setup == "not-git":
        cwd = tmp_path / "plain"
        shutil.copytree(FIXTURE, cwd / "decisions")
    else:
        cwd = tmp_path / "shallow"
        git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature",
            f"file://{repo}", str(cwd))
        args += ["--base", "main"]
    result = run_cli(*args, cwd=cwd, env=cli_env(GIT_CEILING_DIRECTORIES=str(tmp_path)))
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_maturity_comes_from_the_snapshot(repo: Path) -> None:
    queue = repo / "decisions" / "0002-buy-a-managed-queue.yaml"
    queue.write_text(queue.read_text(encoding="utf-8").replace("Nobody patches brokers",
                                                               "Nobody patches any broker"),
                     encoding="utf-8")
    data = json.loads(run_cli("report", "--format", "json", cwd=repo).stdout)
    (record,) = [r for r in data["records"] if r["id"] == "0002-buy-a-managed-queue"]
    (boto,) = record["options"][0]["packages"]
    assert boto["ref"] == "pypi:boto3" and boto["category"] in ("boring", "established")
    assert any(reason.startswith("first release 2014-11-11") for reason in boto["reasons"])


SHA = "0123456789abcdef0123456789abcdef01234567"
GITHUB = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/decisions",
          "GITHUB_SHA": SHA}
OWN_PAGE = "docs/rules/operate-what-you-own.md"


@pytest.mark.parametrize(("mkdocs_yml", "own_page", "env", "expected"), [
    # the published site wins: the page a reader of the site sees
    ("site_url: https://decisions.example.com/\nrepo_url: https://github.com/acme/d\n", True,
     GITHUB, "[operate-what-you-own](https://decisions.example.com/rules/operate-what-you-own/)"),
    ("site_url: https://example.com/tech\nuse_directory_urls: false\n", False, {},
     "[operate-what-you-own](https://example.com/tech/rules/operate-what-you-own.html)"),
    # else the page's file in the repository: at the commit checked on GitHub Actions...
    ("site_name: x\n", True, GITHUB,
     f"[operate-what-you-own](https://github.com/acme/decisions/blob/{SHA}/{OWN_PAGE})"),
    # ... or from repo_url, in the host's way of showing a file
    ("repo_url: https://github.com/acme/decisions\n", True, {},
     f"[operate-what-you-own](https://github.com/acme/decisions/blob/HEAD/{OWN_PAGE})"),
    ("repo_url: https://gitlab.example.com/acme/decisions/\n", True, {},
     f"[operate-what-you-own](https://gitlab.example.com/acme/decisions/-/blob/HEAD/{OWN_PAGE})"),
    # the page is the package's, not in this repository: no file to link to
    ("repo_url: https://github.com/acme/decisions\n", False, GITHUB, "operate-what-you-own"),
    # nothing configured: no link (a relative link leads nowhere in a pull request)
    (None, True, {}, "operate-what-you-own"),
    # addresses that would change the Markdown are not used
    ("site_url: https://x.example.com/a)[ok](https://evil.example.com\n", False, {},
     "operate-what-you-own"),
    ("site_url: 'javascript:alert(1)'\n", False, {}, "operate-what-you-own"),
    # MkDocs' tags are read as nothing, never run; the rest of the file still counts
    ("site_url: https://decisions.example.com/\nx: !!python/name:os.system\ny: !ENV HOME\n",
     False, {}, "[operate-what-you-own](https://decisions.example.com/rules/"
     "operate-what-you-own/)"),
])
def test_rule_links_lead_where_the_report_is_read(repo: Path, mkdocs_yml: str | None,
                                                  own_page: bool, env: dict[str, str],
                                                  expected: str) -> None:
    if mkdocs_yml is not None:
        (repo / "mkdocs.yml").write_text(mkdocs_yml, encoding="utf-8")
    if own_page:  # the organisation's own version of the packaged page
        (repo / OWN_PAGE).parent.mkdir(parents=True)
        (repo / OWN_PAGE).write_text("# Operate what you own\n", encoding="utf-8")
    clean = {k: v for k, v in cli_env().items() if not k.startswith("GITHUB_")}
    out = run_cli("report", cwd=repo, env={**clean, **env}).stdout
    assert (f"- ❌ `decisions/0003-adopt-a-graph-database.yaml:4:7` {expected}: `team`:"
            in out), out


def test_this_repository_links_the_packaged_page_in_its_own_checkout() -> None:
    """Here the rule pages are the package's own files, which live in this repository."""
    links = RuleLinks(SiteConfig(repo_url="https://github.com/o/r"), REPO, REPO)
    assert links.url("exit-plan") == ("https://github.com/o/r/blob/HEAD/src/decision_records/"
                                      "docs/rules/exit-plan.md")
    assert links.url("todo") == ("https://github.com/o/r/blob/HEAD/src/decision_records/docs/"
                                 "rules/index.md")


@pytest.fixture
def shipped_change(tmp_path: Path) -> Path:
    """A repository whose main holds the shipped records (rates in config.yaml) and a branch
    that changes 0008 and 0014."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    shutil.copytree(REPO / "decisions", root / "decisions")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    for name in ("0008-move-to-managed-kafka.yaml",
                 "0014-adopt-opensearch-for-product-search.yaml"):
        path = root / "decisions" / name
        path.write_text(path.read_text(encoding="utf-8").replace("review_by: 2027-",
                                                                 "review_by: 2028-"))
    git(root, "commit", "-qam", "change")
    return root


def test_the_report_shows_each_changed_records_costs_and_ranking(shipped_change: Path) -> None:
    result = run_cli("report", cwd=shipped_change)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert ("**Cost of ownership over 3 years** (USD; person-week 4,000 USD, run hour 100 USD, "
            "build upkeep 0.2 of the build a year after the first):\n\n"
            "| Option | Approach | One-off | Build | Upkeep | Licence | Run | Total |\n"
            "|---|---|--:|--:|--:|--:|--:|--:|\n"
            "| **Managed Kafka service** (chosen) | buy | 0 | 20,000 | 8,000 | 114,000 | "
            "14,400 | **156,400** |\n"
            "| Keep running our own Kafka | adopt | 0 | 12,000 | 4,800 | 54,000 | 108,000 | "
            "**178,800** |\n"
            "| Managed message queue | buy | 0 | 64,000 | 25,600 | 18,000 | 10,800 | "
            "**118,400** |\n\n"
            "The chosen option costs 38,000 USD more than the cheapest, Managed message queue, "
            "over 3 years. Break-even with Managed message queue at the end of year 2: until "
            "then the chosen option costs less, from then on Managed message queue costs as "
            "much or less.\n") in out
    assert ("**Weighted drivers:** 1. Managed Kafka service 96.0 %; 2. Keep running our own "
            "Kafka 65.3 %; 3. Managed message queue 50.7 %. Managed Kafka service leads Keep "
            "running our own Kafka by 30.7 points of 100, and no change of one score by one "
            "changes the winner.\n") in out
    assert ("**Weighted drivers:** 1. Managed OpenSearch 87.4 %; 2. Algolia 80.0 %; "
            "3. PostgreSQL full-text search 63.2 %. ⚠️ A fragile winner: 'Managed OpenSearch' "
            "leads 'Algolia' by 7.4 points of 100 \\(87.4 % against 80.0 %\\), less than "
            "10.\n") in out  # record text is escaped for Markdown


def test_the_json_report_carries_costs_and_scores(shipped_change: Path) -> None:
    data = json.loads(run_cli("report", "--format", "json", cwd=shipped_change).stdout)
    kafka = next(r for r in data["records"] if r["id"] == "0008-move-to-managed-kafka")
    assert kafka["costs"]["cheapest"] == "Managed message queue"
    assert kafka["costs"]["options"][0] == {
        "name": "Managed Kafka service", "approach": "buy", "tco": 156400,
        "per_year": [62800, 109600, 156400], "complete": True}
    assert [r["percent"] for r in kafka["scores"]["ranking"]] == [96.0, 65.3, 50.7]
    search = next(r for r in data["records"] if r["id"].startswith("0014"))
    assert search["scores"]["fragile"] is True
