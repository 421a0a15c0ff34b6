"""Building a whole index fast: segments written a posting list at a time, in parallel.

Whoosh's SegmentWriter puts every posting through a generic external sort (a Python
tuple per posting, spilled to disk runs past `limitmb`), then writes them one call at
a time, reading each document's length back from disk for every posting. For a full
rebuild `BulkWriter` keeps each term's postings in arrays in memory (documents arrive
in order, so they are sorted already), sorts only the terms, and hands Whoosh's own
postings writer a block at a time. The files it writes are ordinary Whoosh segments
(same codec, same bytes as SegmentWriter writes for the same documents).

`build` runs one BulkWriter per process; each finishes a segment whenever its postings
pass the memory budget, and the segments are committed together.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing as mp
import traceback
from array import array
from collections.abc import Iterable

from whoosh.util.numeric import length_to_byte

from kb.search.adapter import SegmentWriterBase, commit_segments, write_block_postings
from kb.search.analysis import indexing
from kb.search.schema import WeightedText, encode_positions, index_fields

#: Documents sent to a writer process at a time.
BATCH = 250
#: Posting lists shorter than this are written uncompressed.
SMALL_BLOCK = 8
#: Rough memory one buffered posting costs (two array slots, a bytes object, its slot).
POSTING_BYTES = 72


class MemoryPool:
    """Postings by (field, term): document numbers, weights and values, in arrays."""

    def __init__(self):
        self.terms: dict[tuple[str, bytes], tuple[array, array, list]] = {}
        self.count = 0

    @property
    def fieldnames(self) -> set[str]:
        return {fieldname for fieldname, _ in self.terms}

    def add(self, item) -> None:
        """One posting as Whoosh's pools take it: (field, term, docnum, weight, value)."""
        fieldname, btext, docnum, weight, value = item
        entry = self.terms.get((fieldname, btext))
        if entry is None:
            entry = self.terms[(fieldname, btext)] = (array("I"), array("d"), [])
        entry[0].append(docnum)
        entry[1].append(weight)
        entry[2].append(value)
        self.count += 1

    def iter_postings(self):
        for key in sorted(self.terms):
            ids, weights, values = self.terms[key]
            for docnum, weight, value in zip(ids, weights, values, strict=True):
                yield (*key, docnum, weight, value)

    def cleanup(self) -> None:
        self.terms = {}


