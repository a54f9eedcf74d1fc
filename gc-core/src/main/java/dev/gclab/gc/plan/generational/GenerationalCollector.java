package dev.gclab.gc.plan.generational;

import dev.gclab.gc.finalize.Finalization;
import dev.gclab.gc.policy.MarkSpace;
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
import dev.gclab.gc.trace.Sweeper;
import dev.gclab.gc.util.LongStack;
import dev.gclab.gc.verify.HeapVerifier;
import dev.gclab.heap.Heap;
import dev.gclab.heap.Space;
import dev.gclab.heap.WorkCounters;
import dev.gclab.heap.span.Span;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * A generational collector: a nursery collected often by minor collections, an old space collected by
 * major ones — in two variants.
 *
 * <p><b>Copying nursery</b> (the default). Spaces: {@code nursery}, a reserved address range where the
 * mutator allocates (so "young?" is one range compare, for the barrier and the trace alike), and
 * {@code old}, managed like {@code marksweep} (mark in place with side or header marks, bitmap sweep).
 * Arrays of at least a quarter of the nursery are allocated old at once (pretenured). A minor
 * collection ({@link MinorTrace}) traces from the roots and the remembered set, copying every young
 * survivor out of the nursery ({@link NurserySpace}): into the old space at once, or, with
 * {@code -o promote_age=N}, into the young range again until it has survived N minor collections (its
 * age in header bits). Spans holding a pinned object, and large objects' spans, are not copied: they
 * are promoted in place (they join the old space where they lie, {@code pinned_promoted_in_place}).
 * The nursery's spans are then released. A major collection ({@link MajorTrace}) traces the whole heap,
 * evacuating the nursery into the old space and marking old objects, then sweeps the old space.
 *
 * <p><b>Sticky mark bits</b> ({@code -o nursery=sticky}, Demers et al. 1990; Ruby's RGenGC, Whippet's
 * and MMTk's sticky plans). Nothing moves: one space, and an object is old when its mark is set. Marks
 * persist between collections ({@code Heap.setStickyMarks}); a minor collection marks from the roots
 * and the remembered set, stopping at marked objects, and sweeps the unmarked (young, dead) objects
 * keeping the marks ({@link StickySweeper}): every survivor is old at once. A major collection clears
 * every mark and marks the whole heap.
 *
 * <p><b>Barrier and remembered set.</b> {@link GenBarrier}: a fast path that filters stores which cannot
 * create an old→young reference (for the copying nursery one range compare: a null or old value), and
 * a slow path into the {@link RememberedSet}: cards, an object log, or a store buffer ({@code -o
 * barrier=}). Every collection that leaves no young object behind empties it.
 *
 * <p><b>Triggers.</b> A minor collection when the mutator has allocated the nursery's budget since the
 * last collection (the heap's trigger), or when the nursery's range has no room for an allocation
 * (which is then retried in the nursery, or, if even a major collection left no room there, in the old
 * space). After a minor collection, a major one when the old space reached {@code max(minTrigger,
 * live after the last major × growth)}, or when a copy found no room. {@link #collect} is a major
 * collection, {@link #collectYoung} a minor one. When spans promoted in place (long-lived pinned or large
 * objects) leave less than a quarter of the budget free in the range, the nursery is "crowded": the
 * mutator allocates old (the collector then works as {@code marksweep}) until a major collection frees
 * the range ({@code nursery_crowded_episodes}); otherwise every allocation would collect.
 *
 * <p><b>Finalizers and weak references</b> run through {@code Finalization.afterMarking} in both kinds of
 * collection: a minor collection covers only young objects, so only young garbage is finalized and only
 * weak references to young referents are cleared; old finalizable objects wait for a major one.
 * Objects finalizers allocate during a collection survive it: in the copying variant the mutator
 * allocates in the old space while a collection runs; in the sticky one they are allocated black.
 *
 * <p><b>Verification</b> ({@code --verify}): the heap verifier before and after every collection; before
 * every minor collection also the remembered-set invariant ({@link RemsetVerifier}); after a minor
 * collection exactness for young objects (every young survivor is reachable from the roots or from an
 * old object); after a major collection exactness, and for the copying variant the moved-graph check
 * when no finalizer or callback ran.
 */
public final class GenerationalCollector implements Collector {
    private final Heap heap;
    private final WorkCounters work;
    private final CollectorOptions options;
    private final GenOptions gen;
    private final GcStats stats = new GcStats();
    private final Finalization finalization;
    private final HeapVerifier verifier;
    private final RemsetVerifier remsetVerifier;
    private final List<ReachabilityHook> hooks = new ArrayList<>();
    private final MarkSpace marks;
    private final Sweeper sweeper;
    /** The copying variant's nursery (a reserved range), or null (sticky). */
    private final Space young;
    /** The old space (copying variant), or the one space of the sticky variant. */
    private final Space old;
    private final RememberedSet remset;
    private final GenBarrier barrier;
    private final GenBarrier.Nursery nurseryBarrier;
    private final NurserySpace nursery;
    private final MinorTrace minorTrace;
    private final MajorTrace majorTrace;
    private final StickyTrace stickyTrace;
    private final StickySweeper stickySweeper;

    private boolean collecting;
    /** The next allocation goes to the old space (the nursery had no room for it even after collecting). */
    private boolean redirected;
    /**
     * Spans promoted in place (long-lived pinned or large objects) fill the nursery's range: the mutator
     * allocates in the old space, as {@code marksweep} would, until a major collection frees the range.
     */
    private boolean crowded;
    private long crowdedEpisodes;
    /** {@link #postAlloc} has something to do: a redirected allocation, or a sticky collection running (allocate black). */
    private boolean postAllocWork;
    private long oldTrigger;
    /** Old bytes after the last collection (sticky: the heap's occupancy then). */
    private long oldBytesAfterLast;
    /** Sticky: the mutator's allocation count at the end of the last collection (what it allocates since is young). */
    private long allocationsAfterLast;
    private CollectionOutcome last = CollectionOutcome.NONE;

    private long minorCycles, majorCycles;
    private long bytesPromoted, bytesPromotedInPlace, bytesCopiedYoung, youngBytesSeen;
    private long lastSurvivalPpm, survivalPpmSum;
    private long allocationsRedirected;

    public GenerationalCollector(Heap heap, CollectorOptions options) {
        this.gen = GenOptions.parse(heap, options);
        this.heap = heap;
        this.work = heap.counters();
        this.options = options;
        this.marks = new MarkSpace(heap);
        this.sweeper = new Sweeper(heap);
        MarkSpace stickyMarks = gen.sticky() ? marks : null;
        if (gen.sticky()) {
            young = null;
            old = heap.mutatorSpace();
            heap.setStickyMarks(true);
        } else {
            young = heap.defineSpace("nursery", gen.reserveBytes());
            old = heap.defineSpace("old");
            heap.setMutatorSpace(young);
            heap.setPretenuring(old, gen.pretenureBytes());
        }
        remset = switch (gen.barrier()) {
            case CARDS -> new CardTable(heap, young, stickyMarks, gen.cardBytes());
            case OBJECT -> new ObjectLog(heap, young, stickyMarks);
            case SSB -> new SlotBuffer(heap, young, stickyMarks);
        };
        if (gen.sticky()) {
            nurseryBarrier = null;
            barrier = new GenBarrier.Sticky(marks, remset);
            nursery = null;
            minorTrace = null;
            majorTrace = null;
            stickyTrace = new StickyTrace(heap, marks, remset);
            stickySweeper = new StickySweeper(heap);
        } else {
            nurseryBarrier = new GenBarrier.Nursery(heap, young, remset);
            barrier = nurseryBarrier;
            nursery = new NurserySpace(heap, marks, sweeper, young, old, gen.promoteAge(), gen.budgetBytes() / 4);
            minorTrace = new MinorTrace(heap, marks, nursery, remset);
            majorTrace = new MajorTrace(heap, marks, nursery);
            stickyTrace = null;
            stickySweeper = null;
        }
        this.finalization = new Finalization(heap);
        CommonOptions.apply(options.extra(), finalization);
        this.verifier = options.verify() ? new HeapVerifier(heap) : null;
        this.remsetVerifier = options.verify() ? new RemsetVerifier(heap) : null;
        if (verifier != null) {
            verifier.setExtraRoots(finalization::garbage);
            verifier.setWeakRefLayout(finalization.weakRefLayout());
            for (GenTrace t : new GenTrace[] {minorTrace, majorTrace, stickyTrace}) if (t != null) t.snapshotOnRemark = true;
        }
        oldTrigger = options.minTriggerBytes();
        heap.setCollectionTrigger(gen.budgetBytes());
        stats.setHeapBytes(heap::inUseBytes);
    }

    @Override public String name() { return GenerationalProvider.NAME; }
    @Override public Heap heap() { return heap; }
    @Override public Constraints constraints() { return gen.sticky() ? GenConstraints.STICKY : GenConstraints.COPYING; }
    @Override public GcStats stats() { return stats; }
    @Override public void addReachabilityHook(ReachabilityHook hook) { hooks.add(hook); }
    @Override public Finalization finalization() { return finalization; }
    @Override public CollectionOutcome lastCollection() { return last; }

    /** The nursery's space (null for the sticky variant): for tests and benchmarks. */
    public Space nurserySpace() { return young; }
    /** The old space (the one space of the sticky variant). */
    public Space oldSpace() { return old; }
    /** The mutator's allocation budget between minor collections, in bytes. */
    public long nurseryBudgetBytes() { return gen.budgetBytes(); }

    // ------------------------------------------------------------------ mutator hooks

    @Override
    public void writeBarrier(long obj, long slotAddress, long oldValue, long newValue) {
        barrier.writeBarrier(obj, slotAddress, newValue);
    }

    @Override
    public void postAlloc(long obj) {
        if (postAllocWork) postAllocSlow(obj);
    }

    private void postAllocSlow(long obj) {
        if (collecting && gen.sticky()) marks.setMark(obj); // allocated black: it survives the collection running
        if (redirected) {
            redirected = false;
            allocationsRedirected++;
            heap.setMutatorSpace(allocationSpace());
        }
        postAllocWork = collecting && gen.sticky();
    }

    /** The nursery's budget is spent: a minor collection, and a major one if the old space reached its trigger. */
    @Override
    public void pollCollection(long requestBytes) {
        if (collecting) return;
        if (crowded && young.inUseBytes() == 0) heap.setCollectionTrigger(heap.inUseBytes() + gen.budgetBytes()); // nothing young
        else minor(GcCause.TRIGGER);
        if (majorDue()) major(GcCause.TRIGGER);
    }

    /** Where the mutator allocates between collections. */
    private Space allocationSpace() { return redirected || crowded ? old : young; }

    /** Bytes of the nursery's range that no span holds (spans promoted in place hold some). */
    private long rangeFreeBytes() {
        long held = 0;
        for (int i = 0, n = heap.spanCount(); i < n; i++) {
            Span s = heap.span(i);
            if (young.contains(s.base)) held += (long) s.pages << dev.gclab.heap.span.SizeClasses.PAGE_SHIFT;
        }
        return young.reservedBytes() - held;
    }

    /** After a major collection, or when the range refused an allocation: is the range too crowded to be a nursery? */
    private void checkCrowded(boolean refused) {
        boolean now = refused || rangeFreeBytes() < gen.budgetBytes() / 4;
        if (now && !crowded) crowdedEpisodes++;
        crowded = now;
    }

    /**
     * An allocation found no room: the nursery's range is full (copying variant), or the heap is. A minor
     * collection empties the nursery; if it still cannot hold the request (spans promoted in place crowd
     * it), a major collection, and if even then not, the request goes to the old space.
     */
    @Override
    public void collectForAllocation(long requestBytes) {
        if (collecting) return;
        if (gen.sticky()) {
            major(GcCause.HEAP_FULL);
            return;
        }
        if (redirected || requestBytes >= gen.pretenureBytes()) { // the old space is what is full
            minor(GcCause.HEAP_FULL);
            major(GcCause.HEAP_FULL);
            return;
        }
        minor(GcCause.HEAP_FULL);
        boolean majorDone = false;
        if (majorDue()) {
            major(GcCause.HEAP_FULL);
            majorDone = true;
        }
        if (heap.rangeHasRoomFor(young, requestBytes)) return;
        if (!majorDone) major(GcCause.HEAP_FULL);
        if (heap.rangeHasRoomFor(young, requestBytes)) return;
        if (rangeFreeBytes() < gen.budgetBytes() / 4) {
            checkCrowded(true); // allocate old until a major collection frees the range
        } else {
            redirected = true; // the range is fragmented for this request only
            postAllocWork = true;
        }
        heap.setMutatorSpace(old);
    }

    private boolean majorDue() {
        return oldBytes() >= oldTrigger || (nursery != null && nursery.lackedRoom);
    }

    private long oldBytes() { return gen.sticky() ? heap.inUseBytes() : old.inUseBytes(); }

    // ------------------------------------------------------------------ collections

    @Override
    public void collectYoung(GcCause cause) {
        if (!collecting) minor(cause);
    }

    @Override
    public void collect(GcCause cause) {
        if (!collecting) major(cause);
    }

    private void minor(GcCause cause) {
        if (gen.sticky()) {
            stickyCollection(true, cause);
            return;
        }
        collecting = true;
        heap.setMutatorSpace(old); // what finalizers allocate during the collection is old: it survives it
        try {
            String when = verifier == null ? null : "minor collection " + (stats.cycles() + 1) + " (" + cause + ")";
            verifyBeforeMinor(when);
            long t0 = System.nanoTime();
            heap.samplePeaks();
            long youngBytes = young.inUseBytes();
            long reachedBefore = work.objectsMarked;
            remset.sample();
            boolean aging = gen.promoteAge() > 0;
            nursery.prepare(false, aging);
            long youngObjects = nursery.objectsAtStart;
            minorTrace.begin();
            minorTrace.trace();
            long t1 = System.nanoTime();
            stats.recordPhase(Phase.COPY, t0, t1);
            long unreachable = youngObjects - (work.objectsMarked - reachedBefore);
            for (ReachabilityHook hook : hooks) hook.afterMarking(minorTrace);
            finalization.afterMarking(minorTrace);
            long saved = finalization.saveAll() ? saveGarbage(minorTrace) : 0;
            long t2 = System.nanoTime();
            stats.recordPhase(Phase.FINALIZE, t1, t2);
            nursery.finish();
            if (nursery.swept) heap.finishSweep(); // released spans and copies kept the occupancy exact
            rebuildRemset();
            if (!nursery.promotedInPlace.isEmpty()) nurseryBarrier.oldInRange = true;
            stats.recordPhase(Phase.SWEEP, t2, System.nanoTime());
            long survived = nursery.promotedBytes + nursery.inPlaceBytes + nursery.survivorBytes;
            account(youngBytes, survived, nursery.promotedBytes, nursery.inPlaceBytes, nursery.survivorBytes);
            heap.setCollectionTrigger(heap.inUseBytes() + Math.max(0, gen.budgetBytes() - young.inUseBytes()));
            oldBytesAfterLast = old.inUseBytes();
            stats.recordPause(PauseKind.MINOR, t0);
            stats.cycleCompleted(true);
            minorCycles++;
            last = new CollectionOutcome(0, unreachable, nursery.collectedObjects + saved, finalization.lastUncollectable());
            if (verifier != null) {
                LongPredicate beforeRemark = minorTrace.beforeRemark;
                // Old objects may be garbage (only a major collection finds out), and so may what they reach;
                // every young object left must be reachable from the roots or from an old object.
                verifier.verify("after " + when, true, obj -> isOld(obj) || (beforeRemark != null && beforeRemark.test(obj))
                    || finalization.keptForLater(obj), stats);
            }
        } finally {
            collecting = false;
            heap.setMutatorSpace(allocationSpace());
        }
    }

    private void major(GcCause cause) {
        if (gen.sticky()) {
            stickyCollection(false, cause);
            return;
        }
        collecting = true;
        heap.setMutatorSpace(old);
        try {
            String when = verifier == null ? null : "major collection " + (stats.cycles() + 1) + " (" + cause + ")";
            HeapVerifier.Snapshot before = null;
            if (verifier != null) {
                verifier.verify("before " + when, false, null, stats);
                long v0 = System.nanoTime();
                before = verifier.snapshot();
                stats.recordVerification(System.nanoTime() - v0);
            }
            long t0 = System.nanoTime();
            heap.samplePeaks();
            long allocated = heap.objectCount();
            long youngBytes = young.inUseBytes();
            long reachedBefore = work.objectsMarked;
            long codeBefore = finalization.codeRuns();
            nursery.prepare(true, false);
            heap.beginSweep(old); // copies and new objects go to fresh spans, live as they are
            for (int i = 0, n = heap.spanCount(); i < n; i++) {
                Span s = heap.span(i);
                if (s.space == old.id) s.gcState = Span.GC_MARK;
            }
            majorTrace.begin();
            majorTrace.trace();
            long t1 = System.nanoTime();
            stats.recordPhase(Phase.MARK, t0, t1);
            long unreachable = allocated - (work.objectsMarked - reachedBefore);
            for (ReachabilityHook hook : hooks) hook.afterMarking(majorTrace);
            finalization.afterMarking(majorTrace);
            long saved = finalization.saveAll() ? saveGarbage(majorTrace) : 0;
            long t2 = System.nanoTime();
            stats.recordPhase(Phase.FINALIZE, t1, t2);
            long freedBefore = work.objectsFreed;
            remset.clear(); // no young object survives a major collection
            nursery.finish();
            for (int i = heap.spanCount() - 1; i >= 0; i--) {
                Span s = heap.span(i);
                if (s.space != old.id || s.gcState != Span.GC_MARK) continue;
                s.gcState = Span.GC_NONE;
                sweeper.sweepSpan(s);
            }
            heap.finishSweep();
            updateOldInRange();
            checkCrowded(false);
            stats.recordPhase(Phase.SWEEP, t2, System.nanoTime());
            bytesPromoted += nursery.promotedBytes;
            bytesPromotedInPlace += nursery.inPlaceBytes;
            youngBytesSeen += youngBytes;
            oldBytesAfterLast = old.inUseBytes();
            oldTrigger = Math.max(options.minTriggerBytes(), (long) (oldBytesAfterLast * options.growthFactor()));
            heap.setCollectionTrigger(heap.inUseBytes() + gen.budgetBytes());
            stats.recordPause(PauseKind.MAJOR, t0);
            stats.cycleCompleted(false);
            majorCycles++;
            last = new CollectionOutcome(2, unreachable, work.objectsFreed - freedBefore + saved, finalization.lastUncollectable());
            if (verifier != null) {
                verifier.verify("after " + when, true, mayRemain(majorTrace.beforeRemark), stats);
                if (finalization.codeRuns() == codeBefore && last.uncollectable() == 0 && saved == 0) {
                    long v0 = System.nanoTime();
                    verifier.verifyMoved("after " + when, before);
                    stats.recordVerification(System.nanoTime() - v0);
                }
            }
        } finally {
            collecting = false;
            heap.setMutatorSpace(allocationSpace());
        }
    }

    /** A collection of the sticky variant: minor (marks kept, only young objects traced and freed) or major. */
    private void stickyCollection(boolean minor, GcCause cause) {
        collecting = true;
        postAllocWork = true; // allocate black
        try {
            String when = verifier == null ? null : (minor ? "minor" : "major") + " collection " + (stats.cycles() + 1) + " (" + cause + ")";
            LongPredicate oldAtStart = null;
            if (verifier != null) {
                if (minor) verifyBeforeMinor(when);
                else verifier.verify("before " + when, false, null, stats);
                if (minor) {
                    long v0 = System.nanoTime();
                    oldAtStart = marks.snapshot(marks::isMarked);
                    stats.recordVerification(System.nanoTime() - v0);
                }
            }
            long t0 = System.nanoTime();
            heap.samplePeaks();
            long candidates = minor ? work.allocations - allocationsAfterLast : heap.objectCount();
            long youngBytes = heap.inUseBytes() - oldBytesAfterLast;
            long reachedBefore = work.objectsMarked;
            if (minor) remset.sample();
            else marks.clearMarks(old);
            stickyTrace.minor = minor;
            stickyTrace.begin();
            stickyTrace.trace();
            long t1 = System.nanoTime();
            stats.recordPhase(Phase.MARK, t0, t1);
            long unreachable = candidates - (work.objectsMarked - reachedBefore);
            for (ReachabilityHook hook : hooks) hook.afterMarking(stickyTrace);
            finalization.afterMarking(stickyTrace);
            long saved = finalization.saveAll() ? saveGarbage(stickyTrace) : 0;
            long t2 = System.nanoTime();
            stats.recordPhase(Phase.FINALIZE, t1, t2);
            long freedBefore = work.objectsFreed, bytesFreedBefore = work.bytesFreed;
            remset.clear(); // every survivor is marked, so old
            stickySweeper.sweep(old, minor);
            stats.recordPhase(Phase.SWEEP, t2, System.nanoTime());
            long live = heap.inUseBytes();
            if (minor) {
                long survived = Math.max(0, youngBytes - (work.bytesFreed - bytesFreedBefore));
                account(youngBytes, survived, survived, 0, 0);
                minorCycles++;
            } else {
                oldTrigger = Math.max(options.minTriggerBytes(), (long) (live * options.growthFactor()));
                majorCycles++;
            }
            oldBytesAfterLast = live;
            allocationsAfterLast = work.allocations; // what finalizers allocated during the collection is old (black)
            heap.setCollectionTrigger(live + gen.budgetBytes());
            stats.recordPause(minor ? PauseKind.MINOR : PauseKind.MAJOR, t0);
            stats.cycleCompleted(minor);
            last = new CollectionOutcome(minor ? 0 : 2, unreachable, work.objectsFreed - freedBefore + saved, finalization.lastUncollectable());
            if (verifier != null) {
                LongPredicate remain = mayRemain(stickyTrace.beforeRemark);
                if (minor) {
                    LongPredicate wasOld = oldAtStart, r = remain;
                    remain = obj -> wasOld.test(obj) || (r != null && r.test(obj)) || finalization.keptForLater(obj);
                }
                verifier.verify("after " + when, true, remain, stats);
            }
        } finally {
            collecting = false;
            postAllocWork = redirected;
        }
    }

    /** Records the survival and promotion of one minor collection. */
    private void account(long youngBytes, long survived, long promoted, long inPlace, long copiedYoung) {
        bytesPromoted += promoted;
        bytesPromotedInPlace += inPlace;
        bytesCopiedYoung += copiedYoung;
        youngBytesSeen += youngBytes;
        lastSurvivalPpm = youngBytes == 0 ? 0 : survived * 1_000_000 / youngBytes;
        survivalPpmSum += lastSurvivalPpm;
    }

    /** After a minor collection: empty the remembered set, or (young survivors remain) rebuild it. */
    private void rebuildRemset() {
        if (young.inUseBytes() == 0) {
            remset.clear();
            return;
        }
        remset.keepLive();
        // Objects this collection made old may refer to young survivors: the barrier never saw those references.
        LongStack promoted = nursery.promoted;
        for (int i = 0; i < promoted.size(); i++) remset.rememberYoungRefsOf(promoted.get(i));
        for (Span s : nursery.promotedInPlace) {
            if (s.noScan) continue;
            for (int idx = 0; idx < s.nelems; idx++) if (s.isAllocated(idx)) remset.rememberYoungRefsOf(s.slotAddress(idx));
        }
    }

    /** Tells the barrier whether spans promoted in place (old) lie in the nursery's range (after a major collection, which may free them). */
    private void updateOldInRange() {
        boolean any = false;
        for (int i = 0, n = heap.spanCount(); i < n && !any; i++) {
            Span s = heap.span(i);
            any = s.space == old.id && young.contains(s.base);
        }
        nurseryBarrier.oldInRange = any;
    }

    private boolean isOld(long obj) {
        Span s = heap.spanOf(obj);
        return s != null && s.space == old.id;
    }

    private void verifyBeforeMinor(String when) {
        if (verifier == null) return;
        verifier.verify("before " + when, false, null, stats);
        long v0 = System.nanoTime();
        try {
            remsetVerifier.check("before " + when, remset, gen.sticky() ? null : old, gen.sticky() ? marks : null);
        } finally {
            stats.recordVerification(System.nanoTime() - v0);
        }
    }

    /**
     * DEBUG_SAVEALL: every object of the collection left unreachable after finalization is kept (promoted
     * like the rest), listed in {@code garbage()}; returns how many.
     */
    private long saveGarbage(GenTrace trace) {
        LongStack found = new LongStack(64);
        for (int i = 0, n = heap.spanCount(); i < n; i++) {
            Span s = heap.span(i);
            for (int idx = 0; idx < s.nelems; idx++) {
                if (!s.isAllocated(idx)) continue;
                long obj = s.slotAddress(idx);
                if (trace.inCollection(obj) && !trace.isLive(obj) && !dev.gclab.heap.object.ObjectModel.isForwarded(heap.header(obj))) found.push(obj);
            }
        }
        for (int i = 0; i < found.size(); i++) trace.fixReferences(found.get(i));
        for (int i = 0; i < found.size(); i++) finalization.saveGarbage(trace.retain(found.get(i)));
        return found.size();
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

    // ------------------------------------------------------------------ counters

    @Override
    public Map<String, Long> collectorCounters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("minor_cycles", minorCycles);
        m.put("major_cycles", majorCycles);
        m.put("bytes_promoted", bytesPromoted);
        m.put("bytes_promoted_in_place", bytesPromotedInPlace);
        m.put("bytes_copied_within_nursery", bytesCopiedYoung);
        m.put("promotion_rate_ppm", youngBytesSeen == 0 ? 0 : (bytesPromoted + bytesPromotedInPlace) * 1_000_000 / youngBytesSeen);
        m.put("survival_rate_last_ppm", lastSurvivalPpm);
        m.put("survival_rate_mean_ppm", minorCycles == 0 ? 0 : survivalPpmSum / minorCycles);
        m.put("barrier_slow_path_calls", barrier.slowPathCalls);
        m.put("remset_size_sum", remset.sizeSum);
        m.put("remset_size_max", remset.sizeMax);
        remset.counters(m);
        m.put("pinned_promoted_in_place", nursery == null ? 0 : nursery.pinnedSpansPromoted);
        m.put("large_promoted_in_place", nursery == null ? 0 : nursery.largeSpansPromoted);
        m.put("spans_promoted_for_lack_of_room", nursery == null ? 0 : nursery.spansPromotedForLackOfRoom);
        m.put("premature_promotions", nursery == null ? 0 : nursery.prematurePromotions);
        m.put("pretenured_bytes", heap.pretenuredBytes());
        m.put("allocations_redirected", allocationsRedirected);
        m.put("nursery_crowded_episodes", crowdedEpisodes);
        m.putAll(finalization.counters());
        return m;
    }
}
