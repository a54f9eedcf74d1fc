package dev.gclab.gc.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A stress program is data: a list of operations, where what a finalizer, a weak-reference callback
 * or a {@code withFinalizer} cleanup does when it runs is itself a list of operations (its
 * "actions"). Objects are named by ids ({@code #17}), never by address: an operation finds its
 * objects through the model's path from a root when it runs, and is skipped if the model cannot
 * reach them then (so that deleting operations, when shrinking, always leaves a runnable program).
 */
final class StressOps {
    private StressOps() {}

    /** What the tester allocates. Every shape carries the object's id in its first data word. */
    record Shape(String name, String fields, int longs, int refSlots) {
        static final Shape LEAF = fixed("leaf", "d");
        static final Shape ONE = fixed("one", "dr");
        static final Shape TWO = fixed("two", "drr");
        static final Shape MIXED = fixed("mixed", "drdr");
        static final Shape FOUR = fixed("four", "drrrr");
        static final Shape WIDE = fixed("wide", "d" + "r".repeat(15));
        static final Shape HUGE = fixed("huge", "d" + "r".repeat(63));
        /** A weak-reference holder: slot 0 holds the weak reference object, and nothing else ever does. */
        static final Shape HOLDER = fixed("holder", "dr");
        static final List<Shape> FIXED = List.of(LEAF, ONE, TWO, MIXED, FOUR, WIDE, HUGE, HOLDER);

        static Shape fixed(String name, String fields) { return new Shape(name, fields, 0, (int) fields.chars().filter(c -> c == 'r').count()); }
        static Shape longs(int n) { return new Shape("long[" + n + "]", null, n, 0); }

        boolean isArray() { return fields == null; }
        @Override public String toString() { return name; }
    }

    // ------------------------------------------------------------------ operands

    /** An object an operation uses, resolved when the operation runs. */
    sealed interface Target extends Referent permits Null, Self, SelfSlot, Id {}
    /** null. */
    record Null() implements Target { @Override public String toString() { return "null"; } }
    /** The object whose finalizer is running (actions of finalizers only). */
    record Self() implements Target { @Override public String toString() { return "self"; } }
    /** What slot {@code slot} of self holds (per the model) when the action runs. */
    record SelfSlot(int slot) implements Target { @Override public String toString() { return "self." + slot; } }
    /** The object with this id, if the model can reach it from a root when the operation runs. */
    record Id(long id) implements Target { @Override public String toString() { return "#" + id; } }

    /** The referent of a new weak reference or {@code withFinalizer}: a target, or a fresh object never stored anywhere. */
    sealed interface Referent permits Target, Fresh {}
    /** A new object that is never stored: only the weak reference (or nothing) refers to it. */
    record Fresh(long id, Shape shape, List<Op> finalizer) implements Referent {
        @Override public String toString() {
            return "new #" + id + ":" + shape + " (never stored" + (finalizer != null ? ", with finalizer" : "") + ")";
        }
    }

    /** Where an operation stores a reference. */
    sealed interface Dest permits Global, Local, Field, Nowhere {}
    record Global(int g) implements Dest { @Override public String toString() { return "g" + g; } }
    /** Slot of the innermost frame pushed by the program (top-level operations only). */
    record Local(int slot) implements Dest { @Override public String toString() { return "local" + slot; } }
    record Field(Target owner, int slot) implements Dest { @Override public String toString() { return owner + "." + slot; } }
    record Nowhere() implements Dest { @Override public String toString() { return "nowhere"; } }

    // ------------------------------------------------------------------ operations

    sealed interface Op permits Alloc, Store, Ring, PushFrame, PopFrame, NewHandle, ReleaseHandle, RetainHandle, Pin,
        RegisterFinalizer, NewWeakRef, WithFinalizer, CallCleanup, DetachCleanup, WeakGet, Churn, Collect, FullCollect {}

    /** Allocates object {@code id}, optionally registers a finalizer on it before it is stored, then stores it. */
    record Alloc(long id, Shape shape, Dest dest, List<Op> finalizer) implements Op {
        @Override public String toString() { return "alloc #" + id + ":" + shape + " -> " + dest + (finalizer != null ? " with finalizer" : ""); }
    }
    /** {@code dest = value}: links, drops (value null), resurrection (value self, in a finalizer). */
    record Store(Dest dest, Target value) implements Op {
        @Override public String toString() { return dest + " = " + value; }
    }
    /** Allocates objects {@code firstId .. firstId+n-1}, each linked to the next by slot 0 and the last to the first; stores the first. */
    record Ring(long firstId, int n, Shape shape, Dest dest) implements Op {
        @Override public String toString() { return "ring #" + firstId + "..#" + (firstId + n - 1) + ":" + shape + " -> " + dest; }
    }
    record PushFrame(int slots) implements Op { @Override public String toString() { return "pushFrame(" + slots + ")"; } }
    record PopFrame() implements Op { @Override public String toString() { return "popFrame"; } }
    record NewHandle(int key, Target target) implements Op { @Override public String toString() { return "handle h" + key + " = newHandle(" + target + ")"; } }
    record ReleaseHandle(int key) implements Op { @Override public String toString() { return "releaseHandle(h" + key + ")"; } }
    record RetainHandle(int key) implements Op { @Override public String toString() { return "retainHandle(h" + key + ")"; } }
    record Pin(Target target, boolean on) implements Op { @Override public String toString() { return (on ? "pin(" : "unpin(") + target + ")"; } }
    record RegisterFinalizer(Target target, List<Op> actions) implements Op {
        @Override public String toString() { return "registerFinalizer(" + target + ")"; }
    }
    /** Allocates holder {@code holderId} (stored at {@code dest}), then weak reference {@code weakId} to the referent, kept in the holder's slot 0. */
    record NewWeakRef(long holderId, long weakId, Referent referent, List<Op> callback, Dest dest) implements Op {
        @Override public String toString() {
            return "holder #" + holderId + " -> " + dest + ", weakref #" + weakId + " to " + referent + (callback != null ? " with callback" : ", no callback");
        }
    }
    record WithFinalizer(int key, Referent referent, List<Op> cleanup) implements Op {
        @Override public String toString() { return "cleanup c" + key + " = withFinalizer(" + referent + ")"; }
    }
    record CallCleanup(int key) implements Op { @Override public String toString() { return "c" + key + ".call()"; } }
    record DetachCleanup(int key) implements Op { @Override public String toString() { return "c" + key + ".detach()"; } }
    /** Reads the weak reference in a holder; checks what it answers; stores the referent at {@code dest} (a resurrection if it was garbage). */
    record WeakGet(Target holder, Dest dest) implements Op {
        @Override public String toString() { return "weakRefGet(" + holder + ".0)" + (dest instanceof Nowhere ? "" : " -> " + dest); }
    }
    /** How churn objects die: never stored (a zero-count table or the next collection frees them), replaced by the next one in a root, or stored and dropped before the next allocation. */
    enum ChurnMode { UNSTORED, REPLACED, DROPPED }

    /** Allocation volume: {@code count} objects that are garbage at once. */
    record Churn(int count, Shape shape, ChurnMode mode) implements Op {
        @Override public String toString() {
            return "churn " + count + " x " + shape + switch (mode) {
                case UNSTORED -> " (never stored)";
                case REPLACED -> " (each replaces the last in a root)";
                case DROPPED -> " (each stored in a root and dropped at once)";
            };
        }
    }
    record Collect(boolean young) implements Op { @Override public String toString() { return young ? "collectYoung" : "collect"; } }
    /** Full collections until one runs no finalizer, callback or cleanup; then the heap must hold exactly what is reachable. */
    record FullCollect() implements Op { @Override public String toString() { return "collect until quiet, then check exactly"; } }

    // ------------------------------------------------------------------ nested action lists (for the shrinker)

    /** The action lists an operation carries (finalizers, callbacks, cleanups), in a fixed order; null entries are absent lists. */
    static List<List<Op>> nested(Op op) {
        List<List<Op>> l = new ArrayList<>();
        switch (op) {
            case Alloc a -> l.add(a.finalizer());
            case RegisterFinalizer r -> l.add(r.actions());
            case NewWeakRef w -> { l.add(w.callback()); l.add(w.referent() instanceof Fresh f ? f.finalizer() : null); }
            case WithFinalizer w -> { l.add(w.cleanup()); l.add(w.referent() instanceof Fresh f ? f.finalizer() : null); }
            default -> { }
        }
        return l;
    }

    /** {@code op} with nested list {@code which} (as numbered by {@link #nested}) replaced. */
    static Op withNested(Op op, int which, List<Op> list) {
        return switch (op) {
            case Alloc a -> new Alloc(a.id(), a.shape(), a.dest(), list);
            case RegisterFinalizer r -> new RegisterFinalizer(r.target(), list);
            case NewWeakRef w -> which == 0 ? new NewWeakRef(w.holderId(), w.weakId(), w.referent(), list, w.dest())
                : new NewWeakRef(w.holderId(), w.weakId(), withFinalizer((Fresh) w.referent(), list), w.callback(), w.dest());
            case WithFinalizer w -> which == 0 ? new WithFinalizer(w.key(), w.referent(), list)
                : new WithFinalizer(w.key(), withFinalizer((Fresh) w.referent(), list), w.cleanup());
            default -> throw new IllegalArgumentException(op + " has no nested actions");
        };
    }

    private static Fresh withFinalizer(Fresh f, List<Op> fin) { return new Fresh(f.id(), f.shape(), fin); }

    /** Applies {@code f} to every operation, nested ones included (depth first, children before parents). */
    static List<Op> mapDeep(List<Op> ops, UnaryOperator<Op> f) {
        List<Op> out = new ArrayList<>(ops.size());
        for (Op op : ops) {
            List<List<Op>> n = nested(op);
            Op cur = op;
            for (int i = 0; i < n.size(); i++) if (n.get(i) != null) cur = withNested(cur, i, mapDeep(n.get(i), f));
            out.add(f.apply(cur));
        }
        return out;
    }

    static int countDeep(List<Op> ops) {
        int n = 0;
        for (Op op : ops) {
            n++;
            for (List<Op> l : nested(op)) if (l != null) n += countDeep(l);
        }
        return n;
    }

    /** The program as text, one operation a line, nested actions indented under the operation that carries them. */
    static String format(List<Op> ops) {
        StringBuilder sb = new StringBuilder();
        format(ops, "", true, sb);
        return sb.toString();
    }

    private static void format(List<Op> ops, String indent, boolean numbered, StringBuilder sb) {
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            sb.append(indent).append(numbered ? String.format("%3d  ", i) : "- ").append(op).append('\n');
            List<List<Op>> n = nested(op);
            String[] what = switch (op) {
                case Alloc a -> new String[] {"finalizer"};
                case RegisterFinalizer r -> new String[] {"finalizer"};
                case NewWeakRef w -> new String[] {"callback", "finalizer of the fresh referent"};
                case WithFinalizer w -> new String[] {"cleanup", "finalizer of the fresh referent"};
                default -> new String[0];
            };
            for (int k = 0; k < n.size(); k++) {
                List<Op> l = n.get(k);
                if (l == null) continue;
                sb.append(indent).append(numbered ? "       " : "  ").append(what[k]).append(l.isEmpty() ? ": does nothing" : ":").append('\n');
                format(l, indent + (numbered ? "         " : "    "), false, sb);
            }
        }
    }
}
