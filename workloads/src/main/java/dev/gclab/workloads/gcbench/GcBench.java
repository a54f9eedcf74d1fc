package dev.gclab.workloads.gcbench;

import dev.gclab.heap.Mutator;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.workloads.Numbers;
import dev.gclab.workloads.ParamValues;
import dev.gclab.workloads.Params;
import dev.gclab.workloads.SizeRange;
import dev.gclab.workloads.Trees;
import dev.gclab.workloads.Workload;
import dev.gclab.workloads.WorkloadContext;
import dev.gclab.workloads.WorkloadParam;

import java.util.ArrayList;
import java.util.List;

/**
 * The Ellis/Kovac/Boehm GCBench on the simulated heap.
 *
 * <p>Phases, at full size: a stretch tree of depth 18 is built bottom-up and dropped; a long-lived
 * tree of depth 16 is built top-down and a {@code long[]} of 500,000 elements is allocated with its
 * first half holding doubles {@code 1.0 / i}; both stay reachable (through globals) to the end. Then
 * for each depth d = 4, 6, ..., 16, {@code 2 * size(18) / size(d)} trees are built top-down and as many
 * bottom-up ({@link Trees}), each dropped as soon as it is built. A node is {@code "rrdd"}: left and
 * right references and two data words. At the end the long-lived data are checked: the tree's shape
 * and a number written into every node, and every element of the array.
 *
 * <p>Scaling. With size s < 1 every tree depth is reduced by {@code k = round(-log2 s)} (never below
 * {@value #MIN_DEPTH}; depths that coincide after the floor run once) and the array length is scaled
 * by s; size 1.0 is the published benchmark. The program has no random choice: the seed is unused,
 * but for one thing: with {@code -p pinned_fraction=F} each node of the long-lived tree is pinned with
 * probability F (seeded; pins by address, {@code Mutator.pin}) from when it is numbered to the end, where
 * the check also requires every pinned node to be where it was pinned — what pins cost a moving collector
 * on the classic benchmark.
 */
public final class GcBench implements Workload {
    static final String NAME = "gcbench";
    static final String NODE_LAYOUT = "gcbench.node";
    static final String LONG_LIVED_GLOBAL = "gcbench.longLived";
    static final String ARRAY_GLOBAL = "gcbench.array";

    static final int STRETCH_DEPTH = 18;
    static final int LONG_LIVED_DEPTH = 16;
    static final int ARRAY_LENGTH = 500_000;
    static final int FIRST_DEPTH = 4;
    static final int LAST_DEPTH = 16;
    static final int MIN_DEPTH = 2;
    /** The longest long[] that fits one 64 MiB chunk. */
    static final long MAX_ARRAY_LENGTH = (HeapMemory.CHUNK_BYTES - ObjectModel.HEADER_BYTES) / 8;

    /** The array has round(ARRAY_LENGTH × size) elements: at least 2, and it must fit one chunk. */
    static final SizeRange SIZES = new SizeRange(2.0 / ARRAY_LENGTH, (double) MAX_ARRAY_LENGTH / ARRAY_LENGTH,
        "the long-lived array has round(" + ARRAY_LENGTH + " × size) elements, 2 .. " + MAX_ARRAY_LENGTH);

    /** The sizes of one run. */
    public record Plan(int stretchDepth, int longLivedDepth, List<Integer> depths, int arrayLength) {
        public static Plan forSize(double size) {
            if (!(size > 0)) throw new IllegalArgumentException("size must be > 0: " + size);
            int k = (int) Math.max(0, Math.round(-Math.log(size) / Math.log(2)));
            List<Integer> depths = new ArrayList<>();
            for (int d = FIRST_DEPTH; d <= LAST_DEPTH; d += 2) {
                int scaled = Math.max(MIN_DEPTH, d - k);
                if (!depths.contains(scaled)) depths.add(scaled);
            }
            if (!SIZES.contains(size)) {
                throw new IllegalArgumentException("gcbench: size " + Numbers.format(size) + " is out of range: gcbench takes sizes in "
                    + SIZES + " (" + SIZES.reason() + ")");
            }
            long len = Math.round(ARRAY_LENGTH * size);
            return new Plan(Math.max(MIN_DEPTH, STRETCH_DEPTH - k), Math.max(MIN_DEPTH, LONG_LIVED_DEPTH - k),
                List.copyOf(depths), (int) len);
        }

