package dev.gclab.gc.plan.compact;

import dev.gclab.gc.finalize.Finalization;
import dev.gclab.gc.policy.CompactSpace;
import dev.gclab.gc.spi.BarrierKind;
import dev.gclab.gc.spi.CollectionOutcome;
import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CommonOptions;
import dev.gclab.gc.spi.Constraints;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.gc.spi.ReachabilityHook;
import dev.gclab.gc.stats.GcStats;
import dev.gclab.gc.stats.PauseKind;
import dev.gclab.gc.stats.Phase;
import dev.gclab.gc.plan.marksweep.MarkSweepTrace;
import dev.gclab.gc.trace.Sweeper;
import dev.gclab.gc.util.LongStack;
import dev.gclab.gc.verify.HeapVerifier;
import dev.gclab.heap.Heap;
import dev.gclab.heap.WorkCounters;
import dev.gclab.heap.span.Span;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mark, sweep, then compact in place with pins: Ruby's {@code GC.compact} on gclab's spans.
 *
 * <p>A collection is {@code marksweep}'s — mark in place from the roots ({@link MarkSweepTrace}, marksweep's own), the
 * reachability hooks (finalizers, weak references; objects allocated meanwhile are allocated black),
 * the Go-style bitmap sweep — followed, when the policy says so, by a compaction of the one space
 * ({@link CompactSpace}): per size class, the objects of the sparsest spans move into the holes of the
 * densest (two fingers over the class's spans, spans with a pinned object first and never evacuated),
 * each old slot left with a forwarding header; then every reference is updated ({@link ReferenceUpdater}:
 * globals, frame slots and handle entries through the trace kernel's root walk, every reference slot of
 * every object in use through a walk of the alloc bitmaps, the finalization service's records and weak
 * references' referent words through {@code Finalization.objectsMoved}), and the emptied spans go back
 * to the page heap. Moving after the sweep means finalizers and callbacks never see a moved object or a
 * hole filled, and no object is moved that dies.
 *
 * <p>Pins ({@code Mutator.pin}, pin windows of handles) are honoured: a pinned object keeps its slot,
 * and a span holding one is never released (it receives objects instead). Large objects never move.
 *
 * <p>When to compact: {@code -o compact_every=N} compacts at every Nth collection, {@code -o
 * compact_when=frag>X} when the space's fragmentation after the sweep ({@code 1 - live bytes / span
 * bytes}) exceeds X; with both, either; with neither, every collection compacts. A collection that
 * does not compact is exactly a {@code marksweep} collection. A collection for an allocation that
 * found no room ({@link GcCause#HEAP_FULL}) always compacts: released spans may be what a request of
 * another size class needs.
 *
 * <p>Counters: {@code collections_compacted}, {@code objects_moved}, {@code bytes_moved},
 * {@code spans_released}, {@code spans_with_pins} and {@code spans_kept_by_pins} (summed over
 * compactions: spans holding a pinned object, and the spans left beyond what the same compaction
 * without pins leaves), {@code slots_updated}, and the fragmentation before and after the last
 * collection's compaction in millionths ({@code fragmentation_before_ppm}, {@code
 * fragmentation_after_ppm}; equal when it did not compact).
 *
 * <p>With {@code verify}, besides the usual checks, a collection that ran no finalizer or callback and
 * kept no garbage is compared with a snapshot of the graph taken before it (contents with references
 * renamed, pinned objects unmoved, weak references following their referents), as for {@code copying}.
 */
public final class CompactCollector implements Collector {
    static final Constraints CONSTRAINTS = new Constraints(true, BarrierKind.NONE, false, false, false, true);
    static final Set<String> KNOBS = Set.of("compact_every", "compact_when");
    private static final Pattern WHEN = Pattern.compile("frag>(\\d*\\.?\\d+)");

    private final Heap heap;
    private final WorkCounters work;
    private final CollectorOptions options;
    private final GcStats stats = new GcStats();
    private final MarkSweepTrace marker;
    private final Sweeper sweeper;
    private final CompactSpace compact;
    private final ReferenceUpdater updater;
    private final HeapVerifier verifier;
    private final List<ReachabilityHook> hooks = new ArrayList<>();
    private final Finalization finalization;
    /** Compact at every Nth collection (0: not by count). */
    private final int every;
    /** Compact when fragmentation exceeds this (negative: not by fragmentation). */
    private final double fragThreshold;
    private boolean collecting;
    private CollectionOutcome last = CollectionOutcome.NONE;
    private long compactions, objectsMoved, bytesMoved, spansReleased, spansWithPins, spansKeptByPins;
    private double fragBefore, fragAfter;