class BulkWriter(SegmentWriterBase):
    """A SegmentWriter for building: postings held in memory, written per term."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self.pool.cleanup()
        self.pool = MemoryPool()
        #: Per scorable field, each document's length as Whoosh stores it (a byte).
        self.field_lengths: dict[str, dict[int, int]] = {}
        #: Postings of WeightedText fields by str term (see add_document).
        self.text_terms: dict[str, dict[str, tuple[array, array, list]]] = {}

    def add_document(self, **fields):
        schema = self.schema
        if any(name.startswith("_") for name in fields) or any(
            schema[name].separate_spelling() or schema[name].vector
            for name in fields
            if name in schema
        ):
            return super().add_document(**fields)  # boosts, spelling, vectors: the long way
        perdoc = self.perdocwriter
        terms = self.pool.terms
        names = sorted(fields)
        docnum = self.begin_document(names)
        added = 0
        for fieldname in names:
            value = fields[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if type(field) is WeightedText and field.direct():
                # The text field, straight from the analyser: terms stay str until the
                # segment is written (UTF-8 sorts as str does), positions encoded once.
                by_term = self.text_terms.setdefault(fieldname, {})
                boost = field.format.field_boost
                positions, weights = field.analyzer.postings(value)
                for term, poses in positions.items():
                    length += len(poses)
                    entry = by_term.get(term)
                    if entry is None:
                        entry = by_term[term] = (array("I"), array("d"), [])
                    entry[0].append(docnum)
                    entry[1].append(weights[term] * boost)
                    entry[2].append(encode_positions(poses))
                added += len(positions)
                if length:
                    self.field_lengths.setdefault(fieldname, {})[docnum] = length_to_byte(length)
            elif field.indexed:
                scorable = field.scorable
                for btext, freq, weight, vbytes in field.index(value):
                    if scorable:
                        length += freq
                    entry = terms.get((fieldname, btext))
                    if entry is None:
                        entry = terms[(fieldname, btext)] = (array("I"), array("d"), [])
                    entry[0].append(docnum)
                    entry[1].append(weight)
                    entry[2].append(vbytes)
                    added += 1
                if scorable and length:
                    self.field_lengths.setdefault(fieldname, {})[docnum] = length_to_byte(length)
            perdoc.add_field(fieldname, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdoc.add_column_value(fieldname, column, field.to_column_value(value))
        self.end_document(added)

    def write_postings(self, fw):
        for fieldname, by_term in self.text_terms.items():
            terms = self.pool.terms
            for term, entry in by_term.items():
                terms[(fieldname, term.encode("utf-8"))] = entry
        self.text_terms = {}
        schema = self.schema
        current = None
        lengths = None
        for fieldname, btext in sorted(self.pool.terms):
            if fieldname != current:
                if current is not None:
                    fw.finish_field()
                current = fieldname
                fw.start_field(fieldname, schema[fieldname])
                lengths = self.field_lengths.get(fieldname) if schema[fieldname].scorable else None
            ids, weights, values = self.pool.terms[(fieldname, btext)]
            fw.start_term(btext)
            write_block_postings(fw, ids, weights, values, lengths, SMALL_BLOCK)
            fw.finish_term()
        if current is not None:
            fw.finish_field()


def _worker(ix, jobs, results, limitmb: int) -> None:
    """A writer process: index the batches it is sent, answer with its segments."""
    gc.disable()  # millions of small lists and tuples, no cycles: collections only cost
    try:
        budget = limitmb * 1024 * 1024 // POSTING_BYTES
        segments = []
        writer = BulkWriter(ix)
        while True:
            batch = jobs.get()
            if batch is None:
                break
            for doc in batch:
                writer.add_document(**index_fields(doc))
            if writer.pool.count > budget:
                segments.append(_finish(writer))
                writer = BulkWriter(ix)
        if writer.added:
            segments.append(_finish(writer))
        else:
            writer.abandon()
        results.put(("ok", segments))
    except BaseException:
        results.put(("error", traceback.format_exc()))


def _finish(writer: BulkWriter):
    """Write out the writer's segment (its temporary files and lock are the parent's)."""
    return writer.finish()


def build(ix, docs: Iterable[dict], procs: int = 1, limitmb: int = 256) -> int:
    """Add `docs` (search documents) to the empty index `ix`, in `procs` processes
    sharing `limitmb` MiB of postings; returns how many documents were added."""
    with indexing():
        return _build(ix, docs, procs, limitmb)


def _build(ix, docs: Iterable[dict], procs: int, limitmb: int) -> int:
    parent = ix.writer()
    count = 0
    collecting = gc.isenabled()
    gc.disable()  # millions of small lists and tuples, no cycles: collections only cost
    try:
        if procs <= 1:
            budget = limitmb * 1024 * 1024 // POSTING_BYTES
            segments = []
            writer = BulkWriter(ix)
            try:
                for doc in docs:
                    writer.add_document(**index_fields(doc))
                    count += 1
                    if writer.pool.count > budget:
                        segments.append(_finish(writer))
                        writer = BulkWriter(ix)
            except BaseException:
                with contextlib.suppress(Exception):
                    writer.abandon()  # close its files; the generation is dropped
                raise
            if writer.added:
                segments.append(_finish(writer))
            else:
                writer.abandon()
        else:
            segments, count = _build_parallel(ix, docs, procs, max(1, limitmb // procs))
    except BaseException:
        parent.cancel()
        raise
    finally:
        if collecting:
            gc.enable()
    commit_segments(parent, segments)
    return count


def _build_parallel(ix, docs: Iterable[dict], procs: int, limitmb: int):
    ctx = mp.get_context("fork")
    jobs = ctx.Queue(procs * 4)
    results = ctx.Queue()
    workers = [
        ctx.Process(target=_worker, args=(ix, jobs, results, limitmb), daemon=True)
        for _ in range(procs)
    ]
    for w in workers:
        w.start()
    count = 0
    try:
        batch = []
        for doc in docs:
            batch.append(doc)
            count += 1
            if len(batch) >= BATCH:
                jobs.put(batch)
                batch = []
        if batch:
            jobs.put(batch)
        for _ in workers:
            jobs.put(None)
        segments = []
        for _ in workers:
            status, found = results.get()
            if status != "ok":
                raise RuntimeError(f"a writer process failed:\n{found}")
            segments += found
        for w in workers:
            w.join()
        return segments, count
    except BaseException:
        for w in workers:
            if w.is_alive():
                w.terminate()
        raise