        /** Trees of each kind (top-down, bottom-up) built at depth {@code d}. */
        public long iterations(int d) { return 2 * Trees.size(stretchDepth) / Trees.size(d); }

        /** Nodes allocated by one run (the array not counted). */
        public long totalNodes() {
            long n = Trees.size(stretchDepth) + Trees.size(longLivedDepth);
            for (int d : depths) n += 2 * iterations(d) * Trees.size(d);
            return n;
        }
    }

    @Override public String name() { return NAME; }

    @Override
    public String description() {
        return "Ellis/Kovac/Boehm GCBench: binary trees built top-down and bottom-up beside a long-lived tree and array";
    }

    private static final List<WorkloadParam> PARAMS = List.of(
        new WorkloadParam.DecimalParam("pinned_fraction", 0, 1, "0", "share of the long-lived tree's nodes pinned (seeded) for the whole run"));

    @Override
    public List<WorkloadParam> parameters() { return PARAMS; }

    @Override
    public SizeRange sizes(ParamValues params) { return SIZES; }

    @Override
    public void run(WorkloadContext ctx) {
        double pinnedFraction = Params.check(this, ctx.size(), ctx.params()).doubleValue("pinned_fraction");
        Plan plan = Plan.forSize(ctx.size());
        Mutator m = ctx.mutator();
        int node = m.layouts().fixed(NODE_LAYOUT, "rrdd");
        int longLived = m.global(LONG_LIVED_GLOBAL);
        int array = m.global(ARRAY_GLOBAL);
        ctx.log().accept(String.format("gcbench: stretch depth %d, long-lived depth %d, array %,d, depths %s, %,d nodes",
            plan.stretchDepth(), plan.longLivedDepth(), plan.arrayLength(), plan.depths(), plan.totalNodes()));

        // The stretch tree: built and dropped at once (never stored in a root).
        Trees.makeTree(m, node, plan.stretchDepth());

        m.setGlobal(longLived, m.allocate(node));
        Trees.populate(m, node, m.getGlobal(longLived), plan.longLivedDepth());
        numberNodes(m, m.getGlobal(longLived), plan.longLivedDepth());
        long[] pinnedAt = pinNodes(m, m.getGlobal(longLived), plan.longLivedDepth(), pinnedFraction, ctx.seed());
        if (pinnedFraction > 0) ctx.log().accept(String.format("gcbench: %,d long-lived nodes pinned", java.util.Arrays.stream(pinnedAt).filter(a -> a != 0).count()));

        m.setGlobal(array, m.allocateArray(LayoutRegistry.LONG_ARRAY, plan.arrayLength()));
        long arr = m.getGlobal(array);
        for (int i = 0; i < plan.arrayLength() / 2; i++) m.setDouble(arr, i, 1.0 / i);

        m.pushFrame(1); // slot 0: the temporary top-down tree being filled
        for (int d : plan.depths()) {
            long t0 = System.nanoTime();
            long n = plan.iterations(d);
            for (long i = 0; i < n; i++) {
                m.setLocal(0, m.allocate(node));
                Trees.populate(m, node, m.local(0), d);
            }
            m.setLocal(0, 0);
            for (long i = 0; i < n; i++) Trees.makeTree(m, node, d);
            ctx.log().accept(String.format("gcbench: depth %d: %,d top-down + %,d bottom-up trees in %.1f ms",
                d, n, n, (System.nanoTime() - t0) / 1e6));
        }
        m.popFrame();

        checkLongLived(m, m.getGlobal(longLived), plan.longLivedDepth(), m.getGlobal(array), plan.arrayLength());
        unpinNodes(m, m.getGlobal(longLived), plan.longLivedDepth(), pinnedAt);
        m.setGlobal(longLived, 0);
        m.setGlobal(array, 0);
    }