    public CompactCollector(Heap heap, CollectorOptions options) {
        Map<String, String> extra = options.extra();
        CommonOptions.requireKnown(CompactProvider.NAME, extra, KNOBS);
        String e = extra.get("compact_every"), w = extra.get("compact_when");
        this.every = e != null ? parseEvery(e) : w == null ? 1 : 0;
        this.fragThreshold = w != null ? parseWhen(w) : -1;
        this.heap = heap;
        this.work = heap.counters();
        this.options = options;
        this.marker = new MarkSweepTrace(heap);
        this.sweeper = new Sweeper(heap);
        this.compact = new CompactSpace(heap, heap.mutatorSpace());
        this.updater = new ReferenceUpdater(heap, compact);
        this.verifier = options.verify() ? new HeapVerifier(heap) : null;
        this.finalization = new Finalization(heap);
        CommonOptions.apply(extra, finalization);
        marker.snapshotOnRemark = verifier != null;
        if (verifier != null) {
            verifier.setExtraRoots(finalization::garbage);
            verifier.setWeakRefLayout(finalization.weakRefLayout());
        }
        heap.setCollectionTrigger(options.minTriggerBytes());
        stats.setHeap(heap);
    }

    private static int parseEvery(String raw) {
        String v = raw.trim();
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) return n;
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new IllegalArgumentException(CompactProvider.NAME + ": compact_every must be an integer in [1, " + Integer.MAX_VALUE
            + "] (compact at every Nth collection), not '" + raw + "'");
    }

    private static double parseWhen(String raw) {
        Matcher mt = WHEN.matcher(raw.trim());
        if (mt.matches()) {
            double x = Double.parseDouble(mt.group(1));
            if (x < 1) return x;
        }
        throw new IllegalArgumentException(CompactProvider.NAME + ": compact_when must be frag>X with X a decimal number in [0, 1) "
            + "(compact when 1 - live bytes / span bytes exceeds X), e.g. frag>0.3, not '" + raw + "'");
    }

    @Override public String name() { return CompactProvider.NAME; }
    @Override public Heap heap() { return heap; }
    @Override public Constraints constraints() { return CONSTRAINTS; }
    @Override public GcStats stats() { return stats; }
    @Override public void addReachabilityHook(ReachabilityHook hook) { hooks.add(hook); }
    @Override public Finalization finalization() { return finalization; }
    @Override public CollectionOutcome lastCollection() { return last; }

    /** The compaction policy: the space it compacts, and the last compaction's per-class figures. */
    public CompactSpace compactSpace() { return compact; }

    @Override
    public Map<String, Long> collectorCounters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("collections_compacted", compactions);
        m.put("objects_moved", objectsMoved);
        m.put("bytes_moved", bytesMoved);
        m.put("spans_released", spansReleased);
        m.put("spans_with_pins", spansWithPins);
        m.put("spans_kept_by_pins", spansKeptByPins);
        m.put("slots_updated", updater.slotsUpdated);
        m.put("fragmentation_before_ppm", Math.round(fragBefore * 1e6));
        m.put("fragmentation_after_ppm", Math.round(fragAfter * 1e6));
        m.putAll(finalization.counters());
        return m;
    }

    @Override
    public void pollCollection(long requestBytes) {
        if (!collecting) collect(GcCause.TRIGGER);
    }

    @Override
    public void collectForAllocation(long requestBytes) {
        if (!collecting) collect(GcCause.HEAP_FULL);
    }

    /** Objects allocated while a collection runs (by finalizers and callbacks) are allocated black. */
    @Override
    public void postAlloc(long obj) {
        if (collecting) marker.marks.setMark(obj);
    }

    @Override
    public void collect(GcCause cause) {
        if (collecting) return;
        collecting = true;
        try {
            HeapVerifier.Snapshot before = null;
            if (verifier != null) {
                verifier.verify("before collection " + (stats.cycles() + 1) + " (" + cause + ")", false, null, stats);
                long v0 = System.nanoTime();
                before = verifier.snapshot();
                stats.recordVerification(System.nanoTime() - v0);
            }
            long t0 = System.nanoTime();
            long allocated = heap.objectCount();
            long markedBefore = work.objectsMarked;
            long codeBefore = finalization.codeRuns();
            marker.markFromRoots();
            long t1 = System.nanoTime();
            stats.recordPhase(Phase.MARK, t0, t1);
            long unreachable = allocated - (work.objectsMarked - markedBefore);
            marker.beforeRemark = null;
            for (ReachabilityHook hook : hooks) hook.afterMarking(marker);
            finalization.afterMarking(marker);
            long saved = finalization.saveAll() ? marker.saveGarbage(finalization) : 0;
            long t2 = System.nanoTime();
            stats.recordPhase(Phase.FINALIZE, t1, t2);
            long freedBefore = work.objectsFreed;
            sweeper.sweepAll();
            long t3 = System.nanoTime();
            stats.recordPhase(Phase.SWEEP, t2, t3);
            fragBefore = compact.fragmentation();
            LongPredicate mayRemain = mayRemain(marker.beforeRemark);
            if (shouldCompact(cause)) {
                mayRemain = compactAndUpdate(mayRemain);
                fragAfter = compact.fragmentation();
                stats.recordPhase(Phase.COMPACT, t3, System.nanoTime());
            } else {
                fragAfter = fragBefore;
            }
            long live = heap.inUseBytes();
            heap.setCollectionTrigger(Math.max(options.minTriggerBytes(), (long) (live * options.growthFactor())));
            stats.recordPause(PauseKind.MAJOR, t0);
            stats.cycleCompleted(false);
            last = new CollectionOutcome(2, unreachable, work.objectsFreed - freedBefore + saved, finalization.lastUncollectable());
            if (verifier != null) {
                String when = "after collection " + stats.cycles() + " (" + cause + ")";
                verifier.verify(when, true, mayRemain, stats);
                // Unless finalizers or callbacks ran or garbage was kept alive, the graph is the one before, moves aside.
                if (finalization.codeRuns() == codeBefore && last.uncollectable() == 0 && saved == 0) {
                    long v0 = System.nanoTime();
                    verifier.verifyMoved(when, before);
                    stats.recordVerification(System.nanoTime() - v0);
                }
            }
        } finally {
            collecting = false;
        }
    }

    private boolean shouldCompact(GcCause cause) {
        if (cause == GcCause.HEAP_FULL) return true;
        if (every > 0 && (stats.cycles() + 1) % every == 0) return true;
        return fragThreshold >= 0 && fragBefore > fragThreshold;
    }

    /**
     * The compaction: plan and move, update every reference, release the emptied spans. Returns the
     * verifier's exemption renamed to the objects' new addresses ({@code mayRemain} names them where
     * they were before the move).
     */
    private LongPredicate compactAndUpdate(LongPredicate mayRemain) {
        LongStack exempt = mayRemain == null ? null : exemptObjects(mayRemain);
        long moved = compact.compact();
        if (moved > 0) {
            updater.traceRoots();
            updater.updateHeap();
            finalization.objectsMoved(updater);
            if (exempt != null) {
                Set<Long> now = new HashSet<>();
                for (int i = 0; i < exempt.size(); i++) now.add(compact.forward(exempt.get(i)));
                mayRemain = obj -> now.contains(obj) || finalization.keptForLater(obj);
            }
        }
        compact.finish();
        compactions++;
        objectsMoved += compact.objectsMoved;
        bytesMoved += compact.bytesMoved;
        spansReleased += compact.spansReleased;
        spansWithPins += compact.spansWithPins;
        spansKeptByPins += compact.spansKeptByPins;
        return mayRemain;
    }

    /** Every object in use that {@code mayRemain} accepts (the verifier's exemption, before a compaction renames them). */
    private LongStack exemptObjects(LongPredicate mayRemain) {
        LongStack l = new LongStack(64);
        for (int i = 0, n = heap.spanCount(); i < n; i++) {
            Span s = heap.span(i);
            for (int idx = 0; idx < s.nelems; idx++) {
                if (s.isAllocated(idx) && mayRemain.test(s.slotAddress(idx))) l.push(s.slotAddress(idx));
            }
        }
        return l;
    }

    /**
     * What a finished collection may leave unreachable: objects that were live when finalizers and
     * callbacks had run (garbage they made waits), and garbage kept for the next collection because it
     * got a finalizer or weak reference during this one.
     */
    private LongPredicate mayRemain(LongPredicate liveBeforeRemark) {
        if (liveBeforeRemark == null) return null;
        return obj -> liveBeforeRemark.test(obj) || finalization.keptForLater(obj);
    }
}
