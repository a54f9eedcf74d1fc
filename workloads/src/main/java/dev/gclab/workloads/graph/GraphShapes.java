package dev.gclab.workloads.graph;

import dev.gclab.heap.Mutator;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.workloads.Trees;

/**
 * Builds the portable graph shapes on the simulated heap, edge for edge and in the same allocation
 * order as the CPython and HotSpot anchors, so one mechanism can be compared on the identical graph.
 *
 * <p>Nodes are fixed layouts of references only: {@value #NODE1} ({@code "r"}) for cycles and rings,
 * {@value #NODE2}/{@value #NODE3} ({@code "rr"}/{@code "rrr"}) by out-degree for random and local,
 * {@value #NODE2} for trees. Random choices come from {@link Lcg} seeded with {@code seed}
 * ({@value #DEFAULT_SEED} in the anchors).
 * <ul>
 *   <li>cycles ({@code cyc2}, {@code cyc10}, {@code ring}): per cycle of k nodes, the first node is
 *       allocated, then k-1 nodes each pointing at the one allocated before it, then the first node
 *       is pointed at the last. {@code ring_live} is one such ring whose first node is the root.</li>
 *   <li>{@code random}: a root {@code ref[]} of N slots; pass 1 draws once per node, in order, and
 *       allocates a 3-slot node if the draw is odd, else a 2-slot node; pass 2 draws once per slot,
 *       node by node, slot by slot: slot -> node[index(draw, N)]. {@code local}: pass 1 as random,
 *       then slot j of node i -> node (i + j + 1) mod N.</li>
 *   <li>{@code tree}/{@code tree_td}: complete binary tree of depth
 *       {@code max(1, round(log2(N + 1)) - 1)}, bottom-up or top-down ({@link Trees}).</li>
 * </ul>
 * Every build first clears the {@value #ROOT_GLOBAL} global (the previous graph becomes garbage). A
 * live shape's root (the ref[] array, the tree's root, the ring's first node) is left in it; a
 * garbage shape leaves nothing rooted. Builders keep everything they still need reachable from a
 * root and re-read addresses after each allocation, so they are correct under any collector.
 */
public final class GraphShapes {
    /** The global root that holds a live shape's root object. */
    public static final String ROOT_GLOBAL = "graph.root";
    /** The seed of the published anchor figures. */
    public static final long DEFAULT_SEED = 12345L;
    public static final String NODE1 = "node1";
    public static final String NODE2 = "node2";
    public static final String NODE3 = "node3";
    /** The most nodes a root ref[] can hold (one object never exceeds a 64 MiB chunk). */
    public static final int MAX_ROOT_ARRAY_NODES = (int) ((HeapMemory.CHUNK_BYTES - ObjectModel.HEADER_BYTES) / 8);
    /**
     * Nodes per part of a chunked root: random and local graphs of more than {@link #MAX_ROOT_ARRAY_NODES}
     * nodes hold them in a root ref[] of parts, each a ref[] of this many (the last may be shorter).
     */
    public static final int ROOT_PART_NODES = 1 << 22;

    private GraphShapes() {}

    /**
     * Builds {@code shape} with {@code n} nodes.
     *
     * @return the number of objects built (for random and local, the root array included: N + 1, or
     *         N + 1 + parts with a chunked root; for cycles, {@code (N / k) * k})
     */
    public static long build(Mutator m, Shape shape, int n, long seed) {
        return build(m, shape, n, seed, MAX_ROOT_ARRAY_NODES, ROOT_PART_NODES);
    }

    /** {@link #build(Mutator, Shape, int, long)} with the root chunked above {@code maxRootNodes} nodes into parts of {@code partNodes} (for tests). */
    static long build(Mutator m, Shape shape, int n, long seed, int maxRootNodes, int partNodes) {
        if (n < 1) throw new IllegalArgumentException("a graph needs at least one node: N = " + n);
        int root = m.global(ROOT_GLOBAL);
        m.setGlobal(root, 0);
        return switch (shape) {
            case CYC2 -> cycles(m, n / 2, 2, -1);
            case CYC10 -> cycles(m, n / 10, 10, -1);
            case RING -> cycles(m, 1, n, -1);
            case RING_LIVE -> cycles(m, 1, n, root);
            case RANDOM -> randomOrLocal(m, n, seed, false, root, maxRootNodes, partNodes);
            case LOCAL -> randomOrLocal(m, n, seed, true, root, maxRootNodes, partNodes);
            case TREE -> {
                int d = treeDepth(n);
                m.setGlobal(root, Trees.makeTree(m, m.layouts().fixed(NODE2, "rr"), d));
                yield Trees.size(d);
            }
            case TREE_TD -> {
                int d = treeDepth(n);
                int node2 = m.layouts().fixed(NODE2, "rr");
                m.setGlobal(root, m.allocate(node2));
                Trees.populate(m, node2, m.getGlobal(root), d);
                yield Trees.size(d);
            }
        };
    }