    /** Writes each node's preorder number into its first data word and its depth into the second. */
    static void numberNodes(Mutator m, long root, int depth) {
        walk(m, root, depth, (node, index, level) -> {
            m.setLong(node, 0, index);
            m.setLong(node, 1, level);
        });
    }

    /**
     * Pins each node of the tree with probability {@code fraction} (seeded); returns the address of each
     * pinned node by preorder index (0 where not pinned), or an empty array when none is.
     */
    static long[] pinNodes(Mutator m, long root, int depth, double fraction, long seed) {
        if (fraction <= 0) return new long[0];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        long[] at = new long[(int) Trees.size(depth)];
        walk(m, root, depth, (node, index, level) -> {
            if (fraction >= 1 || rnd.nextDouble() < fraction) {
                m.pin(node);
                at[(int) index] = node;
            }
        });
        return at;
    }

    /** Throws {@link IllegalStateException} if a pinned node moved; unpins them. */
    static void unpinNodes(Mutator m, long root, int depth, long[] pinnedAt) {
        if (pinnedAt.length == 0) return;
        walk(m, root, depth, (node, index, level) -> {
            long at = pinnedAt[(int) index];
            if (at == 0) return;
            if (at != node) throw new IllegalStateException(String.format("gcbench: pinned node %d moved from 0x%x to 0x%x", index, at, node));
            m.unpin(node);
        });
    }

    /**
     * Throws {@link IllegalStateException} unless the long-lived tree is complete, of the right depth,
     * every node still carries the numbers written into it, and the array holds its values.
     */
    static void checkLongLived(Mutator m, long root, int depth, long array, int arrayLength) {
        if (root == 0) throw new IllegalStateException("gcbench: the long-lived tree is gone");
        long count = walk(m, root, depth, (node, index, level) -> {
            if (m.getLong(node, 0) != index || m.getLong(node, 1) != level) {
                throw new IllegalStateException(String.format("gcbench: long-lived node 0x%x (preorder %d, level %d) holds %d/%d",
                    node, index, level, m.getLong(node, 0), m.getLong(node, 1)));
            }
        });
        if (count != Trees.size(depth)) {
            throw new IllegalStateException("gcbench: the long-lived tree has " + count + " nodes, expected " + Trees.size(depth));
        }
        if (array == 0 || m.length(array) != arrayLength) throw new IllegalStateException("gcbench: the long-lived array is gone or resized");
        for (int i = 0; i < arrayLength; i++) {
            double expected = i < arrayLength / 2 ? 1.0 / i : 0.0;
            if (m.getDouble(array, i) != expected) {
                throw new IllegalStateException("gcbench: array[" + i + "] = " + m.getDouble(array, i) + ", expected " + expected);
            }
        }
    }

    private interface NodeVisitor {
        void visit(long node, long preorderIndex, int level);
    }

    /**
     * Preorder walk of a complete tree with an explicit stack (no allocation on the simulated heap, so
     * addresses in Java locals stay valid); checks that leaves are exactly at {@code depth}.
     *
     * @return the number of nodes visited
     */
    private static long walk(Mutator m, long root, int depth, NodeVisitor visitor) {
        long[] nodes = new long[depth + 2];
        int[] levels = new int[depth + 2];
        int sp = 0;
        nodes[sp] = root;
        levels[sp++] = 0;
        long index = 0;
        while (sp > 0) {
            long node = nodes[--sp];
            int level = levels[sp];
            visitor.visit(node, index++, level);
            long left = m.getRef(node, 0);
            long right = m.getRef(node, 1);
            if (level == depth) {
                if (left != 0 || right != 0) throw new IllegalStateException("gcbench: leaf 0x" + Long.toHexString(node) + " has children");
                continue;
            }
            if (left == 0 || right == 0) {
                throw new IllegalStateException("gcbench: inner node 0x" + Long.toHexString(node) + " at level " + level + " lacks a child");
            }
            nodes[sp] = right;
            levels[sp++] = level + 1;
            nodes[sp] = left;
            levels[sp++] = level + 1;
        }
        return index;
    }
}
