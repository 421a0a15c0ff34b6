"""The one door to Whoosh's internals: every private name of Whoosh that kb.search uses.

kb.search evaluates queries on whole posting arrays (`evaluate`), writes whole segments
a posting list at a time (`bulk`) and refreshes a searcher without re-reading the
segments that did not change (`store`). Whoosh publishes none of what that needs, so
all of it is read and written here, for exactly one version of Whoosh
(`WHOOSH_VERSION`) and one index format (`INDEX_VERSION`, segments of the W3 codec).

`check_library()` runs when the app starts (`kb.search.init_app`) and `check_index()`
whenever an index is opened: either refuses, naming what differs, rather than read
an index through structures that may have changed. Where a structure is not the one
expected (a column of another layout, a matcher of another class), each reader falls
back to Whoosh's public API, slower but right (tests/test_search_adapter.py runs
every fallback against Whoosh's own searcher).

To upgrade Whoosh: read each function here against the new version's source, run
tests/test_search_oracle.py and tests/test_search_adapter.py, then change
`WHOOSH_VERSION` (and `INDEX_VERSION` if the TOC format moved, which means a reindex).
"""

from __future__ import annotations

import contextlib
from abc import ABCMeta, abstractmethod
from array import array

import numpy as np
import whoosh
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, W3Segment, _lenfield
from whoosh.index import IndexVersionError, LockError
from whoosh.reading import EmptyReader, MultiReader, SegmentReader, TermNotFound
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

#: The Whoosh release whose internals this module was written against (whoosh-reloaded).
WHOOSH_VERSION = (2, 7, 5)
#: The TOC format of the indexes it reads (`whoosh.index._CURRENT_TOC_VERSION`).
INDEX_VERSION = -111
#: Whoosh's byte-encoded field lengths, decoded: `LENGTH[code]`.
LENGTH = np.array([byte_to_length(i) for i in range(256)], dtype=np.float64)
_NONE = np.zeros(0, dtype=np.int64)


class WhooshMismatch(RuntimeError):
    """The installed Whoosh or an index on disk is not what this module was written for."""


def check_library(version: tuple | None = None) -> None:
    """Refuse to run on a Whoosh release other than the one this module reads."""
    version = tuple(version or whoosh.__version__)
    if version[:3] != WHOOSH_VERSION:
        have = ".".join(map(str, version[:3]))
        want = ".".join(map(str, WHOOSH_VERSION))
        raise WhooshMismatch(
            f"kb.search reads Whoosh {want}'s internals but Whoosh {have} is installed: "
            f"install whoosh-reloaded=={want} (make install), or review "
            "kb/search/adapter.py against the new version before changing WHOOSH_VERSION"
        )


def open_index(storage, where: str = "", schema=None):
    """Open the index in `storage`, refused (`WhooshMismatch`) unless `check_index` passes;
    fields of `schema` the index lacks (it was built before they were) are added, so
    updates go on and old documents are found as before until `kb search reindex`."""
    try:
        ix = storage.open_index()
    except IndexVersionError as exc:
        raise WhooshMismatch(
            f"the search index {where or storage} has format {exc.version}, which Whoosh "
            f"{'.'.join(map(str, WHOOSH_VERSION))} cannot read: rebuild it with "
            "`kb search reindex`"
        ) from exc
    check_index(ix, where)
    missing = [name for name in (schema.names() if schema else []) if name not in ix.schema]
    if missing:
        with contextlib.suppress(LockError):  # a writer has it: the next open adds them
            writer = ix.writer()
            for name in missing:
                writer.add_field(name, schema[name])
            writer.commit(merge=False)
    return ix


def check_index(ix, where: str = "") -> None:
    """Refuse an index written in another format than the one this module reads."""
    check_library()
    toc = ix._read_toc()
    version, segments = toc.version, toc.segments
    alien = sorted({type(s).__name__ for s in segments if type(s) is not W3Segment})
    if version != INDEX_VERSION or alien:
        found = f"format {version}" + (f", segments {', '.join(alien)}" if alien else "")
        raise WhooshMismatch(
            f"the search index {where or ix.storage} has {found}; kb.search reads format "
            f"{INDEX_VERSION} with W3 segments (Whoosh {'.'.join(map(str, WHOOSH_VERSION))})"
            ": rebuild it with `kb search reindex`"
        )


