package dev.gclab.gc.verify;

import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.span.Span;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A seeded random mutator program run side by side on the simulated heap (through a real collector)
 * and on the {@link ReferenceModel}. After every collection it checks that no object the model can
 * reach was freed and that every reachable object's slots agree; after an explicit full collection,
 * that exactly the reachable objects are left. Every failure message carries the seed.
 */
final class MutatorProgram {
    private final long seed;
    private final SplittableRandom rnd;
    private final CollectorProvider provider;
    private final int operations;

    private Heap heap;
    private Mutator m;
    private Collector collector;
    private final ReferenceModel model = new ReferenceModel();
    /** Weak reference object -> its referent when created. */
    private final java.util.Map<Long, Long> weakReferent = new java.util.HashMap<>();
    /** Finalizer runs per registration token: each must be 0 or 1. */
    private final java.util.Map<Integer, Integer> finalizerRuns = new java.util.HashMap<>();
    private int tokens;
    private int[] layouts;
    private final int globals = 4;
    private long lastCycles;
    private int step;
    private String lastOp = "";

    MutatorProgram(CollectorProvider provider, long seed, int operations) {
        this.provider = provider;
        this.seed = seed;
        this.rnd = new SplittableRandom(seed);
        this.operations = operations;
    }

    /** Runs the program; returns a summary (collections, objects allocated). */
    String run() {
        HeapConfig config = HeapConfig.of(2L << 20);
        if (rnd.nextInt(4) == 0) config = config.withMarkBits(dev.gclab.heap.MarkBits.HEADER);
        heap = new Heap(config);
        try {
            collector = provider.create(heap, CollectorOptions.defaults().withVerify(true).withMinTrigger((32 << 10) + rnd.nextInt(64 << 10)));
            m = new Mutator(heap, collector);
            layouts = new int[] {
                heap.layouts().fixed("one", "r"), heap.layouts().fixed("two", "rr"), heap.layouts().fixed("mixed", "rdrd"),
                heap.layouts().fixed("leaf", "dd")};
            for (int g = 0; g < globals; g++) {
                m.global("g" + g);
            }
            for (step = 0; step < operations; step++) {
                operation();
                afterPossibleCollection(0);
            }
            lastOp = "final collect";
            collector.collect(GcCause.EXPLICIT);
            lastCycles = collector.stats().cycles();
            compare(true, 0);
            return "cycles=" + lastCycles + " allocations=" + heap.counters().allocations;
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(context() + ": " + e.getMessage(), e);
        } finally {
            heap.close();
        }
    }

    private String context() {
        return "collector " + provider.name() + ", seed " + seed + " (rerun: -Dgclab.diff.seed=" + seed + " -Dgclab.diff.collector="
            + provider.name() + "), step " + step + " (" + lastOp + ")";
    }

    private void operation() {
        int r = rnd.nextInt(100);
        if (r < 30) allocate();
        else if (r < 52) link();
        else if (r < 60) readCheck();
        else if (r < 66) pushFrame();
        else if (r < 71) popFrame();
        else if (r < 81) setRoot();
        else if (r < 86) newHandle();
        else if (r < 91) releaseHandle();
        else if (r < 94) dataWrite();
        else if (r < 96) weakRef();
        else if (r < 97) registerFinalizer();
        else {
            lastOp = "collect";
            collector.collect(GcCause.EXPLICIT);
        }
    }

    private void allocate() {
        long obj;
        int k = rnd.nextInt(10);
        if (k < 6) {
            obj = m.allocate(layouts[rnd.nextInt(layouts.length)]);
            lastOp = "allocate fixed";
        } else if (k < 8) {
            obj = m.allocateArray(LayoutRegistry.REF_ARRAY, rnd.nextInt(9));
            lastOp = "allocate ref[]";
        } else if (k < 9) {
            obj = m.allocateArray(LayoutRegistry.BYTE_ARRAY, rnd.nextInt(rnd.nextInt(10) == 0 ? 40000 : 60));
            lastOp = "allocate byte[]";
        } else {
            obj = m.allocateArray(LayoutRegistry.REF_ARRAY, 5000 + rnd.nextInt(2000)); // a large object
            lastOp = "allocate large ref[]";
        }
        afterPossibleCollection(obj);
        model.allocate(obj, m.refSlots(obj));
        // Root it or hang it off a reachable object; sometimes drop it at once (instant garbage).
        int where = rnd.nextInt(4);
        if (where == 0 && model.topFrameSize() > 0) {
            int slot = rnd.nextInt(model.topFrameSize());
            m.setLocal(slot, obj);
            model.setLocal(slot, obj);
        } else if (where == 1) {
            int g = rnd.nextInt(globals);
            m.setGlobal(g, obj);
            model.setGlobal(g, obj);
        } else if (where == 2) {
            long holder = pickWithSlots();
            if (holder != 0) {
                int slot = rnd.nextInt(model.refSlots(holder));
                m.setRef(holder, slot, obj);
                model.setRef(holder, slot, obj);
            }
        }
    }

