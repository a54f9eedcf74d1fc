package dev.gclab.gc.plan.rc;

import dev.gclab.gc.finalize.Finalization;
import dev.gclab.gc.trace.ObjectScanner;
import dev.gclab.heap.Heap;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.roots.Roots;

import java.util.List;

/**
 * CPython 3.14's incremental cycle collection ({@code -o incremental=true}), in place of 3.11's
 * generations 0, 1 and 2: a young generation and an old one split into two <em>spaces</em>, one
 * <em>visited</em> and one <em>pending</em>. Every automatic collection is one <em>increment</em>: the
 * whole young generation plus the next part of the pending space, so that the old generation is
 * visited once per several collections instead of in one long full collection. (gclab's reading of
 * §1.10 of the reference notes; the code is its own.)
 *
 * <p>Lists. {@link Generations} list 0 is the young generation; lists 1 and 2 are the two old spaces,
 * {@code old[0]} and {@code old[1]}; {@link #visitedSpace} says which is visited. Flipping that bit
 * turns the whole visited space into the pending one at once, as CPython flips the meaning of one
 * header bit.
 *
 * <p>One increment ({@code gc.collect(1)}, and every automatic collection):
 * <ol>
 *   <li>the work to do grows by the new objects (the young count) plus {@code min(heap_size / 10 /
 *       scale, 1.5 * new objects)} (scale = threshold 1, at least 2; heap size = tracked objects); while
 *       it is negative the increment does nothing more (it starts at -5000, and marking is paid for
 *       from it: so the increments after a scavenge's marking wait until the mutator's new objects
 *       have earned them — gclab's reading of the initial value, as CPython's source does it);</li>
 *   <li>at the start of a scavenge ({@code MARK} phase) it only <em>marks</em>: everything reachable
 *       from the globals, the frames and {@code gc.garbage} through tracked containers moves to the
 *       visited space (known alive: no increment examines it this scavenge); then {@code COLLECT};</li>
 *   <li>otherwise the frames are marked the same way, and the increment is the whole young list plus
 *       objects taken from the head of the pending space, each followed by every pending object it
 *       reaches (so that no garbage cycle is split between increments), until it holds the work to
 *       do; it is collected as one region (3.11's pipeline over it: references from outside it keep
 *       its objects), survivors to the visited space; the work to do grows by {@code heap_size / 10 /
 *       scale} less the increment's size;</li>
 *   <li>when the pending space is empty the scavenge is complete: the spaces swap (or, while the
 *       permanent generation holds frozen objects, visited merges into pending), the work to do is 0
 *       and the next increment marks.</li>
 * </ol>
 * {@code gc.collect(0)} collects the young list alone into the visited space; {@code gc.collect(2)}
 * merges young and pending into visited, collects it all in place and completes the scavenge.
 * Garbage that forms in the visited space waits for the next scavenge: the peak-memory cost the
 * 3.14 design is known for.
 *
 * <p>The {@code gc} module: {@code get_count()} is (young count, visited space's count, pending
 * space's count) — a young collection counts one towards the visited space, a full collection zeroes
 * them; thresholds default to (2000, 10, 0), the second the scale of old-space scanning and the third
 * ignored; {@code get_stats()} counts young collections under generation 0, increments under 1 and
 * full collections under 2; callbacks see those generation numbers; {@code freeze()} moves young and
 * both old spaces into the permanent generation, {@code unfreeze()} back into the visited space.
 */
final class Increments {
    static final int MARK = 0, COLLECT = 1;
    /** CPython's {@code SCAN_RATE_DIVISOR}: the heap-size share of each increment's work. */
    static final int SCAN_RATE_DIVISOR = 10;
    static final int INITIAL_WORK_TO_DO = -5000;

    private final Heap heap;
    private final HeapMemory memory;
    private final Generations gens;
    private final CycleDetector detector;
    private final Finalization finalization;
    private final ObjectScanner scanner;
    private long[] stack = new long[256];

    /** Which old space (0 or 1) is the visited one. */
    int visitedSpace;
    int phase = MARK;
    long workToDo = INITIAL_WORK_TO_DO;
    /** {@code old[0].count}, {@code old[1].count}. */
    final long[] oldCount = new long[2];
    /** Completed scavenges and the objects marked alive (for counters). */
    long scavenges, markedAlive, increments;

    Increments(Heap heap, Generations gens, CycleDetector detector, Finalization finalization) {
        this.heap = heap;
        this.memory = heap.memory();
        this.gens = gens;
        this.detector = detector;
        this.finalization = finalization;
        this.scanner = new ObjectScanner(heap);
    }

    int visitedList() { return 1 + visitedSpace; }
    int pendingList() { return 2 - visitedSpace; }

    /** {@code gc.get_count()}: young count, visited space's count, pending space's count. */
    long[] counts() { return new long[] {detector.count[0], oldCount[visitedSpace], oldCount[1 - visitedSpace]}; }

    /** Tracked objects: gclab's {@code heap_size} (CPython counts the GC objects it has allocated and not freed). */
    private long heapSize() { return (long) gens.size(0) + gens.size(1) + gens.size(2); }

    private int scale() { return Math.max(2, detector.threshold[1]); }

    /** {@code gc.collect(g)} in 3.14's terms: 0 young, 1 an increment, 2 full. */
    CycleDetector.Result collect(int g) {
        CycleDetector.Region r = switch (g) {
            case 0 -> young();
            case 1 -> increment();
            default -> full();
        };
        detector.record(g, r);
        return r.result();
    }

