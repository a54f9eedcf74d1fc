package dev.gclab.gc.stress;

import dev.gclab.gc.finalize.Finalization;
import dev.gclab.gc.finalize.FinalizerOrder;
import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.gc.stress.StressModel.Cleanup;
import dev.gclab.gc.stress.StressModel.CleanupState;
import dev.gclab.gc.stress.StressModel.Frame;
import dev.gclab.gc.stress.StressModel.FrameKind;
import dev.gclab.gc.stress.StressModel.Obj;
import dev.gclab.gc.stress.StressOps.*;
import dev.gclab.gc.verify.HeapVerificationException;
import dev.gclab.gc.verify.HeapVerifier;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.OutOfHeapException;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.span.SizeClasses;
import dev.gclab.heap.span.Span;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs one stress program on one configuration, side by side on the simulated heap (through the
 * collector) and on the {@link StressModel}, and checks the rules that hold for every collector:
 * <ul>
 *   <li>after every collection (at the next operation boundary): the graph reachable from the roots
 *       equals the model's, slot for slot, objects identified by the id in their first data word;
 *       weak references answer their referent (an object in use holding the referent's id) or null;
 *       a cleared one was cleared because its referent (or itself) died, and its callback ran; the
 *       handle table and the heap verifier's reachable count agree with the model;</li>
 *   <li>when a finalizer runs: it runs once, on its object, only after the object became
 *       unreachable (or was brought back by another finalizer of the same collection), with the
 *       object and everything it references intact; with TOPOLOGICAL order, never after the
 *       finalizer of an object it reaches through garbage unless they share a cycle;</li>
 *   <li>when a callback or cleanup runs: once, after its weak reference was cleared, and only when
 *       its referent is garbage; never after {@code detach()};</li>
 *   <li>after a full collection that ran nothing (no finalizer, callback or cleanup), the heap holds
 *       exactly the reachable objects, and every {@code withFinalizer} of a dead object has run;</li>
 *   <li>at the end, with every root dropped and the heap collected until quiet: nothing is left,
 *       every finalizer and every cleanup ran exactly once;</li>
 *   <li>no exception escapes (the collector's own verifier runs at every collection), nothing goes
 *       to the unraisable hook, and an allocation runs out of heap only when no free slot or empty
 *       span could serve it.</li>
 * </ul>
 * Addresses are never kept across a safe point: an operation re-reads every address it needs
 * from the roots through the model's path, after each allocation or collection.
 */
final class StressRun {
    static final long TAG = 0x5EEDL << 48;
    static final long CHURN_TAG = 0xC4C4L << 48;
    static final long TAG_MASK = 0xFFFFL << 48;
    static final long MIX = 0x9E3779B97F4A7C15L;

    record Program(long seed, StressConfig.Tuning tuning, List<Op> ops) {}

    record Result(Program program, Violation violation, int failedAt, long collections, long explicitCollections, long allocations, long[] coverage) {
        boolean failed() { return violation != null; }
    }

    /** What the programs exercised (summed over a configuration's seeds; each must be above zero, or the tester lost power). */
    static final String[] COVERAGE = {"finalizers run", "weak-reference callbacks run", "withFinalizer cleanups run", "objects resurrected",
        "collections run by finalizers, callbacks and cleanups", "weak references and cleanups on never-stored objects", "exact checks after quiet full collections"};
    static final int FINALIZERS = 0, CALLBACKS = 1, CLEANUPS = 2, RESURRECTED = 3, NESTED_COLLECTIONS = 4, FRESH_REFERENTS = 5, EXACT_CHECKS = 6;
    private final long[] coverage = new long[COVERAGE.length];

    /** Where operations come from: a generator (which looks at the model) or a fixed list. */
    interface OpSource { Op next(StressRun run); }

    /** A broken rule: a short kind (what the shrinker keeps constant) and the full message. */
    static final class Violation extends RuntimeException {
        final String kind;

        Violation(String kind, String message, Throwable cause) {
            super(message, cause, false, false);
            this.kind = kind;
        }
    }

    final StressConfig config;
    final StressConfig.Tuning tuning;
    final long seed;
    final StressModel model = new StressModel();
    Heap heap;
    Collector collector;
    Mutator m;
    Finalization fin;
    private HeapVerifier verifier;
    private final Map<Shape, Integer> layouts = new java.util.IdentityHashMap<>(); // fixed shapes are constants
    private int weakLayout;

    private Violation violation;
    private int failedAt = -1;
    /** Where the program is, for messages (built only when one is needed). */
    private Supplier<String> where = () -> "setup";
    /** Finalizers, callbacks and cleanups run so far: a full collection during which this does not change was quiet. */
    private long events;
    private long explicitCollections;
    private int depth;
    private int earlyCall = -1;
    private boolean closing;
    private final List<Integer> closeOrder = new ArrayList<>();
    private long opSerial;
    private final ArrayDeque<Long> ctx = new ArrayDeque<>();
    private final ArrayDeque<String> finalizerStamps = new ArrayDeque<>();
    private final Set<String> dirtyStamps = new HashSet<>();
    /** Per running action: the reachable set when it started and the allocation count then. */
    private final ArrayDeque<Object[]> actionStarts = new ArrayDeque<>();
    private long churnSerial;
    private final List<Op> executed = new ArrayList<>();
    private int opIndex;
    private Map<Long, Long> lastAddresses = Map.of();

    StressRun(StressConfig config, StressConfig.Tuning tuning, long seed) {
        this.config = config;
        this.tuning = tuning;
        this.seed = seed;
    }

    static Result replay(StressConfig config, Program p) {
        var it = p.ops().iterator();
        return new StressRun(config, p.tuning(), p.seed()).run(r -> it.hasNext() ? it.next() : null);
    }

    // ------------------------------------------------------------------ driver

    Result run(OpSource source) {
        heap = new Heap(HeapConfig.of(tuning.heapBytes()).withMarkBits(config.markBits()));
        try {
            collector = config.provider().create(heap, tuning.options(config.variant()));
            m = new Mutator(heap, collector);
            fin = collector.finalization();
            fin.setOrder(config.order());
            fin.setUnraisableHook((w, e) -> record(fromThrowable(e, "reported to the unraisable hook from " + w)));
            weakLayout = fin.weakRefLayout();
            for (Shape s : Shape.FIXED) layouts.put(s, heap.layouts().fixed("stress-" + s.name(), s.fields()));
            for (int g = 0; g < StressModel.GLOBALS; g++) m.global("g" + g);
            verifier = new HeapVerifier(heap);
            for (opIndex = 0; violation == null; opIndex++) {
                Op op = source.next(this);
                if (op == null) break;
                executed.add(op);
                int at = opIndex;
                where = () -> "op " + at + " (" + op + ")";
                long cycles = collector.stats().cycles();
                long ev = events;
                try {
                    exec(op, 0);
                } catch (Violation v) {
                    record(v);
                } catch (RuntimeException | Error e) {
                    record(fromThrowable(e, "thrown by " + where.get()));
                }
                if (violation != null) break;
                if (collector.stats().cycles() != cycles || events != ev || op instanceof NewWeakRef || op instanceof WithFinalizer
                    || op instanceof WeakGet || opIndex % 16 == 15) {
                    Supplier<String> w = where;
                    guarded(() -> checkpoint(() -> "after " + w.get()));
                }
            }
            if (violation == null) {
                opIndex = executed.size();
                where = () -> "the end (all roots dropped)";
                guarded(this::finish);
            }
        } catch (Violation v) {
            record(v);
        } catch (RuntimeException | Error e) {
            record(fromThrowable(e, "thrown during " + where.get()));
        } finally {
            heap.close();
        }
        return new Result(new Program(seed, tuning, List.copyOf(executed)), violation, failedAt,
            collector == null ? 0 : collector.stats().cycles(), explicitCollections, heap.counters().allocations, coverage.clone());
    }

    private void guarded(Runnable r) {
        try {
            r.run();
        } catch (Violation v) {
            record(v);
        } catch (RuntimeException | Error e) {
            record(fromThrowable(e, "thrown during " + where.get()));
        }
    }

    private Violation record(Violation v) {
        if (violation == null) {
            violation = v;
            failedAt = opIndex;
        }
        return v;
    }

    private Violation fail(String kind, String fmt, Object... args) {
        return record(new Violation(kind, String.format(fmt, args) + " [" + where.get() + "]", null));
    }

    static Violation fromThrowable(Throwable e, String context) {
        if (e instanceof Violation v) return v;
        String msg = String.valueOf(e.getMessage());
        String kind;
        if (e instanceof HeapVerificationException) {
            String[] lines = msg.split("\n");
            kind = "verifier: " + normalize(lines.length > 1 ? lines[1] : lines[0]);
        } else {
            kind = "exception: " + e.getClass().getSimpleName() + ": " + normalize(msg.split("\n")[0]);
        }
        return new Violation(kind, e.getClass().getName() + ": " + msg + " (" + context + ")", e);
    }

    /** A message without addresses, numbers and parenthesised details: what the shrinker compares. */
    static String normalize(String s) {
        String t = s.replaceAll("\\([^)]*\\)", "").replaceAll("0x[0-9a-fA-F]+", "0x?").replaceAll("\\d+", "N").replaceAll("\\s+", " ").trim();
        return t.length() > 100 ? t.substring(0, 100) : t;
    }

    // ------------------------------------------------------------------ operations

    private void exec(Op op, long self) {
        ctx.push(++opSerial);
        try {
            switch (op) {
                case Alloc a -> alloc(a, self);
                case Store s -> storeOp(s, self);
                case Ring r -> ring(r, self);
                case PushFrame p -> {
                    if (depth == 0 && model.userFrameCount() < 6) {
                        m.pushFrame(p.slots());
                        model.pushFrame(FrameKind.USER, heap.roots().topFrameStart(), p.slots());
                    }
                }
                case PopFrame p -> {
                    if (depth == 0 && model.userFrame() != null) {
                        model.popFrame();
                        m.popFrame();
                    }
                }
                case NewHandle h -> {
                    long id = idOf(h.target(), self);
                    if (!model.handles.containsKey(h.key()) && usable(id)) {
                        int hh = m.newHandle(addr(id));
                        model.addHandle(h.key(), new StressModel.Handle(hh, id));
                    }
                }
                case ReleaseHandle h -> {
                    StressModel.Handle hd = model.handles.get(h.key());
                    if (hd != null) {
                        model.releaseHandle(h.key());
                        m.releaseHandle(hd.heapHandle);
                    }
                }
                case RetainHandle h -> {
                    StressModel.Handle hd = model.handles.get(h.key());
                    if (hd != null) {
                        hd.count++;
                        m.retainHandle(hd.heapHandle);
                    }
                }
                case Pin p -> {
                    long id = idOf(p.target(), self);
                    if (usable(id)) {
                        long a = addr(id);
                        Obj o = model.obj(id);
                        if (p.on()) {
                            m.pin(a);
                            o.pins++;
                        } else if (o.pins > 0) { // pins nest; an unpin with none open would be an error
                            m.unpin(a);
                            o.pins--;
                        }
                    }
                }
                case RegisterFinalizer r -> {
                    long id = idOf(r.target(), self);
                    if (usable(id) && !model.obj(id).hasFinalizer) registerFinalizer(id, addr(id), r.actions());
                }
                case NewWeakRef w -> newWeakRef(w, self);
                case WithFinalizer w -> withFinalizer(w, self);
                case CallCleanup c -> callCleanup(c.key());
                case DetachCleanup d -> detachCleanup(d.key());
                case WeakGet w -> weakGet(w, self);
                case Churn c -> churn(c);
                case Collect c -> {
                    explicitCollections++;
                    if (c.young()) collector.collectYoung(GcCause.EXPLICIT);
                    else collector.collect(GcCause.EXPLICIT);
                }
                case FullCollect f -> fullCollect();
            }
        } finally {
            ctx.pop();
        }
    }

    /** The id a target names now; -1 if it names nothing (0 is null). */
    private long idOf(Target t, long self) {
        return switch (t) {
            case Null n -> 0;
            case Self s -> self != 0 ? self : -1;
            case SelfSlot s -> {
                if (self == 0) yield -1;
                long[] refs = model.obj(self).refs;
                yield s.slot() < refs.length && refs[s.slot()] != 0 ? refs[s.slot()] : -1;
            }
            case Id i -> model.exists(i.id()) ? i.id() : -1;
        };
    }

    /** A non-null id the model reaches from a root now (weak reference objects are never operands). */
    private boolean usable(long id) { return id > 0 && model.isReachable(id) && !model.obj(id).isWeak(); }

    private boolean destUsable(Dest d, long self) {
        return switch (d) {
            case Global g -> true;
            case Local l -> depth == 0 && model.userFrame() != null && l.slot() < model.userFrame().slots.length;
            case Field f -> {
                long o = idOf(f.owner(), self);
                yield usable(o) && !model.obj(o).isHolder() && f.slot() < model.obj(o).refs.length;
            }
            case Nowhere n -> false;
        };
    }

    /** Stores {@code value} (model first, so that finalizers run by the store see the new graph). Call right after resolving valueAddr. */
    private void store(Dest d, long self, long value, long valueAddr) {
        switch (d) {
            case Global g -> {
                model.setGlobal(g.g(), value);
                m.setGlobal(g.g(), valueAddr);
            }
            case Local l -> {
                model.setFrameSlot(model.userFrame(), l.slot(), value);
                m.setLocal(l.slot(), valueAddr);
            }
            case Field f -> {
                long o = idOf(f.owner(), self);
                long oa = addr(o);
                model.setRef(o, f.slot(), value);
                edgeChanged();
                m.setRef(oa, f.slot(), valueAddr);
            }
            case Nowhere n -> { }
        }
    }

    private void storeOp(Store s, long self) {
        long v = idOf(s.value(), self);
        if (v < 0 || (v > 0 && !usable(v)) || !destUsable(s.dest(), self)) return;
        store(s.dest(), self, v, v == 0 ? 0 : addr(v));
    }

    private void alloc(Alloc a, long self) {
        if (model.exists(a.id())) return;
        long obj = allocate(a.shape(), a.id());
        if (a.finalizer() != null) registerFinalizer(a.id(), obj, a.finalizer());
        if (destUsable(a.dest(), self)) store(a.dest(), self, a.id(), obj);
    }

    private void ring(Ring r, long self) {
        if (r.shape().refSlots() == 0) return;
        for (int k = 0; k < r.n(); k++) if (model.exists(r.firstId() + k)) return;
        long first = allocate(r.shape(), r.firstId());
        Frame scratch = rootNew(r.dest(), self, r.firstId(), first);
        for (int k = 1; k < r.n() && violation == null; k++) {
            long id = r.firstId() + k;
            long b = allocate(r.shape(), id);
            long prev = addr(id - 1);
            model.setRef(id - 1, 0, id);
            m.setRef(prev, 0, b);
        }
        long lastId = r.firstId() + r.n() - 1;
        long last = addr(lastId);
        long head = addr(r.firstId());
        model.setRef(lastId, 0, r.firstId());
        m.setRef(last, 0, head);
        finishDest(scratch, r.dest(), self, r.firstId());
    }

    /**
     * Roots a new object until its operation ends: at once in its destination if that is a local
     * (finalizers cannot touch locals), else in a scratch frame; {@link #finishDest} stores it.
     */
    private Frame rootNew(Dest dest, long self, long id, long addr) {
        if (dest instanceof Local && destUsable(dest, self)) {
            store(dest, self, id, addr);
            return null;
        }
        m.pushFrame(1);
        Frame f = model.pushFrame(FrameKind.SCRATCH, heap.roots().topFrameStart(), 1);
        model.setFrameSlot(f, 0, id);
        m.setLocal(0, addr);
        return f;
    }

    private void finishDest(Frame scratch, Dest dest, long self, long id) {
        if (scratch == null) return;
        if (!(dest instanceof Local) && destUsable(dest, self)) store(dest, self, id, addr(id));
        if (model.frames.get(model.frames.size() - 1) != scratch) throw fail("tester", "scratch frame is not on top");
        model.popFrame();
        m.popFrame();
    }

    private void registerFinalizer(long id, long addr, List<Op> actions) {
        Obj o = model.obj(id);
        o.hasFinalizer = true;
        o.finalizer = actions;
        fin.registerFinalizer(addr, x -> onFinalizer(id, x));
    }

    /** True if an enclosing action started when {@code id} already existed and was garbage (CPython may then skip callbacks). */
    private boolean garbageOfRunningCollection(long id) {
        Obj o = model.obj(id);
        for (Object[] start : actionStarts) {
            @SuppressWarnings("unchecked") Set<Long> r0 = (Set<Long>) start[0];
            if (o.born < (long) start[1] && !r0.contains(id)) return true;
        }
        return false;
    }

    private void newWeakRef(NewWeakRef w, long self) {
        if (model.exists(w.holderId()) || model.exists(w.weakId())) return;
        if (w.referent() instanceof Fresh f ? model.exists(f.id()) : !usable(idOf((Target) w.referent(), self))) return;
        long holder = allocate(Shape.HOLDER, w.holderId());
        Frame scratch = rootNew(w.dest(), self, w.holderId(), holder);
        long rid;
        long raddr;
        if (w.referent() instanceof Fresh f) {
            coverage[FRESH_REFERENTS]++;
            rid = f.id();
            raddr = allocate(f.shape(), rid);
            if (f.finalizer() != null) registerFinalizer(rid, raddr, f.finalizer());
        } else {
            rid = idOf((Target) w.referent(), self);
            if (!usable(rid)) { // a finalizer run by the holder's allocation dropped it
                finishDest(scratch, w.dest(), self, w.holderId());
                return;
            }
            raddr = addr(rid);
        }
        Obj wo = model.addWeak(w.weakId(), rid);
        wo.hasCallback = w.callback() != null;
        wo.callback = w.callback();
        wo.callbackOptional = depth > 0 && garbageOfRunningCollection(rid);
        long weakId = w.weakId();
        long wr = fin.newWeakRef(m, raddr, w.callback() == null ? null : x -> onCallback(weakId, x));
        if (!model.isReachable(w.holderId())) throw fail("tester", "holder #%d lost its root", w.holderId());
        long h = addr(w.holderId());
        model.setRef(w.holderId(), 0, weakId);
        m.setRef(h, 0, wr);
        finishDest(scratch, w.dest(), self, w.holderId());
    }

    private void withFinalizer(WithFinalizer w, long self) {
        if (model.cleanups.containsKey(w.key())) return;
        long rid;
        long raddr;
        if (w.referent() instanceof Fresh f) {
            if (model.exists(f.id())) return;
            coverage[FRESH_REFERENTS]++;
            rid = f.id();
            raddr = allocate(f.shape(), rid);
            if (f.finalizer() != null) registerFinalizer(rid, raddr, f.finalizer());
        } else {
            rid = idOf((Target) w.referent(), self);
            if (!usable(rid)) return;
            raddr = addr(rid);
        }
        Cleanup c = model.addCleanup(w.key(), rid, w.cleanup());
        c.optional = depth > 0 && garbageOfRunningCollection(rid);
        int key = w.key();
        c.handle = fin.withFinalizer(m, raddr, () -> onCleanup(key));
    }

    /** {@code call()}: runs the cleanup now if it is pending (checked by its effect, not by the return value, which varies by version). */
    private void callCleanup(int key) {
        Cleanup c = model.cleanups.get(key);
        if (c == null || c.handle == null) return;
        boolean wasAlive = c.state == CleanupState.ALIVE;
        int runs = c.runs;
        int saved = earlyCall;
        earlyCall = key;
        try {
            c.handle.call();
        } finally {
            earlyCall = saved;
        }
        if (violation != null) return;
        if (c.runs != runs + (wasAlive ? 1 : 0) || c.handle.isAlive()) {
            throw fail("cleanup-call", "c%d.call(): the cleanup was %s and ran %d time(s) during the call; isAlive() is now %b",
                key, wasAlive ? "pending" : c.state, c.runs - runs, c.handle.isAlive());
        }
    }

    private void detachCleanup(int key) {
        Cleanup c = model.cleanups.get(key);
        if (c == null || c.handle == null) return;
        int runs = c.runs;
        if (c.state == CleanupState.ALIVE) c.state = CleanupState.DETACHED;
        c.handle.detach();
        if (violation != null) return;
        if (c.handle.isAlive() || c.runs != runs) {
            throw fail("cleanup-detach", "c%d.detach(): isAlive() is %b and the cleanup ran %d time(s) during the call", key, c.handle.isAlive(), c.runs - runs);
        }
    }

    private void weakGet(WeakGet w, long self) {
        long hid = idOf(w.holder(), self);
        if (!usable(hid) || !model.obj(hid).isHolder() || model.obj(hid).refs[0] == 0) return;
        Obj wo = model.obj(model.obj(hid).refs[0]);
        long wa = m.getRef(addr(hid), 0);
        expect(wo.id, wa, () -> "slot 0 of holder #" + hid);
        long r = fin.weakRefGet(wa);
        checkWeakRef(wo, wa, false);
        if (r == 0 || !destUsable(w.dest(), self)) return;
        boolean wasGarbage = !model.isReachable(wo.referent);
        Set<Long> r0 = wasGarbage ? model.reachableSet() : null;
        long bornBefore = model.allocationCount();
        store(w.dest(), self, wo.referent, r);
        if (wasGarbage) markResurrected(r0, bornBefore);
    }

    private void churn(Churn c) {
        Frame scratch = null;
        if (c.mode() != ChurnMode.UNSTORED) {
            m.pushFrame(1);
            scratch = model.pushFrame(FrameKind.SCRATCH, heap.roots().topFrameStart(), 1);
        }
        for (int i = 0; i < c.count() && violation == null; i++) {
            long a = allocateRaw(c.shape(), false);
            m.setLong(a, 0, CHURN_TAG | ++churnSerial); // no checksum: the model never reaches churn objects
            if (c.mode() != ChurnMode.UNSTORED) m.setLocal(0, a); // the model does not know churn objects: they are garbage at once
            if (c.mode() == ChurnMode.DROPPED) m.setLocal(0, 0);
        }
        if (scratch != null) {
            model.popFrame();
            m.popFrame();
        }
    }

    private void fullCollect() {
        if (depth > 0) { // inside a finalizer, callback or cleanup: one collection, no exactness (it is not over)
            explicitCollections++;
            collector.collect(GcCause.EXPLICIT);
            return;
        }
        for (int i = 0; i < 8 && violation == null; i++) {
            long e0 = events;
            explicitCollections++;
            collector.collect(GcCause.EXPLICIT);
            if (events == e0 && violation == null) {
                Supplier<String> w = where;
                exactCheck(() -> "after a full collection that ran no finalizer, callback or cleanup (" + w.get() + ")");
                return;
            }
        }
    }

    // ------------------------------------------------------------------ allocation

    private long allocateRaw(Shape s, boolean checkPin) {
        int lid = s.isArray() ? LayoutRegistry.LONG_ARRAY : layouts.get(s);
        long a;
        try {
            a = s.isArray() ? m.allocateArray(lid, s.longs()) : m.allocate(lid);
        } catch (OutOfHeapException e) {
            throw outOfHeap(e, lid, s.isArray() ? s.longs() : 0);
        }
        if (checkPin && m.isPinned(a)) throw fail("pin", "a new object at 0x%x is pinned: the pin of a dead object outlived it", a);
        return a;
    }

    private long allocate(Shape s, long id) {
        long a = allocateRaw(s, true);
        writeId(a, s, TAG | id);
        model.add(id, s);
        return a;
    }

    private void writeId(long a, Shape s, long word) {
        m.setLong(a, 0, word);
        if (s == Shape.MIXED) m.setLong(a, 1, word * MIX);
        else if (s.isArray() && s.longs() >= 2) m.setLong(a, s.longs() - 1, word * MIX);
    }

    /** Out of heap: a defect if a free slot of the requested size class or an empty span could have served the request. */
    private Violation outOfHeap(OutOfHeapException e, int lid, int length) {
        long size = heap.layouts().sizeOf(lid, length);
        boolean noScan = heap.layouts().isNoScan(lid);
        int sc = size <= SizeClasses.MAX_SMALL_SIZE ? SizeClasses.classOf(size) : 0;
        int pagesNeeded = sc != 0 ? SizeClasses.pages(sc) : (int) ((size + SizeClasses.PAGE_BYTES - 1) / SizeClasses.PAGE_BYTES);
        int empty = 0, emptyPages = 0, freeSlots = 0;
        boolean fits = false;
        for (int i = 0; i < heap.spanCount(); i++) {
            Span s = heap.span(i);
            if (s.allocCount == 0) {
                empty++;
                emptyPages += s.pages;
                if (s.pages >= pagesNeeded) fits = true;
            }
            if (sc != 0 && s.sizeClass == sc && s.noScan == noScan) freeSlots += s.nelems - s.allocCount;
        }
        String detail = String.format("%s; the heap holds %d spans, %d of them empty (%d pages), and %d free slots in spans of the requested size class; the model reaches %d objects",
            e.getMessage(), heap.spanCount(), empty, emptyPages, freeSlots, model.reachable().size());
        return fits || freeSlots > 0 ? fail("out-of-heap with reusable space", "%s", detail) : fail("out-of-heap", "%s", detail);
    }

    // ------------------------------------------------------------------ finalizers, callbacks, cleanups

    private String stamp() { return ctx.peek() + "/" + collector.stats().cycles(); }

    private void edgeChanged() {
        dirtyStamps.addAll(finalizerStamps);
    }

    /** True for objects whose finalizer runs at each death with no finalized mark: rc's non-GC objects (no reference slots). */
    private boolean finalizedAtEachDeath(StressModel.Obj o) {
        return collector.constraints().needsRefCounts() && o.shape != null && o.shape.refSlots() == 0;
    }

    private void onFinalizer(long id, long addr) {
        events++;
        coverage[FINALIZERS]++;
        if (violation != null) return;
        Supplier<String> saved = where;
        where = () -> "the finalizer of #" + id + ", during " + saved.get();
        try {
            Obj o = model.obj(id);
            // CPython's rule, which rc follows: an object without reference slots (a non-GC object) has no
            // "finalized" mark, so after a resurrection its finalizer runs again at its next death by count.
            if (++o.finalizerRuns > 1 && !finalizedAtEachDeath(o)) throw fail("finalizer-twice", "the finalizer of #%d ran a second time", id);
            if (!heap.isObject(addr) || m.getLong(addr, 0) != (TAG | id)) {
                throw fail("finalizer-wrong-object", "the finalizer of #%d was given 0x%x, %s", id, addr,
                    heap.isObject(addr) ? "which holds " + idText(m.getLong(addr, 0)) : "which is not an object in use");
            }
            Set<Long> r0 = model.reachableSet();
            if (r0.contains(id) && !o.resurrected) {
                throw fail("finalizer-while-reachable", "the finalizer of #%d ran while the model reaches it (%s)", id, pathText(id));
            }
            String stamp = stamp();
            o.finalizedStamp = stamp;
            compareFrom(List.of(new long[] {id, addr}), () -> "the finalizer of #" + id + " (its object and all it references)", false, id);
            if (config.order() == FinalizerOrder.TOPOLOGICAL) checkTopological(id, r0, stamp);
            // A finalizer acts at its first call only: one that runs at every death (rc's non-GC objects)
            // and always resurrected its object would keep it alive for ever, as it would in CPython.
            if (o.finalizerRuns == 1) runActions(o.finalizer, id, addr, r0, stamp);
        } catch (Violation v) {
            record(v);
        } catch (RuntimeException | Error e) {
            record(fromThrowable(e, "thrown in " + where.get()));
        } finally {
            where = saved;
        }
    }

    private void onCallback(long weakId, long w) {
        events++;
        coverage[CALLBACKS]++;
        if (violation != null) return;
        Supplier<String> saved = where;
        where = () -> "the callback of weak reference #" + weakId + ", during " + saved.get();
        try {
            Obj o = model.obj(weakId);
            if (++o.callbackRuns > 1) throw fail("callback-twice", "the callback of weak reference #%d ran a second time", weakId);
            if (!heap.isObject(w) || heap.layoutOf(w) != weakLayout) throw fail("callback-wrong-object", "the callback of #%d was given 0x%x, not a weak reference", weakId, w);
            if (fin.weakRefGet(w) != 0) {
                throw fail("callback-before-clearing", "the callback of weak reference #%d ran while it still answers 0x%x", weakId, fin.weakRefGet(w));
            }
            o.seenCleared = true;
            Set<Long> r0 = model.reachableSet();
            Obj ref = model.obj(o.referent);
            if (r0.contains(o.referent) && !ref.resurrected) {
                throw fail("callback-while-reachable", "the callback of weak reference #%d ran while its referent #%d is reachable (%s)", weakId, o.referent, pathText(o.referent));
            }
            runActions(o.callback, 0, 0, r0, null);
        } catch (Violation v) {
            record(v);
        } catch (RuntimeException | Error e) {
            record(fromThrowable(e, "thrown in " + where.get()));
        } finally {
            where = saved;
        }
    }

    private void onCleanup(int key) {
        events++;
        coverage[CLEANUPS]++;
        if (violation != null) return;
        Supplier<String> saved = where;
        where = () -> "cleanup c" + key + ", during " + saved.get();
        try {
            Cleanup c = model.cleanups.get(key);
            if (++c.runs > 1) throw fail("cleanup-twice", "cleanup c%d ran a second time", key);
            if (c.state == CleanupState.DETACHED) throw fail("cleanup-after-detach", "cleanup c%d ran after detach()", key);
            Set<Long> r0 = model.reachableSet();
            boolean early = earlyCall == key;
            if (!early && !closing && r0.contains(c.target) && !model.obj(c.target).resurrected) {
                throw fail("cleanup-while-reachable", "cleanup c%d ran while its object #%d is reachable (%s)", key, c.target, pathText(c.target));
            }
            if (closing && !early && depth == 0) closeOrder.add(key);
            c.state = CleanupState.RAN;
            runActions(c.actions, 0, 0, r0, null);
        } catch (Violation v) {
            record(v);
        } catch (RuntimeException | Error e) {
            record(fromThrowable(e, "thrown in " + where.get()));
        } finally {
            where = saved;
        }
    }

    /** Runs a finalizer's, callback's or cleanup's actions in a frame holding self; marks what they brought back to life. */
    private void runActions(List<Op> actions, long self, long selfAddr, Set<Long> r0, String stamp) {
        if (actions == null || actions.isEmpty()) return;
        long bornBefore = model.allocationCount();
        long cyclesBefore = collector.stats().cycles();
        depth++;
        actionStarts.push(new Object[] {r0, bornBefore});
        if (stamp != null) finalizerStamps.push(stamp);
        Frame f = null;
        try {
            if (self != 0) {
                m.pushFrame(1);
                f = model.pushFrame(FrameKind.ACTION, heap.roots().topFrameStart(), 1);
                model.setFrameSlot(f, 0, self);
                m.setLocal(0, selfAddr);
            }
            for (Op op : actions) {
                if (violation != null) break;
                exec(op, self);
            }
            if (f != null && violation == null) {
                if (model.frames.get(model.frames.size() - 1) != f) throw fail("tester", "action frame is not on top");
                model.popFrame();
                m.popFrame();
            }
        } catch (Violation v) {
            record(v);
        } catch (RuntimeException | Error e) {
            record(fromThrowable(e, "thrown by an action of " + where.get()));
        } finally {
            if (stamp != null) finalizerStamps.pop();
            actionStarts.pop();
            depth--;
            if (depth == 0) coverage[NESTED_COLLECTIONS] += collector.stats().cycles() - cyclesBefore;
        }
        if (violation == null) markResurrected(r0, bornBefore);
    }

    /** Objects older than {@code bornBefore} that were unreachable in {@code r0} and are reachable now came back to life. */
    private void markResurrected(Set<Long> r0, long bornBefore) {
        boolean any = false;
        for (long id : model.reachable()) {
            Obj o = model.obj(id);
            if (!r0.contains(id) && o.born < bornBefore && !o.resurrected) {
                o.resurrected = true;
                coverage[RESURRECTED]++;
                any = true;
            }
        }
        if (any) edgeChanged();
    }

    /**
     * TOPOLOGICAL order (referrers first): when X's finalizer runs, no finalizable object that X
     * reaches through garbage may already be finalized in the same collection, unless it reaches X
     * back (they share a cycle). Skipped for a collection whose garbage graph changed while its
     * finalizers ran.
     */
    private void checkTopological(long x, Set<Long> r0, String stamp) {
        if (dirtyStamps.contains(stamp) || model.obj(x).resurrected) return;
        for (long y : model.closure(x, id -> !r0.contains(id))) {
            Obj oy = model.obj(y);
            if (y == x || !oy.hasFinalizer || oy.finalizerRuns == 0 || !stamp.equals(oy.finalizedStamp) || oy.resurrected) continue;
            if (!model.closure(y, id -> true).contains(x)) {
                throw fail("topological-order", "TOPOLOGICAL order: the finalizer of #%d ran before that of #%d in the same collection, though #%d reaches #%d through garbage and #%d does not reach #%d (no shared cycle)",
                    y, x, x, y, y, x);
            }
        }
    }

    // ------------------------------------------------------------------ checks

    private String idText(long word) {
        if ((word & TAG_MASK) == TAG) return "#" + (word & ~TAG_MASK);
        if ((word & TAG_MASK) == CHURN_TAG) return "a churn object";
        return String.format("data 0x%x (no id)", word);
    }

    private String pathText(long id) {
        StringBuilder sb = new StringBuilder();
        long cur = id;
        for (int i = 0; i < 12; i++) {
            long[] v = model.via(cur);
            if (v == null) return sb.isEmpty() ? "unreachable" : sb.toString();
            String step = switch ((int) v[0]) {
                case StressModel.VIA_GLOBAL -> "g" + v[1];
                case StressModel.VIA_FRAME -> model.frames.get((int) v[1]).kind.name().toLowerCase() + " frame " + v[1] + " slot " + v[2];
                case StressModel.VIA_HANDLE -> "handle h" + v[1];
                default -> "#" + v[1] + "." + v[2];
            };
            sb.insert(0, sb.isEmpty() ? step : step + " -> ");
            if (v[0] != StressModel.VIA_FIELD) return sb + " -> #" + id;
            cur = v[1];
        }
        return sb + " ... -> #" + id;
    }

    /** The address of {@code id}, followed on the heap along the model's path from a root; every step is checked. */
    long addr(long id) {
        long[] v = model.via(id);
        if (v == null) throw fail("tester", "#%d is not reachable in the model", id);
        long a = switch ((int) v[0]) {
            case StressModel.VIA_GLOBAL -> m.getGlobal((int) v[1]);
            case StressModel.VIA_FRAME -> heap.roots().stackSlot(model.frames.get((int) v[1]).heapStart + (int) v[2]);
            case StressModel.VIA_HANDLE -> heap.handles().get(model.handles.get((int) v[1]).heapHandle);
            default -> m.getRef(addr(v[1]), (int) v[2]);
        };
        expect(id, a, () -> pathText(id));
        return a;
    }

    private int layoutOf(Obj o) {
        if (o.isWeak()) return weakLayout;
        return o.shape.isArray() ? LayoutRegistry.LONG_ARRAY : layouts.get(o.shape);
    }

    /** {@code a} must be model object {@code id}: in use, of its layout, holding its id. */
    private void expect(long id, long a, Supplier<String> how) {
        Obj o = model.obj(id);
        if (a == 0) throw fail("graph", "#%d should be at %s; the heap has null there", id, how.get());
        if (!heap.isObject(a)) {
            throw fail("freed-reachable", "#%d (%s) is reachable (%s) but 0x%x is not an object in use: it was freed", id, o.isWeak() ? "weak reference" : o.shape, how.get(), a);
        }
        int lid = heap.layoutOf(a);
        if (lid != layoutOf(o) || (o.shape != null && o.shape.isArray() && heap.lengthOf(a) != o.shape.longs())) {
            throw fail("graph", "#%d (%s) should be at %s; 0x%x is a %s of length %d", id, o.isWeak() ? "weak reference" : o.shape, how.get(), a,
                heap.layouts().name(lid), heap.lengthOf(a));
        }
        if (o.isWeak()) return;
        long word = m.getLong(a, 0);
        if (word != (TAG | id)) throw fail("graph", "#%d should be at %s; 0x%x holds %s", id, how.get(), a, idText(word));
        long check = o.shape == Shape.MIXED ? m.getLong(a, 1) : o.shape.isArray() && o.shape.longs() >= 2 ? m.getLong(a, o.shape.longs() - 1) : word * MIX;
        if (check != word * MIX) throw fail("graph", "#%d at 0x%x: its second data word was overwritten (0x%x)", id, a, check);
    }

    /**
     * Walks the heap from {@code starts} ({id, address} pairs) in lockstep with the model: every
     * object in use with its id and layout, every slot as the model says, one address per id.
     * At top level, also the state of each weak reference met.
     */
    private Map<Long, Long> compareFrom(List<long[]> starts, Supplier<String> when, boolean topLevel, long strict) {
        Map<Long, Long> addrOf = new HashMap<>();
        Map<Long, Long> idAt = new HashMap<>();
        ArrayDeque<Long> queue = new ArrayDeque<>();
        for (long[] s : starts) visit(s[0], s[1], when, addrOf, idAt, queue);
        while (!queue.isEmpty()) {
            long id = queue.poll();
            Obj o = model.obj(id);
            long a = addrOf.get(id);
            if (o.isWeak()) {
                checkWeakRef(o, a, topLevel);
                continue;
            }
            boolean garbage = !topLevel && id != strict && !model.isReachable(id);
            for (int i = 0; i < o.refs.length; i++) {
                long c = o.refs[i];
                long h = m.getRef(a, i);
                if (c == 0) {
                    if (h != 0) throw fail("graph", "%s: slot %d of #%d holds 0x%x (%s), the model null", when.get(), i, id, h, heap.isObject(h) ? idText(m.getLong(h, 0)) : "freed");
                } else if (h == 0 && garbage) {
                    continue; // rc clears the slots of cyclic garbage (tp_clear); an object dying meanwhile may see that
                } else {
                    int slot = i;
                    visit(c, h, () -> "slot " + slot + " of #" + id + " (" + when.get() + ")", addrOf, idAt, queue);
                }
            }
            if (topLevel && o.hasFinalizer && fin.isFinalized(a) != (o.finalizerRuns > 0 && !finalizedAtEachDeath(o))) {
                throw fail("finalized-flag", "isFinalized(#%d) is %b, but its finalizer ran %d time(s)", id, fin.isFinalized(a), o.finalizerRuns);
            }
            if (topLevel && m.pinCount(a) != o.pins) throw fail("pin", "#%d: pinCount is %d, the program has %d pin(s) open on it", id, m.pinCount(a), o.pins);
        }
        return addrOf;
    }

    private void visit(long id, long a, Supplier<String> how, Map<Long, Long> addrOf, Map<Long, Long> idAt, ArrayDeque<Long> queue) {
        Long known = addrOf.get(id);
        if (known != null) {
            if (known != a) throw fail("graph", "#%d is at 0x%x and at 0x%x (%s)", id, known, a, how.get());
            return;
        }
        expect(id, a, how);
        Long other = idAt.put(a, id);
        if (other != null && other != id) throw fail("graph", "#%d and #%d are both at 0x%x", id, other, a);
        addrOf.put(id, a);
        queue.add(id);
    }

    /** What a weak reference answers: null, or its referent (in use, with the referent's id). */
    private void checkWeakRef(Obj w, long wa, boolean topLevel) {
        long r = fin.weakRefGet(wa);
        Obj ref = model.obj(w.referent);
        if (r != 0) {
            if (w.seenCleared) throw fail("weakref-stale", "weak reference #%d was cleared before and now answers 0x%x", w.id, r);
            if (!heap.isObject(r)) {
                throw fail("weakref-stale", "weak reference #%d answers 0x%x for its referent #%d, which is not an object in use (freed memory; its callback ran %d time(s))",
                    w.id, r, w.referent, w.callbackRuns);
            }
            long word = m.getLong(r, 0);
            if (word != (TAG | w.referent)) {
                throw fail("weakref-stale", "weak reference #%d answers 0x%x, which holds %s, not its referent #%d (the referent died and its memory was reused)",
                    w.id, r, idText(word), w.referent);
            }
            if (w.callbackRuns > 0) throw fail("callback-before-clearing", "weak reference #%d answers its referent #%d, but its callback already ran", w.id, w.referent);
            return;
        }
        w.seenCleared = true;
        if (!topLevel || w.resurrected) return; // a weak reference that was garbage itself is cleared without a callback
        if (model.isReachable(w.referent) && !ref.resurrected) {
            throw fail("weakref-cleared-early", "weak reference #%d was cleared though its referent #%d is reachable (%s)", w.id, w.referent, pathText(w.referent));
        }
        if (w.hasCallback && w.callbackRuns == 0 && !w.callbackOptional) {
            throw fail("callback-lost", "weak reference #%d (reachable: %s) was cleared, but its callback never ran (referent #%d)", w.id, pathText(w.id), w.referent);
        }
        if (ref.hasFinalizer && ref.finalizerRuns == 0 && !ref.resurrected && !model.isReachable(w.referent)) {
            throw fail("finalizer-skipped", "#%d died (its weak reference #%d was cleared) but its finalizer never ran", w.referent, w.id);
        }
    }

    /** After a collection: the reachable graph slot for slot, weak references, handles, cleanup handles. */
    private void checkpoint(Supplier<String> when) {
        where = when;
        List<long[]> starts = new ArrayList<>();
        for (int g = 0; g < StressModel.GLOBALS; g++) root(model.globals[g], m.getGlobal(g), "global g", g, starts);
        if (heap.roots().depth() != model.frames.size()) throw fail("graph", "the heap has %d frames, the model %d", heap.roots().depth(), model.frames.size());
        for (Frame fr : model.frames) {
            for (int s = 0; s < fr.slots.length; s++) root(fr.slots[s], heap.roots().stackSlot(fr.heapStart + s), "root stack slot ", fr.heapStart + s, starts);
        }
        for (StressModel.Handle h : model.handles.values()) {
            if (!heap.handles().isLive(h.heapHandle)) throw fail("graph", "handle %d is not live", h.heapHandle);
            starts.add(new long[] {h.target, heap.handles().get(h.heapHandle)});
        }
        lastAddresses = compareFrom(starts, when, true, 0);
        int liveCleanups = model.liveCleanups();
        if (heap.handles().liveCount() != model.handles.size() + liveCleanups) {
            throw fail("handle-count", "%d live handles, the model %d (+%d held by pending withFinalizer cleanups)", heap.handles().liveCount(), model.handles.size(), liveCleanups);
        }
        for (Cleanup c : model.cleanups.values()) {
            if (c.handle != null && c.handle.isAlive() != (c.state == CleanupState.ALIVE)) {
                throw fail("cleanup-state", "c%d.isAlive() is %b, but the cleanup is %s", c.key, c.handle.isAlive(), c.state);
            }
        }
    }

    private void root(long id, long a, String name, int index, List<long[]> starts) {
        if (id == 0) {
            if (a != 0) throw fail("graph", "%s%d holds 0x%x (%s), the model null", name, index, a, heap.isObject(a) ? idText(m.getLong(a, 0)) : "freed");
        } else {
            starts.add(new long[] {id, a});
        }
    }

    /**
     * After a full collection that ran nothing: exactly the reachable objects are left, the heap
     * verifier (gclab's independent re-trace) agrees with the model on what is reachable and finds
     * nothing else, and every cleanup of a dead object has run.
     */
    private void exactCheck(Supplier<String> when) {
        coverage[EXACT_CHECKS]++;
        checkpoint(when);
        int liveCleanups = model.liveCleanups();
        long expected = model.reachable().size() + liveCleanups;
        long actual = heap.objectCount();
        if (actual != expected) {
            throw fail("object-count", "%s, the heap holds %d objects, but the model reaches %d (+%d weak references of pending withFinalizer cleanups); unreachable survivors: %s",
                when.get(), actual, model.reachable().size(), liveCleanups, survivors());
        }
        HeapVerifier.Report rep;
        try {
            rep = verifier.verify(when.get(), true);
        } catch (HeapVerificationException e) {
            throw record(fromThrowable(e, "the tester's heap verifier (exact), " + when.get()));
        }
        if (rep.reachableObjects() != expected || rep.allocatedObjects() != actual) {
            throw fail("verifier-disagrees", "the heap verifier counts %d allocated and %d reachable objects; the heap says %d, the model reaches %d (+%d weak references of pending withFinalizer cleanups)",
                rep.allocatedObjects(), rep.reachableObjects(), actual, model.reachable().size(), liveCleanups);
        }
        for (Cleanup c : model.cleanups.values()) {
            if (c.state == CleanupState.ALIVE && !c.optional && !model.isReachable(c.target)) {
                throw fail("cleanup-lost", "#%d is dead after a full collection, but its withFinalizer cleanup c%d never ran", c.target, c.key);
            }
        }
    }

    /** Up to five objects in use that the model does not reach, described by their ids. */
    private String survivors() {
        Set<Long> known = new HashSet<>(lastAddresses.values());
        List<String> out = new ArrayList<>();
        int n = 0;
        for (int i = 0; i < heap.spanCount(); i++) {
            Span s = heap.span(i);
            for (int idx = 0; idx < s.nelems; idx++) {
                if (!s.isAllocated(idx) || known.contains(s.slotAddress(idx))) continue;
                long a = s.slotAddress(idx);
                n++;
                if (out.size() < 5) {
                    int lid = heap.layoutOf(a);
                    String what = lid == weakLayout ? "a weak reference" : idText(m.getLong(a, 0));
                    out.add(String.format("0x%x %s (%s)", a, what, heap.layouts().name(lid)));
                }
            }
        }
        return n + " " + out;
    }

    /** The end: close (sometimes), drop every root, collect until quiet; then nothing is left and everything ran once. */
    private void finish() {
        if (tuning.closeAtEnd()) {
            List<Cleanup> pending = new ArrayList<>();
            for (Cleanup c : model.cleanups.values()) if (c.state == CleanupState.ALIVE) pending.add(c);
            closing = true;
            try {
                collector.close();
            } finally {
                closing = false;
            }
            if (violation != null) return;
            for (Cleanup c : pending) {
                if (c.state == CleanupState.ALIVE) throw fail("cleanup-lost", "cleanup c%d was pending at collector.close() and did not run", c.key);
            }
            // Reverse creation order among those pending when close() began (cleanups created meanwhile run after them, as CPython's atexit loop does).
            List<Integer> ran = new ArrayList<>();
            for (int key : closeOrder) if (pending.contains(model.cleanups.get(key))) ran.add(key);
            for (int i = 1; i < ran.size(); i++) {
                if (model.cleanups.get(ran.get(i)).sequence > model.cleanups.get(ran.get(i - 1)).sequence) {
                    throw fail("cleanup-order", "collector.close() ran the cleanups pending then in the order %s, not in reverse creation order", ran);
                }
            }
        }
        int rounds = 0;
        while (true) {
            dropRoots();
            long e0 = events;
            explicitCollections++;
            collector.collect(GcCause.EXPLICIT);
            if (violation != null) return;
            if (events == e0 && !model.hasRoots()) break;
            if (++rounds == 60) throw fail("did-not-quiesce", "finalizers, callbacks or cleanups still ran after %d full collections with all roots dropped", rounds);
        }
        int collections = rounds + 1;
        exactCheck(() -> "at the end (all roots dropped, " + collections + " full collections)");
        for (Obj o : model.objs.values()) {
            if (o.hasFinalizer && o.finalizerRuns == 0) throw fail("finalizer-skipped", "#%d died without its finalizer running (checked at the end, all roots dropped)", o.id);
        }
        for (Cleanup c : model.cleanups.values()) {
            if (c.state == CleanupState.ALIVE && !c.optional) throw fail("cleanup-lost", "the object #%d of cleanup c%d is dead, but the cleanup never ran", c.target, c.key);
        }
    }

    private void dropRoots() {
        for (int g = 0; g < StressModel.GLOBALS && violation == null; g++) {
            if (model.globals[g] != 0) {
                model.setGlobal(g, 0);
                m.setGlobal(g, 0);
            }
        }
        while (!model.frames.isEmpty() && violation == null) {
            model.popFrame();
            m.popFrame();
        }
        for (Integer key : new ArrayList<>(model.handles.keySet())) {
            StressModel.Handle h = model.handles.get(key);
            while (h != null && violation == null && model.handles.containsKey(key)) {
                model.releaseHandle(key);
                m.releaseHandle(h.heapHandle);
            }
        }
    }
}