    private void link() {
        lastOp = "link";
        long from = pickWithSlots();
        if (from == 0) return;
        long to = rnd.nextInt(5) == 0 ? 0 : pick();
        int slot = rnd.nextInt(model.refSlots(from));
        m.setRef(from, slot, to);
        model.setRef(from, slot, to);
    }

    private void readCheck() {
        lastOp = "read";
        long obj = pick();
        if (obj == 0) return;
        int n = model.refSlots(obj);
        if (m.refSlots(obj) != n) throw new AssertionError("object 0x" + Long.toHexString(obj) + " has " + m.refSlots(obj) + " slots, model " + n);
        for (int i = 0; i < n; i++) {
            if (m.getRef(obj, i) != model.getRef(obj, i)) {
                throw new AssertionError(String.format("object 0x%x slot %d: heap 0x%x, model 0x%x", obj, i, m.getRef(obj, i), model.getRef(obj, i)));
            }
        }
    }

    private void pushFrame() {
        lastOp = "pushFrame";
        if (model.frameDepth() >= 8) return;
        int n = 1 + rnd.nextInt(4);
        m.pushFrame(n);
        model.pushFrame(n);
    }

    private void popFrame() {
        lastOp = "popFrame";
        if (model.frameDepth() == 0) return;
        m.popFrame();
        model.popFrame();
    }

    private void setRoot() {
        lastOp = "setRoot";
        long v = rnd.nextInt(4) == 0 ? 0 : pick();
        if (rnd.nextBoolean() && model.topFrameSize() > 0) {
            int slot = rnd.nextInt(model.topFrameSize());
            m.setLocal(slot, v);
            model.setLocal(slot, v);
        } else {
            int g = rnd.nextInt(globals);
            m.setGlobal(g, v);
            model.setGlobal(g, v);
        }
    }

    private void newHandle() {
        lastOp = "newHandle";
        long obj = pick();
        if (obj == 0) return;
        int h = m.newHandle(obj);
        model.newHandle(h, obj);
    }

    private void releaseHandle() {
        lastOp = "releaseHandle";
        List<Integer> live = model.liveHandles();
        if (live.isEmpty()) return;
        int h = live.get(rnd.nextInt(live.size()));
        if (rnd.nextInt(4) == 0) {
            m.retainHandle(h);
            model.retainHandle(h);
        } else {
            m.releaseHandle(h);
            model.releaseHandle(h);
        }
    }

    private void weakRef() {
        lastOp = "newWeakRef";
        long referent = pick();
        if (referent == 0) return;
        long w = collector.finalization().newWeakRef(m, referent, rnd.nextBoolean() ? null : wr -> { });
        afterPossibleCollection(w);
        model.allocate(w, 0);
        weakReferent.put(w, model.contains(referent) ? referent : 0);
        int g = rnd.nextInt(globals);
        m.setGlobal(g, w);
        model.setGlobal(g, w);
    }

    private void registerFinalizer() {
        lastOp = "registerFinalizer";
        long obj = pick();
        if (obj == 0) return;
        int token = tokens++;
        finalizerRuns.put(token, 0);
        collector.finalization().registerFinalizer(obj, x -> {
            if (finalizerRuns.merge(token, 1, Integer::sum) > 1) throw new AssertionError("a finalizer ran twice (token " + token + ")");
        });
    }