    /** gc_collect_young: the young list alone; survivors to the visited space. */
    private CycleDetector.Region young() {
        gens.merge(0, Generations.COLLECTING);
        CycleDetector.Region r = detector.collectRegion(visitedList(), false);
        detector.count[0] = 0;
        oldCount[visitedSpace]++;
        return r;
    }

    /** gc_collect_increment. */
    private CycleDetector.Region increment() {
        increments++;
        long newObjects = detector.count[0];
        workToDo += newObjects + Math.min(heapSize() / SCAN_RATE_DIVISOR / scale(), newObjects * 3 / 2);
        detector.count[0] = 0;
        if (workToDo < 0) return new CycleDetector.Region(0, 0, 0, 0);
        if (phase == MARK) {
            long marked = markAlive(true);
            workToDo -= marked;
            phase = COLLECT;
            return new CycleDetector.Region(0, 0, 0, 0);
        }
        workToDo -= markAlive(false);
        gens.merge(0, Generations.COLLECTING);
        long size = gens.size(Generations.COLLECTING);
        int pending = pendingList();
        while (size < workToDo && gens.size(pending) > 0) {
            long first = gens.pollFirst(pending);
            int from = gens.size(Generations.COLLECTING);
            gens.add(Generations.COLLECTING, first);
            size += 1 + expandRegion(from, pending);
        }
        CycleDetector.Region r = detector.collectRegion(visitedList(), false);
        workToDo += heapSize() / SCAN_RATE_DIVISOR / scale() - size;
        if (gens.size(pending) == 0) completedScavenge();
        return r;
    }

    /**
     * expand_region_transitively_reachable: every pending object reachable from the increment's
     * members at positions {@code from..} (and from those it adds) joins the increment; returns how many.
     */
    private long expandRegion(int from, int pending) {
        long added = 0;
        for (int i = from; i < gens.size(Generations.COLLECTING); i++) {
            long obj = gens.array(Generations.COLLECTING)[i];
            scanner.begin(obj);
            for (long slot = scanner.next(); slot != 0; slot = scanner.next()) {
                long child = memory.getLong(slot);
                if (child != 0 && gens.listOf(child) == pending) {
                    gens.remove(child);
                    gens.add(Generations.COLLECTING, child);
                    added++;
                }
            }
        }
        return added;
    }

    /** gc_collect_full: young and pending merge into visited, which is collected in place; the scavenge completes. */
    private CycleDetector.Region full() {
        int visited = visitedList();
        gens.merge(visited, Generations.COLLECTING);
        gens.merge(pendingList(), Generations.COLLECTING);
        gens.merge(0, Generations.COLLECTING);
        CycleDetector.Region r = detector.collectRegion(visited, true);
        detector.count[0] = 0;
        oldCount[0] = oldCount[1] = 0;
        completedScavenge();
        return r;
    }

    /** completed_scavenge: swap the spaces (or merge visited into pending while frozen objects exist); mark next. */
    private void completedScavenge() {
        if (gens.size(Generations.PERMANENT) == 0) visitedSpace ^= 1;
        else gens.merge(visitedList(), pendingList());
        workToDo = 0;
        phase = MARK;
        scavenges++;
    }

    /**
     * mark_at_start / mark_stacks: moves everything reachable from the roots through tracked containers
     * that is not in the visited space yet (young or pending) to the visited space. At the start of a
     * scavenge the roots are the globals, {@code gc.garbage} and the frames; later only the frames
     * (CPython then skips frames it visited before; gclab's frames carry no such mark, so it walks all).
     *
     * @return the objects moved
     */
    private long markAlive(boolean start) {
        int sp = 0;
        Roots roots = heap.roots();
        if (start) {
            for (int i = 0, n = roots.globalCount(); i < n; i++) sp = visit(roots.global(i), sp);
            List<Long> garbage = finalization.garbage();
            for (int i = 0, n = garbage.size(); i < n; i++) sp = visit(garbage.get(i), sp);
        }
        for (int i = 0, n = roots.stackSize(); i < n; i++) sp = visit(roots.stackSlot(i), sp);
        long moved = sp;
        while (sp > 0) {
            long obj = stack[--sp];
            scanner.begin(obj);
            for (long slot = scanner.next(); slot != 0; slot = scanner.next()) {
                int before = sp;
                sp = visit(memory.getLong(slot), sp);
                moved += sp - before;
            }
        }
        markedAlive += moved;
        return moved;
    }

    /** Moves {@code obj} to the visited space and pushes it if it is tracked and not visited yet. */
    private int visit(long obj, int sp) {
        if (obj == 0) return sp;
        int list = gens.listOf(obj);
        if (list != 0 && list != pendingList()) return sp; // visited, frozen, untracked, dying
        gens.remove(obj);
        gens.add(visitedList(), obj);
        if (sp == stack.length) stack = java.util.Arrays.copyOf(stack, sp * 2);
        stack[sp] = obj;
        return sp + 1;
    }

    /** gc.freeze(): young and both old spaces into the permanent generation; counts zero. */
    void freeze() {
        gens.merge(0, Generations.PERMANENT);
        gens.merge(1, Generations.PERMANENT);
        gens.merge(2, Generations.PERMANENT);
        detector.count[0] = 0;
        oldCount[0] = oldCount[1] = 0;
    }

    /** gc.unfreeze(): the permanent generation into the visited space. */
    void unfreeze() { gens.merge(Generations.PERMANENT, visitedList()); }
}
