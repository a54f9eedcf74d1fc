package dev.gclab.gc.finalize;

import dev.gclab.heap.Heap;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.meta.SideMetadataSpec;
import dev.gclab.heap.meta.SparseSideTable;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.heap.span.SizeClasses;

/**
 * The finalization service's state, with no Java object and no map entry per simulated object.
 *
 * <p>Design. An object that has a finalizer, weak references to it, or the permanent "finalized"
 * bit has one 32-bit entry in a sparse side table ({@link #SPEC}: blocks allocated on first use, so
 * a heap where nothing is registered pays nothing): four flag bits and the index of its
 * <em>object record</em>. Records live in parallel primitive arrays, reused through a free list:
 * <ul>
 *   <li>an object record holds the object's address, its finalizer (or null), the newest of its weak
 *       references, and its links in two ordered lists: finalizers in registration order, and
 *       referents in the order they got their first weak reference (the order of callbacks across
 *       referents);</li>
 *   <li>a <em>weak record</em> belongs to one weak-reference object (a heap object of layout
 *       {@value Finalization#WEAKREF_LAYOUT}: word 0 is the referent, word 1 the weak record's index):
 *       its address, its callback (or null), its referent's object record while it is not cleared, and
 *       its links in that referent's chain, newest first (callbacks of one referent run newest first).</li>
 * </ul>
 * Every address a record holds (object, weak reference, the referent word of a weak reference) is one
 * a moving collector updates through {@link Finalization}'s pass over the records after its trace, so
 * nothing here is keyed by an address that could go stale.
 *
 * <p>Invariants: an object's entry names its record iff the record's address is the object; an
 * object record is freed when it has no finalizer, no weak reference and no flag left; a weak
 * record lives exactly as long as its weak-reference object.
 */
final class Registry {
    static final SideMetadataSpec SPEC = SideMetadataSpec.sparse("finalization", SizeClasses.MIN_OBJECT_BYTES);
    static final int FINALIZABLE = 1, FINALIZED = 2, HAS_WEAKREFS = 4, LEGACY = 8;
    static final int FLAG_MASK = 15, RECORD_SHIFT = 4;
    private static final byte FREE = 0, OBJECT = 1, WEAK = 2;

    private final HeapMemory memory;
    final SparseSideTable table;

    // record arrays (index 0 is never a record)
    long[] addr = new long[64];
    Object[] fn = new Object[64];
    private byte[] kind = new byte[64];
    /** Object record: newest weak record. Weak record: the referent's object record, 0 once cleared. */
    int[] head = new int[64];
    /** Weak record: the next newer / next older weak record of the same referent. Free record: free-list link. */
    int[] newer = new int[64], older = new int[64];
    private int[] finPrev = new int[64], finNext = new int[64], refPrev = new int[64], refNext = new int[64];
    private int used = 1, freeHead;
    int finFirst, finLast, refFirst, refLast;
    private int live;

    Registry(Heap heap) {
        this.memory = heap.memory();
        this.table = heap.sparseSideTable(SPEC);
    }

    int liveRecords() { return live; }

    // ---- side-table entries ----

    int flags(long obj) { return table.get(obj) & FLAG_MASK; }
    int recordOf(long obj) { return table.get(obj) >>> RECORD_SHIFT; }

    void setFlags(long obj, int flags) {
        int e = table.get(obj);
        table.set(obj, (e & ~FLAG_MASK) | flags);
    }

    void addFlags(long obj, int flags) { table.set(obj, table.get(obj) | flags); }
    void clearFlags(long obj, int flags) { table.set(obj, table.get(obj) & ~flags); }

    // ---- records ----

    private int newRecord(byte k, long address) {
        int r;
        if (freeHead != 0) {
            r = freeHead;
            freeHead = older[r];
        } else {
            if (used == addr.length) grow();
            r = used++;
        }
        kind[r] = k;
        addr[r] = address;
        fn[r] = null;
        head[r] = newer[r] = older[r] = 0;
        finPrev[r] = finNext[r] = refPrev[r] = refNext[r] = -1; // -1: not in the list
        live++;
        return r;
    }

    private void freeRecord(int r) {
        kind[r] = FREE;
        fn[r] = null;
        addr[r] = 0;
        older[r] = freeHead;
        freeHead = r;
        live--;
    }

    private void grow() {
        int n = addr.length * 2;
        addr = java.util.Arrays.copyOf(addr, n);
        fn = java.util.Arrays.copyOf(fn, n);
        kind = java.util.Arrays.copyOf(kind, n);
        head = java.util.Arrays.copyOf(head, n);
        newer = java.util.Arrays.copyOf(newer, n);
        older = java.util.Arrays.copyOf(older, n);
        finPrev = java.util.Arrays.copyOf(finPrev, n);
        finNext = java.util.Arrays.copyOf(finNext, n);
        refPrev = java.util.Arrays.copyOf(refPrev, n);
        refNext = java.util.Arrays.copyOf(refNext, n);
    }