    /** {@link #build} with the anchors' seed. */
    public static long build(Mutator m, Shape shape, int n) { return build(m, shape, n, DEFAULT_SEED); }

    /** Drops the graph: clears {@value #ROOT_GLOBAL}. */
    public static void dropRoot(Mutator m) { m.setGlobal(m.global(ROOT_GLOBAL), 0); }

    /**
     * Tree depth for N nodes: {@code max(1, round(log2(N + 1)) - 1)}. Computed exactly in integers
     * ({@code log2 x} rounds up iff {@code x^2 > 2^(2m+1)} where {@code m = floor(log2 x)}); the result
     * equals {@code Math.rint} of the floating-point logarithm, ties being impossible.
     */
    public static int treeDepth(int n) {
        if (n < 1) throw new IllegalArgumentException("N must be >= 1: " + n);
        long x = n + 1L;
        int floor = 63 - Long.numberOfLeadingZeros(x);
        int rounded = Long.compareUnsigned(x * x, 1L << (2 * floor + 1)) > 0 ? floor + 1 : floor;
        return Math.max(1, rounded - 1);
    }

    /** {@code count} cycles of {@code k} nodes; the first node of the last one goes to global {@code liveRoot} if >= 0. */
    private static long cycles(Mutator m, int count, int k, int liveRoot) {
        int node1 = m.layouts().fixed(NODE1, "r");
        m.pushFrame(2); // 0: first node of the cycle, 1: last node allocated
        for (int c = 0; c < count; c++) {
            m.setLocal(0, m.allocate(node1));
            m.setLocal(1, m.local(0));
            for (int i = 1; i < k; i++) {
                long next = m.allocate(node1);
                m.setRef(next, 0, m.local(1));
                m.setLocal(1, next);
            }
            m.setRef(m.local(0), 0, m.local(1));
            if (liveRoot >= 0) m.setGlobal(liveRoot, m.local(0));
        }
        m.popFrame();
        return (long) count * k;
    }

    /** Root objects a random or local graph of {@code n} nodes has: 1 root ref[], plus its parts when it is chunked. */
    public static long rootObjects(int n) { return rootObjects(n, MAX_ROOT_ARRAY_NODES, ROOT_PART_NODES); }

    private static long rootObjects(int n, int maxRootNodes, int partNodes) {
        return n <= maxRootNodes ? 1 : 1 + (n + (long) partNodes - 1) / partNodes;
    }

    /**
     * N nodes of 2 or 3 references in one root ref[] (the anchors' graph, identical to CPython's for N up to
     * {@link #MAX_ROOT_ARRAY_NODES}), or, above that, in a root ref[] of parts of {@link #ROOT_PART_NODES}.
     * Node i's references go to random nodes ({@code random}) or to the next ones ({@code local}).
     */
    private static long randomOrLocal(Mutator m, int n, long seed, boolean local, int root, int maxRootNodes, int partNodes) {
        int node2 = m.layouts().fixed(NODE2, "rr");
        int node3 = m.layouts().fixed(NODE3, "rrr");
        Lcg lcg = new Lcg(seed);
        boolean chunked = n > maxRootNodes;
        int parts = chunked ? (int) ((n + (long) partNodes - 1) / partNodes) : 0;
        m.setGlobal(root, m.allocateArray(LayoutRegistry.REF_ARRAY, chunked ? parts : n));
        for (int p = 0; p < parts; p++) {
            long part = m.allocateArray(LayoutRegistry.REF_ARRAY, Math.min(partNodes, n - p * partNodes));
            m.setRef(m.getGlobal(root), p, part);
        }
        for (int i = 0; i < n; i++) {
            long node = m.allocate((lcg.next() & 1) != 0 ? node3 : node2);
            long holder = chunked ? m.getRef(m.getGlobal(root), i / partNodes) : m.getGlobal(root);
            m.setRef(holder, chunked ? i % partNodes : i, node);
        }
        // No allocation from here on: addresses read now stay valid.
        long nodes = m.getGlobal(root);
        for (int i = 0; i < n; i++) {
            long node = nodeAt(m, nodes, chunked, partNodes, i);
            int degree = m.layoutOf(node) == node3 ? 3 : 2;
            for (int j = 0; j < degree; j++) {
                int target = local ? (int) ((i + j + 1L) % n) : lcg.nextIndex(n);
                m.setRef(node, j, nodeAt(m, nodes, chunked, partNodes, target));
            }
        }
        return n + rootObjects(n, maxRootNodes, partNodes);
    }

    /** Node {@code i} of a random or local graph of {@code n} nodes whose root array is {@code root} (chunked or not). */
    public static long node(Mutator m, long root, int n, int i) {
        return nodeAt(m, root, n > MAX_ROOT_ARRAY_NODES, ROOT_PART_NODES, i);
    }

    private static long nodeAt(Mutator m, long nodes, boolean chunked, int partNodes, int i) {
        return chunked ? m.getRef(m.getRef(nodes, i / partNodes), i % partNodes) : m.getRef(nodes, i);
    }
}
