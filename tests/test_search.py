"""The search index's shards: built once per content, copied into the site, pruned after."""

from __future__ import annotations

import json
from pathlib import Path

from decision_records.search import Document, SearchBuild, shards


def _docs(word: str) -> list[Document]:
    return [Document(f"decisions/000{i}-x/", f"Record {i}", f"<p>{word} {i}</p>")
            for i in range(3)]


def test_a_shard_is_built_once_and_an_unused_one_is_deleted(tmp_path: Path) -> None:
    first = SearchBuild(shard_size=2)
    first.add_records(_docs("alpha"))
    first.finish(tmp_path / "a")
    assert json.loads((tmp_path / "a" / "pagefind" / "shards.json").read_text()) == ["0", "1"]
    assert (tmp_path / "a" / "pagefind" / "0" / "pagefind.js").is_file()
    assert not (tmp_path / "a" / "pagefind" / "1" / "pagefind.js").exists()  # one engine
    built = sorted(p.name for p in shards().root.glob("shard-*"))

    again = SearchBuild(shard_size=2)
    again.add_records(_docs("alpha"))
    again.finish(tmp_path / "b")
    assert sorted(p.name for p in shards().root.glob("shard-*")) == built  # nothing rebuilt

    changed = SearchBuild(shard_size=2)
    changed.add_records(_docs("beta"))
    changed.finish(tmp_path / "c")
    now = sorted(p.name for p in shards().root.glob("shard-*"))
    assert set(now).isdisjoint(built)  # the old shards went once the new build was written
    # a site built before keeps its files
    assert any((tmp_path / "a" / "pagefind" / "0" / "fragment").iterdir())
