package dev.gclab.gc.stress;

import dev.gclab.gc.stress.StressModel.Obj;
import dev.gclab.gc.stress.StressOps.*;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Generates a program operation by operation from a seed, looking at the model as it stands after
 * the operations so far (so that operations name objects that exist). The operations actually
 * produced are recorded by the run: replaying that list reproduces the run without the generator.
 *
 * <p>Besides single random operations it emits small scenarios (a few operations at once) that
 * build the situations the finalization rules are about: a structure that dies by count while its
 * finalizers collect or allocate; an object whose finalizer drops another one that has a
 * finalizer and a weak reference; finalizable cycles with tails; self-cycles held by roots that a
 * finalizer drops; weak references and cleanups on objects nobody stores; allocation churn in a
 * tight heap.
 */
final class StressGenerator implements StressRun.OpSource {
    private static final Shape[] SHAPES = {Shape.LEAF, Shape.ONE, Shape.TWO, Shape.TWO, Shape.MIXED, Shape.FOUR, Shape.WIDE};
    private static final Shape[] LINKED = {Shape.ONE, Shape.TWO, Shape.TWO, Shape.MIXED, Shape.FOUR};
    private static final int[] CHURN_LONGS = {4, 6, 30, 126, 250, 500, 1000, 2000, 5000};

    private final SplittableRandom rnd;
    private final int length;
    private int produced;
    private final ArrayDeque<Op> pending = new ArrayDeque<>();
    private long nextId = 1;
    private int nextHandle;
    private int nextCleanup;
    private StressModel model;
    private List<Long> live = List.of();

    StressGenerator(long seed, int length) {
        this.rnd = new SplittableRandom(seed);
        this.length = length;
    }

    @Override
    public Op next(StressRun run) {
        if (produced >= length) return null;
        produced++;
        model = run.model;
        if (pending.isEmpty()) {
            live = new ArrayList<>();
            for (long id : model.reachable()) if (!model.obj(id).isWeak()) live.add(id);
            generate();
        }
        return pending.poll();
    }

    private long id() { return nextId++; }
    private int pct() { return rnd.nextInt(100); }
    private <T> T pick(List<T> l) { return l.get(rnd.nextInt(l.size())); }
    private Shape shape() { return SHAPES[rnd.nextInt(SHAPES.length)]; }
    private Shape linked() { return LINKED[rnd.nextInt(LINKED.length)]; }
    private int global() { return rnd.nextInt(StressModel.GLOBALS); }

    private List<Long> owners() {
        List<Long> l = new ArrayList<>();
        for (long id : live) {
            Obj o = model.obj(id);
            if (o.refs.length > 0 && !o.isHolder()) l.add(id);
        }
        return l;
    }

    private List<Long> holders() {
        List<Long> l = new ArrayList<>();
        for (long id : live) if (model.obj(id).isHolder() && model.obj(id).refs[0] != 0) l.add(id);
        return l;
    }

    private Target value() {
        return live.isEmpty() || pct() < 25 ? new Null() : new Id(pick(live));
    }

    private Dest dest() {
        int r = pct();
        List<Long> owners = owners();
        if (r < 20 && model.userFrame() != null) return new Local(rnd.nextInt(model.userFrame().slots.length));
        if (r < 60 && !owners.isEmpty()) {
            long o = pick(owners);
            return new Field(new Id(o), rnd.nextInt(model.obj(o).refs.length));
        }
        if (r < 93) return new Global(global());
        return new Nowhere();
    }

    private void emit(Op op) { pending.add(op); }

    // ------------------------------------------------------------------ top level