# --- Reading ------------------------------------------------------------------------


def segment_id(reader) -> str | None:
    """The id of a leaf reader's segment, or None for an empty index's reader."""
    segment = getattr(reader, "_segment", None)
    return None if segment is None else segment.segment_id()


def leaf_readers(searcher) -> list:
    """(segment reader, document offset) of each segment; none for an empty index."""
    return [
        (sub.reader(), offset)
        for sub, offset in searcher.leaf_searchers()
        if segment_id(sub.reader()) is not None
    ]


def _length_column(reader, field: str):
    """The per-document length column of `field`, when stored as one byte a document."""
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is None or not hasattr(perdoc, "_cached_reader"):
        return None
    column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    if column is None or not hasattr(column, "_dbfile") or getattr(column, "_fixedlen", 0) != 1:
        return None
    return column


def field_lengths(reader, field: str, size: int) -> np.ndarray:
    """Each document's length of `field` (as BM25F sees it: Whoosh's one-byte code)."""
    column = _length_column(reader, field)
    if column is not None:
        count = column._count
        raw = column._dbfile.get(column._basepos, count) if count else b""
        codes = np.zeros(size, dtype=np.uint8)
        codes[: len(raw)] = np.frombuffer(raw, dtype=np.uint8)
        return LENGTH[codes]
    # Another layout: Whoosh's public reader, one document at a time.
    return np.array([reader.doc_field_length(i, field, 0) for i in range(size)], dtype=np.float64)


def _block_matcher(reader, field: str, btext: bytes):
    """Whoosh's W3 leaf matcher of a term (every posting, deleted or not), None if the
    term's postings are not in W3 blocks; raises KeyError/TermNotFound if absent."""
    m = reader._terms.matcher(field, btext, reader.schema[field].format)
    return m if type(m) is W3LeafMatcher else None


def read_postings(reader, field: str, text: str, values: bool = False):
    """All postings of `text` in `field` of one segment reader: (document numbers,
    weights, raw values or None). Deleted documents may be included."""
    btext = reader.schema[field].to_bytes(text)
    try:
        m = _block_matcher(reader, field, btext)
    except (KeyError, TermNotFound):
        return _NONE, np.zeros(0), ([] if values else None)
    ids: list[int] = []
    weights: list[float] = []
    vals: list[bytes] | None = [] if values else None
    if m is not None:
        # Whoosh's block: (id deltas from 0, weights or one weight or None, values).
        last = 0
        while m.is_active():
            m._read_data()
            block_ids, block_weights, block_values = m._data
            n = m._blocklength
            start = len(ids)
            ids.extend(block_ids)
            ids[start] -= last  # make the block's first id a delta from the last block
            last = m._maxid
            if block_weights is None:
                weights.extend([1.0] * n)
            elif isinstance(block_weights, float):
                weights.extend([block_weights] * n)
            else:
                weights.extend(block_weights)
            if values:
                vals.extend(block_values)
            m._next_block()
        id_array = np.cumsum(np.array(ids, dtype=np.int64))
    else:  # another matcher: Whoosh's public one, a posting at a time (live ones only)
        try:
            m = reader.postings(field, btext)
        except TermNotFound:
            return _NONE, np.zeros(0), ([] if values else None)
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            if values:
                vals.append(m.value())
            m.next()
        id_array = np.array(ids, dtype=np.int64)
    return id_array, np.array(weights, dtype=np.float64), vals


def terms_within(searcher, field: str, word: str, maxdist: int, prefix: int = 0) -> set[str]:
    """Terms of `field` within `maxdist` edits of `word` in any segment."""
    found: set[str] = set()
    for reader, _ in leaf_readers(searcher):
        found.update(reader.terms_within(field, word, maxdist, prefix=prefix))
    return found