    boolean isObjectRecord(int r) { return kind[r] == OBJECT; }
    boolean isWeakRecord(int r) { return kind[r] == WEAK; }
    /** One past the highest record index ever used. */
    int capacity() { return used; }

    /** The object record of {@code obj}, created (with no flags) if it has none. */
    int objectRecord(long obj) {
        int r = recordOf(obj);
        if (r != 0) return r;
        r = newRecord(OBJECT, obj);
        table.set(obj, (table.get(obj) & FLAG_MASK) | (r << RECORD_SHIFT));
        return r;
    }

    /** Frees the object record of {@code obj} if nothing is left in it; the entry keeps the flags it has. */
    void releaseIfEmpty(int r) {
        long obj = addr[r];
        if (fn[r] != null || head[r] != 0 || finNext[r] != -1 || refNext[r] != -1) return;
        if ((table.get(obj) & FLAG_MASK & ~FINALIZED) != 0) return;
        if ((table.get(obj) & FINALIZED) != 0) return; // the permanent bit needs its record to follow the object
        table.set(obj, 0);
        freeRecord(r);
    }

    /** Forgets everything about the dead object {@code obj}: its entry and its object record (after its weak references are gone). */
    void dropObject(long obj) {
        int r = recordOf(obj);
        table.set(obj, 0);
        if (r == 0) return;
        if (finNext[r] != -1) unlinkFin(r);
        if (refNext[r] != -1) unlinkRef(r);
        freeRecord(r);
    }

    // finalizer order list
    void appendFin(int r) {
        if (finNext[r] != -1) return;
        finPrev[r] = finLast;
        finNext[r] = 0;
        if (finLast != 0) finNext[finLast] = r; else finFirst = r;
        finLast = r;
    }

    void unlinkFin(int r) {
        if (finNext[r] == -1) return;
        int p = finPrev[r], n = finNext[r];
        if (p != 0) finNext[p] = n; else finFirst = n;
        if (n != 0) finPrev[n] = p; else finLast = p;
        finPrev[r] = finNext[r] = -1;
    }

    int nextFin(int r) { return finNext[r]; }

    // referent order list
    void appendRef(int r) {
        if (refNext[r] != -1) return;
        refPrev[r] = refLast;
        refNext[r] = 0;
        if (refLast != 0) refNext[refLast] = r; else refFirst = r;
        refLast = r;
    }

    void unlinkRef(int r) {
        if (refNext[r] == -1) return;
        int p = refPrev[r], n = refNext[r];
        if (p != 0) refNext[p] = n; else refFirst = n;
        if (n != 0) refPrev[n] = p; else refLast = p;
        refPrev[r] = refNext[r] = -1;
    }

    int nextRef(int r) { return refNext[r]; }

    // ---- weak records ----

    static long referentWord(long w) { return ObjectModel.wordAddress(w, 0); }
    static long recordWord(long w) { return ObjectModel.wordAddress(w, 1); }

    /** Registers weak-reference object {@code w} (newest) on {@code referent}; returns its weak record. */
    int addWeak(long w, long referent, Object callback) {
        int owner = objectRecord(referent);
        int r = newRecord(WEAK, w);
        fn[r] = callback;
        head[r] = owner;
        int first = head[owner];
        older[r] = first;
        if (first != 0) newer[first] = r;
        head[owner] = r;
        if (first == 0) appendRef(owner);
        addFlags(referent, HAS_WEAKREFS);
        memory.setLong(referentWord(w), referent);
        memory.setLong(recordWord(w), r);
        return r;
    }

    /** The weak record of weak-reference object {@code w}, or 0. */
    int weakRecordOf(long w) { return (int) memory.getLong(recordWord(w)); }

    /** Unlinks weak record {@code r} from its referent's chain and clears the weak reference's referent word. */
    void detachWeak(int r) {
        int owner = head[r];
        if (owner == 0) return;
        int n = newer[r], o = older[r];
        if (n != 0) older[n] = o; else head[owner] = o;
        if (o != 0) newer[o] = n;
        newer[r] = older[r] = 0;
        head[r] = 0;
        memory.setLong(referentWord(addr[r]), 0);
        if (head[owner] == 0) {
            unlinkRef(owner);
            clearFlags(addr[owner], HAS_WEAKREFS);
            releaseIfEmpty(owner);
        }
    }

    /** Frees weak record {@code r} (its weak-reference object died; it is detached already). */
    void freeWeak(int r) {
        if (kind[r] == WEAK) freeRecord(r);
    }
}