    private void generate() {
        int r = rnd.nextInt(1000);
        if (live.size() > 140 && r < 300) {
            emit(new Store(new Global(global()), new Null()));
            return;
        }
        if (r < 150) {
            Shape as = shape();
            emit(new Alloc(id(), as, dest(), pct() < 12 ? actions(0, as.refSlots(), Set.of()) : null));
        }
        else if (r < 290) emit(new Store(dest(), value()));
        else if (r < 310) emit(new Ring(reserve(2 + rnd.nextInt(5)), lastRing, linked(), dest()));
        else if (r < 325) emit(new PushFrame(1 + rnd.nextInt(4)));
        else if (r < 338) emit(new PopFrame());
        else if (r < 350 && !live.isEmpty()) emit(new NewHandle(nextHandle++, new Id(pick(live))));
        else if (r < 362 && nextHandle > 0) emit(new ReleaseHandle(rnd.nextInt(nextHandle)));
        else if (r < 366 && nextHandle > 0) emit(new RetainHandle(rnd.nextInt(nextHandle)));
        else if (r < 374 && !live.isEmpty()) emit(new Pin(new Id(pick(live)), pct() < 70));
        else if (r < 440 && !live.isEmpty()) {
            long t = pick(live);
            emit(new RegisterFinalizer(new Id(t), actions(0, model.obj(t).refs.length, model.closure(t, x -> true))));
        } else if (r < 500) emit(newWeakRef(0, -1, Set.of()));
        else if (r < 520) emit(withFinalizer(0, -1, Set.of()));
        else if (r < 532 && nextCleanup > 0) emit(pct() < 50 ? new CallCleanup(rnd.nextInt(nextCleanup)) : new DetachCleanup(rnd.nextInt(nextCleanup)));
        else if (r < 565 && !holders().isEmpty()) emit(new WeakGet(new Id(pick(holders())), pct() < 40 ? new Global(global()) : new Nowhere()));
        else if (r < 600) emit(churn(true));
        else if (r < 620) emit(new Collect(false));
        else if (r < 635) emit(new Collect(true));
        else if (r < 645) emit(new FullCollect());
        else if (r < 672) emit(new Store(dest(), value()));
        else if (r < 730) emit(new Store(new Global(global()), new Null()));
        else if (r < 790) dyingStructure();
        else if (r < 830) finalizerDropsAnother();
        else if (r < 865) finalizableCycle();
        else if (r < 895) selfCycleDroppedByFinalizer();
        else if (r < 935) freshWeakRefs();
        else if (r < 950) churnBurst();
        else emit(new Store(dest(), value()));
    }

    private int lastRing;

    private long reserve(int n) {
        long first = nextId;
        nextId += n;
        lastRing = n;
        return first;
    }

    /** Allocation volume that is garbage at once: enough to pass thresholds and triggers, small enough to keep programs fast. */
    private Churn churn(boolean topLevel) {
        boolean scan = pct() < (topLevel ? 25 : 70);
        Shape s = scan ? linked() : Shape.longs(CHURN_LONGS[rnd.nextInt(topLevel ? CHURN_LONGS.length : 5)]);
        int count = topLevel ? 10 + rnd.nextInt(pct() < 15 ? 400 : 80) : 2 + rnd.nextInt(pct() < 20 ? 150 : 40);
        if (!scan && s.longs() >= 1000) count = Math.min(count, 100);
        return new Churn(count, s, mode());
    }

    private NewWeakRef newWeakRef(int depth, int selfSlots, Set<Long> selfClosure) {
        Referent ref;
        int r = pct();
        if (selfSlots >= 0 && r < 35) ref = new Self();
        else if (r < 40 || (live.isEmpty() && selfClosure.isEmpty())) {
            Shape fs = shape();
            ref = new Fresh(id(), fs, depth < 2 && pct() < 20 ? actions(depth + 1, fs.refSlots(), Set.of()) : null);
        }
        else ref = new Id(anyId(selfClosure));
        List<Op> cb = pct() < 70 ? (depth < 2 ? actions(depth + 1, -1, Set.of()) : List.of()) : null;
        Dest d = depth == 0 ? dest() : actionDest(selfSlots);
        return new NewWeakRef(id(), id(), ref, cb, d);
    }

    private WithFinalizer withFinalizer(int depth, int selfSlots, Set<Long> selfClosure) {
        Referent ref;
        int r = pct();
        if (selfSlots >= 0 && r < 35) ref = new Self();
        else if (r < 40 || (live.isEmpty() && selfClosure.isEmpty())) ref = new Fresh(id(), shape(), null);
        else ref = new Id(anyId(selfClosure));
        return new WithFinalizer(nextCleanup++, ref, depth < 2 ? actions(depth + 1, -1, Set.of()) : List.of());
    }

    private long anyId(Set<Long> selfClosure) {
        if (!selfClosure.isEmpty() && (live.isEmpty() || pct() < 50)) return pick(new ArrayList<>(selfClosure));
        return pick(live);
    }

    // ------------------------------------------------------------------ actions of finalizers, callbacks and cleanups