def reopen(ix, old) -> Searcher:
    """A searcher at the index's latest generation that reuses `old`'s segment readers.

    Whoosh's own `refresh()` reuses a segment's reader even when documents of that
    segment were deleted since (they would still be found), so this rebinds each
    reused reader to the segment's new state, whose deletions are the current ones.
    """
    toc = ix._read_toc()
    reusable = {}
    if not isinstance(old.reader(), EmptyReader):
        reusable = {r.segment().segment_id(): r for r, _ in old.reader().leaf_readers()}
    readers = []
    for segment in toc.segments:
        reader = reusable.pop(segment.segment_id(), None)
        if reader is None:
            reader = SegmentReader(ix.storage, toc.schema, segment, toc.generation)
        else:
            reader._segment = reader._perdoc._segment = segment
            reader.__dict__.pop("deleted_docs_set", None)  # a cached_property
            reader._gen = toc.generation
        readers.append(reader)
    for reader in reusable.values():  # segments merged away
        reader.close()
    if not readers:
        reader = EmptyReader(toc.schema)
    elif len(readers) == 1:
        reader = readers[0]
    else:
        reader = MultiReader(readers, generation=toc.generation)
    return Searcher(reader, fromindex=ix)


# --- Writing ------------------------------------------------------------------------


class SegmentWriterBase(SegmentWriter, metaclass=ABCMeta):
    """Whoosh's SegmentWriter with the parts `kb.search.bulk.BulkWriter` needs named.

    BulkWriter replaces the pool (`pool`), adds documents itself (`begin_document`,
    `end_document`) and writes the postings at `write_postings`, Whoosh's flush.
    """

    def __init__(self, ix, **kwargs):
        super().__init__(ix, _lk=False, **kwargs)

    @property
    def added(self) -> bool:
        """Whether any document was added."""
        return self._added

    def begin_document(self, names: list[str]) -> int:
        """Check the writer and the field names; start a document: its number."""
        self._check_state()
        self._check_fields(self.schema, names)
        self.perdocwriter.start_doc(self.docnum)
        return self.docnum

    def end_document(self, postings: int) -> None:
        self.perdocwriter.finish_doc()
        self.pool.count += postings
        self._added = True
        self.docnum += 1

    def _flush_segment(self):  # Whoosh calls this to write the pool out
        self.perdocwriter.close()
        self.write_postings(self.fieldwriter)
        self.fieldwriter.close()

    @abstractmethod
    def write_postings(self, fieldwriter) -> None:
        """Write the pooled postings to `fieldwriter`: each subclass's own way (bulk.py)."""

    def finish(self):
        """Write out this writer's segment (its temporary files and lock are the parent's)."""
        return self._finalize_segment()

    def abandon(self) -> None:
        """Close this writer's files without writing a segment."""
        self._close_segment()


def commit_segments(parent: SegmentWriter, segments: list) -> None:
    """Commit `segments` (written by other writers on the same index) with `parent`'s
    lock, as one generation, without merging."""
    parent._close_segment()
    parent._commit_toc(list(parent.segments) + segments)
    parent._finish()


def write_block_postings(
    fieldwriter, ids: array, weights: array, values: list, lengths, small: int
):
    """One term's postings through Whoosh's W3PostingsWriter, a block at a time (the
    buffers and statistics `add_posting` would have built, one posting at a time).

    `lengths`: the documents' field lengths as bytes by document number, or None;
    lists shorter than `small` are written uncompressed (Whoosh compresses every
    block, even of one posting; compressing tiny blocks costs more time than it saves
    bytes, and the reader decompresses only blocks marked so).
    """
    pw = fieldwriter._postwriter
    limit = pw._blocklimit
    n = len(ids)
    level = getattr(pw, "_kb_level", None)
    if level is None:
        level = pw._kb_level = pw._compression
    pw._compression = level if n >= small else 0
    for start in range(0, n, limit):
        end = min(n, start + limit)
        block_ids = ids[start:end]
        block_weights = weights[start:end]
        pw._ids = block_ids
        pw._weights = array("f", block_weights)
        pw._values = [v for v in values[start:end] if v]
        pw._maxweight = max(0, max(block_weights))
        pw._minlength, pw._maxlength = None, 0
        if lengths:
            found = [byte_to_length(b) for b in map(lengths.get, block_ids) if b]
            if found:
                pw._minlength, pw._maxlength = min(found), max(found)
        if end < n:
            pw._write_block()
    # finish_postings (called by finish_term) writes the last block
