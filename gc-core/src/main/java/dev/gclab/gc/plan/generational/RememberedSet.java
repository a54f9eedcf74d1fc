package dev.gclab.gc.plan.generational;

import dev.gclab.gc.policy.MarkSpace;
import dev.gclab.gc.trace.ObjectScanner;
import dev.gclab.gc.trace.TraceKernel;
import dev.gclab.heap.Heap;
import dev.gclab.heap.Space;
import dev.gclab.heap.WorkCounters;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.span.PageHeap;
import dev.gclab.heap.span.Span;

/**
 * The remembered set: where the write barrier's slow path records that an old object got a reference
 * to a young one, and what a minor collection traces besides the roots. Three kinds ({@code -o barrier=}):
 * {@link CardTable} (a byte per card, dirty cards scanned), {@link ObjectLog} (MMTk's log bit: an
 * object is logged once and scanned whole), {@link SlotBuffer} (a sequential store buffer of slot
 * addresses, deduplicated at collection).
 *
 * <p>Life of an entry. The slow path {@link #record}s it (pending). A minor collection {@link #scan}s
 * every pending entry through the trace kernel (each slot it covers is an edge: its young referent is
 * copied or marked and the slot updated) and cleans it: a card is cleaned, a log bit cleared, the buffer
 * emptied. Mutator code run during the collection (finalizers, callbacks) records new pending entries,
 * which the collection's remark scans the same way. When the collection ends with no young object left
 * (promotion at once, the sticky variant, every major collection) the set is {@link #clear}ed. With
 * aging, young survivors remain, and the set is rebuilt: {@link #keepLive} records again each scanned
 * entry that still covers a reference to a young object, and {@link #rememberYoungRefsOf} records the
 * young references of objects that became old in the collection (promoted copies, spans promoted in
 * place) — references the barrier never saw.
 *
 * <p>Sources. In the copying variant an old object is one in a span of the old space; in the sticky
 * variant a marked one (the barrier records only those). A card may cover young objects too in the
 * sticky variant: they are skipped when the card is scanned.
 */
abstract class RememberedSet {
    protected final Heap heap;
    protected final HeapMemory memory;
    protected final PageHeap pages;
    protected final WorkCounters counters;
    protected final ObjectScanner scanner;
    /** The young space of the copying variant, or null (sticky). */
    protected final Space young;
    /** The sticky variant's marks (old objects are marked), or null. */
    protected final MarkSpace sticky;
    /** Entries at each minor collection's start: sum and maximum. */
    long sizeSum, sizeMax;

    RememberedSet(Heap heap, Space young, MarkSpace sticky) {
        this.heap = heap;
        this.memory = heap.memory();
        this.pages = heap.pages();
        this.counters = heap.counters();
        this.scanner = new ObjectScanner(heap);
        this.young = young;
        this.sticky = sticky;
    }

    /** The slow path: old object {@code obj} got a reference to a young object in {@code slot}. */
    abstract void record(long obj, long slot);

    /** Pending entries: dirty cards, logged objects or buffered slots (before deduplication). */
    abstract int size();

    /** What {@link #size()} counts, for messages. */
    abstract String what();

    /** One entry, for messages: "dirty card", "log entry", "buffered slot". */
    abstract String entry();

    /**
     * Traces, through {@code k}, every slot the pending entries cover ({@link TraceKernel#processEdge}:
     * the young referent is copied or marked, the slot updated) and cleans the entries, which move to the
     * scanned list. Does not drain {@code k}.
     */
    abstract void scan(TraceKernel k);

    /** At the end of a minor collection that left young objects: scanned entries that still cover a young reference are recorded again. */
    abstract void keepLive();

    /** Drops every entry, pending and scanned (no young object is left). */
    abstract void clear();

    /** For the verifier: is the reference in {@code slot} of old object {@code obj} covered by an entry? */
    abstract boolean covers(long obj, long slot);

    /** Called before a series of {@link #covers} calls. */
    void beginCoverCheck() {}

    /** Counters of this kind (cards scanned, duplicates dropped), by name. */
    void counters(java.util.Map<String, Long> m) {}

    /** True if {@code v} is a young object now (copying variant: in a span of the young space). */
    final boolean isYoung(long v) {
        if (v == 0) return false;
        if (young != null) return young.contains(v) && pages.spanOfHeapAddress(v).space == young.id;
        return !sticky.isMarked(v);
    }

    /** Records every reference of {@code obj} (now old) to a young object. */
    final void rememberYoungRefsOf(long obj) {
        scanner.begin(obj);
        for (long slot = scanner.next(); slot != 0; slot = scanner.next()) {
            if (isYoung(memory.getLong(slot))) record(obj, slot);
        }
    }

    /** Notes the size at a minor collection's start. */
    final void sample() {
        int n = size();
        sizeSum += n;
        if (n > sizeMax) sizeMax = n;
    }

    /** Traces every reference slot of {@code obj}; returns how many. */
    final int scanObject(TraceKernel k, long obj) {
        int n = 0;
        scanner.begin(obj);
        for (long slot = scanner.next(); slot != 0; slot = scanner.next()) {
            k.processEdge(slot);
            n++;
        }
        return n;
    }

    /** True if some reference slot of {@code obj} holds a young object. */
    final boolean hasYoungRef(long obj) {
        scanner.begin(obj);
        for (long slot = scanner.next(); slot != 0; slot = scanner.next()) {
            if (isYoung(memory.getLong(slot))) return true;
        }
        return false;
    }

    /** The span of {@code a}, or null. */
    final Span spanOf(long a) { return pages.spanOf(a); }
}