    /**
     * What a finalizer (self > 0), callback or cleanup (self = -1) does when it runs: allocate (up to
     * collections), collect, drop and add references, resurrect, create weak references and cleanups.
     */
    private List<Op> actions(int depth, int selfSlots, Set<Long> selfClosure) {
        int n = pct() < 20 ? 0 : 1 + rnd.nextInt(pct() < 30 ? 4 : 2);
        List<Op> l = new ArrayList<>();
        boolean hasSelf = selfSlots >= 0;
        for (int i = 0; i < n; i++) {
            int r = rnd.nextInt(100);
            if (r < 18) l.add(churn(false));
            else if (r < 30) {
                Shape as = shape();
                l.add(new Alloc(id(), as, actionDest(selfSlots), depth < 2 && pct() < 25 ? actions(depth + 1, as.refSlots(), Set.of()) : null));
            }
            else if (r < 40) l.add(new Collect(false));
            else if (r < 46) l.add(new Collect(true));
            else if (r < 58) {
                Target v = switch (rnd.nextInt(hasSelf ? 4 : 2)) {
                    case 0 -> new Null();
                    case 1 -> live.isEmpty() ? new Null() : new Id(pick(live));
                    case 2 -> new Self();
                    default -> selfSlots > 0 ? new SelfSlot(rnd.nextInt(selfSlots)) : new Self();
                };
                l.add(new Store(new Global(global()), v));
            } else if (r < 68) {
                Target owner = selfSlots > 0 && pct() < 50 ? new Self() : ownerTarget(selfClosure);
                if (owner == null) continue;
                int slots = owner instanceof Self ? selfSlots : model.obj(((Id) owner).id()).refs.length;
                Target v = pct() < 40 ? new Null() : hasSelf && pct() < 30 ? new Self() : live.isEmpty() && selfClosure.isEmpty() ? new Null() : new Id(anyId(selfClosure));
                l.add(new Store(new Field(owner, rnd.nextInt(slots)), v));
            } else if (r < 80) l.add(newWeakRef(depth, selfSlots, selfClosure));
            else if (r < 85 && depth < 2) l.add(withFinalizer(depth, selfSlots, selfClosure));
            else if (r < 92 && !holders().isEmpty()) l.add(new WeakGet(new Id(pick(holders())), pct() < 50 ? new Global(global()) : new Nowhere()));
            else if (r < 96 && nextCleanup > 0) l.add(pct() < 50 ? new CallCleanup(rnd.nextInt(nextCleanup)) : new DetachCleanup(rnd.nextInt(nextCleanup)));
            else l.add(new Store(new Global(global()), hasSelf ? new Self() : new Null()));
        }
        return l;
    }

    private Target ownerTarget(Set<Long> selfClosure) {
        List<Long> c = new ArrayList<>();
        for (long id : selfClosure) if (model.obj(id).refs.length > 0 && !model.obj(id).isHolder()) c.add(id);
        List<Long> owners = owners();
        if (!c.isEmpty() && (owners.isEmpty() || pct() < 50)) return new Id(pick(c));
        return owners.isEmpty() ? null : new Id(pick(owners));
    }

    private ChurnMode mode() {
        int r = pct();
        return r < 35 ? ChurnMode.UNSTORED : r < 65 ? ChurnMode.REPLACED : ChurnMode.DROPPED;
    }

    private Dest actionDest(int selfSlots) {
        int r = pct();
        if (r < 40 && selfSlots > 0) return new Field(new Self(), rnd.nextInt(selfSlots));
        if (r < 75) return new Global(global());
        return new Nowhere();
    }

    // ------------------------------------------------------------------ scenarios

    /** A root holding fresh objects (some finalizable, collecting or allocating when finalized), then dropped: death by count under rc. */
    private void dyingStructure() {
        int g = global();
        long root = id();
        Shape rs = pct() < 50 ? Shape.TWO : Shape.FOUR;
        emit(new Alloc(root, rs, new Global(g), pct() < 30 ? List.of(new Collect(pct() < 30)) : null));
        for (int i = 0; i < rs.refSlots(); i++) {
            if (pct() < 20) continue;
            long c = id();
            List<Op> fin = null;
            if (pct() < 60) {
                fin = new ArrayList<>();
                int k = rnd.nextInt(4);
                if (k == 0) fin.add(new Collect(false));
                else if (k == 1) fin.add(new Churn(2 + rnd.nextInt(30), linked(), mode()));
                else if (k == 2) fin.add(new Alloc(id(), shape(), new Field(new Self(), 0), null));
                else fin.addAll(actions(1, 1, Set.of()));
            }
            Shape cs = pct() < 50 ? Shape.LEAF : linked();
            emit(new Alloc(c, cs, new Field(new Id(root), i), fin));
            if (cs.refSlots() > 0 && pct() < 40) emit(new Alloc(id(), shape(), new Field(new Id(c), 0), null));
        }
        if (pct() < 40) emit(new NewWeakRef(id(), id(), new Id(root), List.of(), new Global((g + 1) % StressModel.GLOBALS)));
        emit(new Store(new Global(g), new Null()));
        if (pct() < 30) emit(new Collect(pct() < 40));
    }

