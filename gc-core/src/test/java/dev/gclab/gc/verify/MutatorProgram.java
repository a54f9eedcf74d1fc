package dev.gclab.gc.verify;

import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded random mutator program run side by side on the simulated heap (through a real collector)
 * and on the {@link ReferenceModel}. Objects are model ids; the heap address of an id is looked up at
 * each use (valid until the next safe point), so the program runs unchanged on collectors that move
 * objects. After every collection (young, full or an incremental cycle) the model walks the heap from
 * the roots and checks every reachable object's layout, data and references, renaming ids that moved;
 * pinned objects must not have moved (pins by address nest, and so do pin windows through handles, whose
 * raw pointer must stay the handle's object's address until the window closes; a handle with a window
 * open must refuse to lose its last count); weak references must point at their referent while it is
 * reachable and be cleared once it is gone; after an explicit full collection exactly the reachable
 * objects are left. Every failure message carries the seed, the collector and its options.
 */
final class MutatorProgram {
    private static final String[] FIXED = {"one", "r", "two", "rr", "mixed", "rdrd", "leaf", "dd", "wide", "rrrrrdrr"};

    private final long seed;
    private final SplittableRandom rnd;
    private final CollectorProvider provider;
    private final Map<String, String> variant;
    private final int operations;

    private Heap heap;
    private Mutator m;
    private Collector collector;
    private ReferenceModel model;
    private int[] fixed;
    private int[] fixedData;
    /** Weak reference id -> referent id (0 once the model knows it is gone). */
    private final Map<Integer, Integer> weakReferent = new HashMap<>();
    /** Finalizer runs per registration token: each must be 0 or 1. */
    private final Map<Integer, Integer> finalizerRuns = new HashMap<>();
    /** Ids pinned by address and the address they were pinned at; their open pins. */
    private final Map<Integer, Long> pinned = new HashMap<>();
    private final Map<Integer, Integer> pins = new HashMap<>();
    /** Handles with pin windows open: the raw pointer the first window gave, and the windows open. */
    private final Map<Integer, Long> windowAddress = new HashMap<>();
    private final Map<Integer, Integer> windows = new HashMap<>();
    private int tokens;
    private final int globals = 4;
    private long lastCycles;
    private int step;
    private String lastOp = "";