    private void dataWrite() {
        lastOp = "data";
        long obj = pick();
        if (obj == 0) return;
        int lid = m.layoutOf(obj);
        if (lid == layouts[2] || lid == layouts[3]) {
            long v = rnd.nextLong();
            m.setLong(obj, 1, v);
            if (m.getLong(obj, 1) != v) throw new AssertionError("data word lost");
        }
    }

    /** A reachable object: a random root, then up to three random steps along its references. */
    private long pick() {
        List<Long> roots = model.roots();
        if (roots.isEmpty()) return 0;
        long cur = roots.get(rnd.nextInt(roots.size()));
        for (int steps = rnd.nextInt(4); steps > 0; steps--) {
            int n = model.refSlots(cur);
            if (n == 0) break;
            long next = model.getRef(cur, rnd.nextInt(n));
            if (next == 0) break;
            cur = next;
        }
        return cur;
    }

    private long pickWithSlots() {
        for (int tries = 0; tries < 4; tries++) {
            long o = pick();
            if (o != 0 && model.refSlots(o) > 0) return o;
        }
        return 0;
    }

    /**
     * Compares heap and model if a collection ran since the last look. {@code newObject} was just
     * allocated (after that collection) and is not in the model yet: its address may be a reused one.
     */
    private void afterPossibleCollection(long newObject) {
        if (newObject != 0 && model.contains(newObject)) {
            // A collector that frees by count (rc) frees between collections: the address was reused.
            if (model.reachable().contains(newObject)) {
                throw new AssertionError(String.format("reachable object 0x%x was freed: its address was handed out again", newObject));
            }
            model.forget(newObject);
            weakReferent.remove(newObject);
            weakReferent.replaceAll((w, r) -> r == newObject ? 0L : r); // that referent died
        }
        long cycles = collector.stats().cycles();
        if (cycles != lastCycles) {
            lastCycles = cycles;
            compare(false, newObject);
        }
    }

    private void compare(boolean exact, long newObject) {
        Set<Long> reachable = model.reachable();
        Set<Long> allocated = new HashSet<>();
        for (int i = 0; i < heap.spanCount(); i++) {
            Span s = heap.span(i);
            for (int idx = 0; idx < s.nelems; idx++) if (s.isAllocated(idx)) allocated.add(s.slotAddress(idx));
        }
        allocated.remove(newObject);
        for (long obj : reachable) {
            if (!allocated.contains(obj)) throw new AssertionError(String.format("reachable object 0x%x was freed (after collection %d)", obj, lastCycles));
            for (int i = 0; i < model.refSlots(obj); i++) {
                long h = heap.memory().getLong(obj + 8 + 8L * wordOf(obj, i));
                if (h != model.getRef(obj, i)) throw new AssertionError(String.format("object 0x%x slot %d: heap 0x%x, model 0x%x", obj, i, h, model.getRef(obj, i)));
            }
        }
        weakReferent.replaceAll((w, r) -> allocated.contains(r) ? r : 0L); // referents freed since
        for (long w : reachable) {
            Long expected = weakReferent.get(w);
            if (expected == null) continue;
            long now = collector.finalization().weakRefGet(w);
            if (now != 0 && now != expected) throw new AssertionError(String.format("weak reference 0x%x points at 0x%x, not its referent 0x%x", w, now, expected));
            if (now != 0 && !allocated.contains(now)) throw new AssertionError(String.format("weak reference 0x%x points at freed 0x%x", w, now));
            if (now == 0 && expected != 0 && reachable.contains(expected)) {
                throw new AssertionError(String.format("weak reference 0x%x was cleared while its referent 0x%x is reachable", w, expected));
            }
        }
        if (exact && allocated.size() != reachable.size()) {
            Set<Long> extra = new HashSet<>(allocated);
            extra.removeAll(reachable);
            throw new AssertionError(extra.size() + " unreachable objects survived a full collection, e.g. 0x" + Long.toHexString(extra.iterator().next()));
        }
        model.retainOnly(allocated);
        weakReferent.keySet().retainAll(allocated);
        weakReferent.replaceAll((w, r) -> allocated.contains(r) ? r : 0L);
    }

    private int wordOf(long obj, int slot) {
        int lid = heap.layoutOf(obj);
        return heap.layouts().isArray(lid) ? slot : heap.layouts().refWord(lid, slot);
    }
}