    /** y (finalizer, weak reference with callback) is held only by g1; x's finalizer drops g1; x is dropped; collect. */
    private void finalizerDropsAnother() {
        int gy = global(), gx = (gy + 1 + rnd.nextInt(StressModel.GLOBALS - 1)) % StressModel.GLOBALS;
        long y = id();
        Shape ys = shape();
        emit(new Alloc(y, ys, new Global(gy), pct() < 80 ? List.of() : actions(1, ys.refSlots(), Set.of())));
        if (pct() < 80) emit(new NewWeakRef(id(), id(), new Id(y), List.of(), dest()));
        if (pct() < 30) emit(new WithFinalizer(nextCleanup++, new Id(y), List.of()));
        long x = id();
        List<Op> fin = new ArrayList<>();
        fin.add(new Store(new Global(gy), new Null()));
        if (pct() < 30) fin.add(new Collect(pct() < 50));
        Shape xs = pct() < 50 ? linked() : Shape.LEAF;
        emit(new Alloc(x, xs, new Global(gx), fin));
        if (xs.refSlots() > 0 && pct() < 50) emit(new Store(new Field(new Id(x), 0), new Id(x))); // x in a cycle: found by a collection
        emit(new Store(new Global(gx), new Null()));
        if (pct() < 45) emit(pct() < 50 ? new Collect(false) : new FullCollect());
    }

    /** A garbage cycle of finalizable objects with finalizable tails (the topological-order case). */
    private void finalizableCycle() {
        int g = global();
        long first = reserve(2 + rnd.nextInt(2));
        int n = lastRing;
        Shape s = pct() < 70 ? Shape.TWO : Shape.FOUR;
        emit(new Ring(first, n, s, new Global(g)));
        for (int k = 0; k < n; k++) if (pct() < 85) emit(new RegisterFinalizer(new Id(first + k), pct() < 70 ? List.of() : actions(1, s.refSlots(), Set.of())));
        int tails = 1 + rnd.nextInt(2);
        for (int t = 0; t < tails; t++) {
            long owner = first + rnd.nextInt(n);
            emit(new Alloc(id(), pct() < 60 ? Shape.LEAF : Shape.ONE, new Field(new Id(owner), 1), pct() < 85 ? List.of() : null));
        }
        emit(new Store(new Global(g), new Null()));
        if (pct() < 40) emit(pct() < 50 ? new Collect(false) : new FullCollect());
    }

    /** Self-cycles held by roots; a finalizable one's finalizer drops the other's root during a full collection. */
    private void selfCycleDroppedByFinalizer() {
        int g0 = global(), g1 = (g0 + 1 + rnd.nextInt(StressModel.GLOBALS - 1)) % StressModel.GLOBALS;
        long x = id(), y = id();
        emit(new Alloc(x, Shape.ONE, new Global(g0), null));
        emit(new Store(new Field(new Id(x), 0), new Id(x)));
        emit(new Alloc(y, Shape.ONE, new Global(g1), List.of(new Store(new Global(g0), new Null()))));
        emit(new Store(new Field(new Id(y), 0), new Id(y)));
        emit(new Store(new Global(g1), new Null()));
        if (pct() < 60) emit(pct() < 50 ? new FullCollect() : new Collect(false));
    }

    /** Weak references and cleanups on objects never stored, and on objects whose last root a finalizer run by the allocation drops. */
    private void freshWeakRefs() {
        if (pct() < 50) {
            Shape fs = shape();
            emit(new NewWeakRef(id(), id(), new Fresh(id(), fs, pct() < 30 ? actions(1, fs.refSlots(), Set.of()) : null), pct() < 80 ? List.of() : null, dest()));
            if (pct() < 40) emit(new WithFinalizer(nextCleanup++, new Fresh(id(), shape(), null), List.of()));
        } else {
            int gx = global(), gy = (gx + 1 + rnd.nextInt(StressModel.GLOBALS - 1)) % StressModel.GLOBALS;
            long x = id(), y = id();
            emit(new Alloc(x, shape(), new Global(gx), null));
            emit(new Alloc(y, Shape.ONE, new Global(gy), List.of(new Store(new Global(gx), new Null()))));
            emit(new Store(new Field(new Id(y), 0), new Id(y)));
            emit(new Store(new Global(gy), new Null()));
            if (pct() < 70) emit(new NewWeakRef(id(), id(), new Id(x), List.of(), dest()));
            else emit(new WithFinalizer(nextCleanup++, new Id(x), List.of()));
        }
    }

    /**
     * Allocation volume in one size class, dropped as it goes, about one to three times a small
     * heap: freed slots and spans must be reused.
     */
    private void churnBurst() {
        int[] big = {250, 500, 1000, 2000};
        if (pct() < 25) {
            emit(new Churn(100 + rnd.nextInt(400), linked(), mode()));
            return;
        }
        Shape s = Shape.longs(big[rnd.nextInt(big.length)]);
        long bytes = (2L << 20) + rnd.nextInt(3 << 20);
        int count = (int) Math.min(1500, bytes / (8L * s.longs()));
        emit(new Churn(count, s, pct() < 60 ? ChurnMode.DROPPED : mode()));
    }
}