    MutatorProgram(CollectorProvider provider, Map<String, String> variant, long seed, int operations) {
        this.provider = provider;
        this.variant = variant;
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
            collector = provider.create(heap, CollectorOptions.defaults().withVerify(true)
                .withMinTrigger((32 << 10) + rnd.nextInt(64 << 10)).withExtra(variant));
            m = new Mutator(heap, collector);
            model = new ReferenceModel(globals);
            fixed = new int[FIXED.length / 2];
            fixedData = new int[fixed.length];
            for (int i = 0; i < fixed.length; i++) {
                fixed[i] = heap.layouts().fixed(FIXED[2 * i], FIXED[2 * i + 1]);
                fixedData[i] = heap.layouts().fixedDataCount(fixed[i]);
            }
            for (int g = 0; g < globals; g++) m.global("g" + g);
            for (step = 0; step < operations; step++) {
                operation();
                afterPossibleCollection();
            }
            lastOp = "final collect";
            collector.collect(GcCause.EXPLICIT);
            lastCycles = collector.stats().cycles();
            compare(true);
            lastOp = "close the pin windows";
            for (Map.Entry<Integer, Integer> w : windows.entrySet()) for (int i = 0; i < w.getValue(); i++) m.unpinHandle(w.getKey());
            windows.clear();
            if (heap.handles().openWindowCount() != 0) throw new AssertionError(heap.handles().openWindowCount() + " pin windows open after closing all");
            return "cycles=" + lastCycles + " allocations=" + heap.counters().allocations + " moved=" + heap.counters().objectsCopied;
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(context() + ": " + e.getMessage(), e);
        } finally {
            if (windows.isEmpty()) heap.close();
            else try { heap.close(); } catch (IllegalStateException windowsLeftOpen) { /* a failure is on its way */ }
        }
    }

    private String context() {
        return "collector " + provider.name() + (variant.isEmpty() ? "" : " " + variant) + ", seed " + seed
            + " (rerun: -Dgclab.diff.seed=" + seed + " -Dgclab.diff.collector=" + provider.name()
            + (variant.isEmpty() ? "" : " -Dgclab.diff.options=" + String.join(",", variant.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()))
            + "), step " + step + " (" + lastOp + ")";
    }

    private long a(int id) { return model.address(id); }

    private void operation() {
        int r = rnd.nextInt(100);
        if (r < 30) allocate();
        else if (r < 51) link();
        else if (r < 58) readCheck();
        else if (r < 64) pushFrame();
        else if (r < 69) popFrame();
        else if (r < 79) setRoot();
        else if (r < 83) newHandle();
        else if (r < 87) releaseHandle();
        else if (r < 90) dataWrite();
        else if (r < 92) weakRef();
        else if (r < 93) registerFinalizer();
        else if (r < 96) pinOrUnpin();
        else if (r < 97) {
            lastOp = "collectYoung";
            collector.collectYoung(GcCause.EXPLICIT);
        } else if (r < 98) {
            lastOp = "incrementalStep";
            collector.incrementalStep(1 + rnd.nextInt(200));
        } else {
            lastOp = "collect";
            collector.collect(GcCause.EXPLICIT);
            lastCycles = collector.stats().cycles();
            compare(true);
        }
    }

    private void allocate() {
        if (rnd.nextInt(300) == 0) {
            bulk();
            return;
        }
        long obj;
        int layout, length = 0, k = rnd.nextInt(100);
        if (k < 60) {
            int f = rnd.nextInt(fixed.length);
            layout = fixed[f];
            lastOp = "allocate " + heap.layouts().name(layout);
            obj = m.allocate(layout);
        } else if (k < 85) {
            layout = LayoutRegistry.REF_ARRAY;
            length = rnd.nextInt(9);
            lastOp = "allocate ref[" + length + "]";
            obj = m.allocateArray(layout, length);
        } else if (k < 99) {
            layout = LayoutRegistry.BYTE_ARRAY;
            length = rnd.nextInt(rnd.nextInt(10) == 0 ? 40000 : 60);
            lastOp = "allocate byte[" + length + "]";
            obj = m.allocateArray(layout, length);
        } else {
            layout = LayoutRegistry.REF_ARRAY;
            length = 4200 + rnd.nextInt(1000); // a large object: a span of its own
            lastOp = "allocate large ref[" + length + "]";
            obj = m.allocateArray(layout, length);
        }
        afterPossibleCollection();
        int old = model.idAt(obj);
        if (old != 0 && model.reachable()[old]) {
            throw new AssertionError(String.format("reachable object #%d at 0x%x was freed: its address was handed out again", old, obj));
        }
        int id = model.allocate(obj, layout, length, m.refSlots(obj), heap.layouts().isArray(layout) ? 0 : heap.layouts().fixedDataCount(layout));
        // Root it or hang it off a reachable object; sometimes drop it at once (instant garbage).
        int where = rnd.nextInt(4);
        if (where == 0 && model.topFrameSize() > 0) {
            int slot = rnd.nextInt(model.topFrameSize());
            m.setLocal(slot, a(id));
            model.setLocal(slot, id);
        } else if (where == 1) {
            int g = rnd.nextInt(globals);
            m.setGlobal(g, a(id));
            model.setGlobal(g, id);
        } else if (where == 2) {
            int holder = pickWithSlots();
            if (holder != 0) {
                int slot = rnd.nextInt(model.refSlots(holder));
                m.setRef(a(holder), slot, a(id));
                model.setRef(holder, slot, id);
            }
        }
    }

    /**
     * A ref[] of 100 to 500 objects of one fixed layout, held by a global, three quarters of them dropped
     * at once (a few of the rest pinned): spans of one size class left sparse, which a compacting collector
     * merges, so its moves, and pins in the spans it would empty, are exercised too.
     */
    private void bulk() {
        int n = 100 + rnd.nextInt(401);
        int f = rnd.nextInt(fixed.length);
        lastOp = "bulk " + n + " x " + heap.layouts().name(fixed[f]);
        long holder = m.allocateArray(LayoutRegistry.REF_ARRAY, n);
        afterPossibleCollection();
        int hid = model.allocate(holder, LayoutRegistry.REF_ARRAY, n, n, 0);
        int g = rnd.nextInt(globals);
        m.setGlobal(g, a(hid));
        model.setGlobal(g, hid);
        for (int i = 0; i < n; i++) {
            long obj = m.allocate(fixed[f]);
            afterPossibleCollection();
            int id = model.allocate(obj, fixed[f], 0, m.refSlots(obj), fixedData[f]);
            m.setRef(a(hid), i, a(id));
            model.setRef(hid, i, id);
        }
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(4) == 0) {
                if (rnd.nextInt(32) == 0) { // a pin in a span the compaction would otherwise empty
                    int id = model.getRef(hid, i);
                    m.pin(a(id));
                    pinned.put(id, a(id));
                    pins.merge(id, 1, Integer::sum);
                }
                continue;
            }
            m.setRef(a(hid), i, 0);
            model.setRef(hid, i, 0);
        }
    }

    private void link() {
        lastOp = "link";
        int from = pickWithSlots();
        if (from == 0) return;
        int to = rnd.nextInt(5) == 0 ? 0 : pick();
        int slot = rnd.nextInt(model.refSlots(from));
        m.setRef(a(from), slot, a(to));
        model.setRef(from, slot, to);
    }

    private void readCheck() {
        lastOp = "read";
        int id = pick();
        if (id == 0) return;
        long obj = a(id);
        int n = model.refSlots(id);
        if (m.refSlots(obj) != n) throw new AssertionError(String.format("object #%d at 0x%x has %d slots, model %d", id, obj, m.refSlots(obj), n));
        for (int i = 0; i < n; i++) {
            long h = m.getRef(obj, i);
            if (h != a(model.getRef(id, i))) {
                throw new AssertionError(String.format("object #%d at 0x%x slot %d: heap 0x%x, model #%d at 0x%x", id, obj, i, h, model.getRef(id, i), a(model.getRef(id, i))));
            }
        }
        for (int d = 0; d < model.dataWords(id); d++) {
            if (m.getLong(obj, d) != model.getData(id, d)) throw new AssertionError(String.format("object #%d data word %d: heap %d, model %d", id, d, m.getLong(obj, d), model.getData(id, d)));
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
        int v = rnd.nextInt(4) == 0 ? 0 : pick();
        if (rnd.nextBoolean() && model.topFrameSize() > 0) {
            int slot = rnd.nextInt(model.topFrameSize());
            m.setLocal(slot, a(v));
            model.setLocal(slot, v);
        } else {
            int g = rnd.nextInt(globals);
            m.setGlobal(g, a(v));
            model.setGlobal(g, v);
        }
    }

    private void newHandle() {
        lastOp = "newHandle";
        int id = pick();
        if (id == 0) return;
        int h = m.newHandle(a(id));
        model.newHandle(h, id);
    }

    private void releaseHandle() {
        lastOp = "releaseHandle";
        List<Integer> live = model.liveHandles();
        if (live.isEmpty()) return;
        int h = live.get(rnd.nextInt(live.size()));
        if (rnd.nextInt(4) == 0) {
            m.retainHandle(h);
            model.retainHandle(h);
        } else if (windows.containsKey(h) && heap.handles().count(h) == 1) {
            lastOp = "releaseHandle with a pin window open";
            try {
                m.releaseHandle(h);
                throw new AssertionError("handle " + h + " lost its last count with a pin window open");
            } catch (IllegalStateException expected) {
                if (!expected.getMessage().contains("pin window")) throw expected;
            }
        } else {
            m.releaseHandle(h);
            model.releaseHandle(h);
        }
    }

    private void dataWrite() {
        lastOp = "data";
        int id = pick();
        if (id == 0 || model.dataWords(id) == 0) return;
        int d = rnd.nextInt(model.dataWords(id));
        long v = rnd.nextLong();
        m.setLong(a(id), d, v);
        model.setData(id, d, v);
    }

    private void weakRef() {
        lastOp = "newWeakRef";
        int referent = pick();
        if (referent == 0) return;
        long w = collector.finalization().newWeakRef(m, a(referent), rnd.nextBoolean() ? null : wr -> { });
        afterPossibleCollection();
        int wid = model.allocate(w, collector.finalization().weakRefLayout(), 0, 0, 0); // its words are checked apart
        weakReferent.put(wid, referent);
        int g = rnd.nextInt(globals);
        m.setGlobal(g, w);
        model.setGlobal(g, wid);
    }

    private void registerFinalizer() {
        lastOp = "registerFinalizer";
        int id = pick();
        if (id == 0) return;
        int token = tokens++;
        finalizerRuns.put(token, 0);
        collector.finalization().registerFinalizer(a(id), x -> {
            if (finalizerRuns.merge(token, 1, Integer::sum) > 1) throw new AssertionError("a finalizer ran twice (token " + token + ")");
        });
    }

    private void pinOrUnpin() {
        int k = rnd.nextInt(4);
        if (k == 0 && !pinned.isEmpty()) {
            lastOp = "unpin";
            List<Integer> ids = new ArrayList<>(pinned.keySet());
            int id = ids.get(rnd.nextInt(ids.size()));
            if (!model.reachable()[id]) { // a pin does not keep its object alive: nothing left to unpin
                pinned.remove(id);
                pins.remove(id);
                return;
            }
            m.unpin(a(id));
            if (pins.merge(id, -1, Integer::sum) == 0) {
                pins.remove(id);
                pinned.remove(id);
            }
        } else if (k == 1) {
            lastOp = "pinHandle";
            List<Integer> live = model.liveHandles();
            if (live.isEmpty()) return;
            int h = live.get(rnd.nextInt(live.size()));
            long raw = m.pinHandle(h);
            if (raw != m.deref(h)) throw new AssertionError(String.format("pinHandle(%d) gave 0x%x, deref gives 0x%x", h, raw, m.deref(h)));
            Long first = windowAddress.putIfAbsent(h, raw);
            if (first != null && first != raw) throw new AssertionError(String.format("handle %d with a pin window open moved from 0x%x to 0x%x", h, first, raw));
            windows.merge(h, 1, Integer::sum);
        } else if (k == 2 && !windows.isEmpty()) {
            lastOp = "unpinHandle";
            List<Integer> open = new ArrayList<>(windows.keySet());
            int h = open.get(rnd.nextInt(open.size()));
            m.unpinHandle(h);
            if (windows.merge(h, -1, Integer::sum) == 0) {
                windows.remove(h);
                windowAddress.remove(h);
            }
        } else {
            lastOp = "pin";
            int id = pick();
            if (id == 0) return;
            m.pin(a(id));
            pinned.put(id, a(id));
            pins.merge(id, 1, Integer::sum);
        }
    }

    /** A reachable object: a random root, then up to three random steps along its references. */
    private int pick() {
        int[] roots = model.roots();
        if (model.rootCount() == 0) return 0;
        int cur = roots[rnd.nextInt(model.rootCount())];
        for (int steps = rnd.nextInt(4); steps > 0; steps--) {
            int n = model.refSlots(cur);
            if (n == 0) break;
            int next = model.getRef(cur, rnd.nextInt(n));
            if (next == 0) break;
            cur = next;
        }
        return cur;
    }

    private int pickWithSlots() {
        for (int tries = 0; tries < 4; tries++) {
            int o = pick();
            if (o != 0 && model.refSlots(o) > 0) return o;
        }
        return 0;
    }

    /** Compares heap and model if a collection ran since the last look. */
    private void afterPossibleCollection() {
        long cycles = collector.stats().cycles();
        if (cycles != lastCycles) {
            lastCycles = cycles;
            compare(false);
        }
    }

    private void compare(boolean exact) {
        int reachableCount = model.follow(heap);
        boolean[] reachable = model.reachable();
        for (Map.Entry<Integer, Long> p : new ArrayList<>(pinned.entrySet())) {
            int id = p.getKey();
            if (!reachable[id]) {
                pinned.remove(id); // a pin does not keep its object alive
                pins.remove(id);
                continue;
            }
            if (a(id) != p.getValue()) throw new AssertionError(String.format("pinned object #%d moved from 0x%x to 0x%x", id, p.getValue(), a(id)));
        }
        for (Map.Entry<Integer, Long> w : windowAddress.entrySet()) {
            long now = heap.handles().rawTarget(w.getKey());
            if (now != w.getValue()) throw new AssertionError(String.format("the object of handle %d, with a pin window open, moved from 0x%x to 0x%x", w.getKey(), w.getValue(), now));
        }
        for (Map.Entry<Integer, Integer> e : weakReferent.entrySet()) {
            int w = e.getKey(), r = e.getValue();
            if (!reachable[w]) continue;
            long now = collector.finalization().weakRefGet(a(w));
            if (r == 0) {
                if (now != 0) throw new AssertionError(String.format("weak reference #%d points at 0x%x after its referent died", w, now));
            } else if (reachable[r]) {
                if (now != a(r)) throw new AssertionError(String.format("weak reference #%d points at 0x%x, not at its reachable referent #%d at 0x%x", w, now, r, a(r)));
            } else if (now != 0) {
                if (exact) throw new AssertionError(String.format("weak reference #%d still points at 0x%x after a full collection freed its referent #%d", w, now, r));
                if (model.isDead(r) || now != a(r) || !heap.isObject(now)) {
                    throw new AssertionError(String.format("weak reference #%d points at 0x%x: its unreachable referent #%d is %s", w, now, r,
                        model.isDead(r) ? "gone (its address was reused)" : "at 0x" + Long.toHexString(a(r))));
                }
            } else {
                e.setValue(0);
            }
        }
        if (exact) {
            long allocated = heap.objectCount();
            if (allocated != reachableCount) {
                throw new AssertionError((allocated - reachableCount) + " unreachable objects survived a full collection (" + allocated + " allocated, " + reachableCount + " reachable)");
            }
            model.forgetUnreachable(reachable);
            weakReferent.replaceAll((w, r) -> r != 0 && reachable[r] ? r : 0);
        }
    }
}
