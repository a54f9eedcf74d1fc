package dev.gclab.workloads;

import dev.gclab.heap.Mutator;

/**
 * Complete binary trees on the simulated heap, built in the two allocation orders of GCBench:
 * bottom-up ({@link #makeTree}: both subtrees first, then the parent that points at them) and
 * top-down ({@link #populate}: the parent exists, its two children are allocated and attached,
 * then each child is filled in turn). A node's reference slot 0 is its left child, slot 1 its right;
 * a leaf's slots are null. Depth 0 is a single node; a tree of depth d has 2^(d+1)-1 nodes.
 *
 * <p>Rooting. Every level keeps what it is working on in a frame slot of its own and re-reads it
 * after each allocation, so the builders are correct under any collector, moving ones included. The
 * recursion is as deep as the tree (a Java frame and a heap frame per level).
 */
public final class Trees {
    private Trees() {}

    /** Number of nodes of a complete binary tree of depth {@code depth}. */
    public static long size(int depth) { return (1L << (depth + 1)) - 1; }

    /**
     * Builds a tree of {@code depth} bottom-up and returns its root. The root is held by nothing: the
     * caller must store it in a root (or a reachable object) before its next allocation.
     *
     * @param layout a fixed layout with at least two reference slots
     */
    public static long makeTree(Mutator m, int layout, int depth) {
        if (depth <= 0) return m.allocate(layout);
        m.pushFrame(2);
        m.setLocal(0, makeTree(m, layout, depth - 1));
        m.setLocal(1, makeTree(m, layout, depth - 1));
        long parent = m.allocate(layout);
        m.setRef(parent, 0, m.local(0));
        m.setRef(parent, 1, m.local(1));
        m.popFrame();
        return parent;
    }

    /**
     * Gives {@code node} (an existing node, reachable from a root) a full subtree of {@code depth}
     * levels below it, top-down.
     */
    public static void populate(Mutator m, int layout, long node, int depth) {
        if (depth <= 0) return;
        m.pushFrame(1);
        m.setLocal(0, node);
        long left = m.allocate(layout);
        m.setRef(m.local(0), 0, left);
        long right = m.allocate(layout);
        m.setRef(m.local(0), 1, right);
        populate(m, layout, m.getRef(m.local(0), 0), depth - 1);
        populate(m, layout, m.getRef(m.local(0), 1), depth - 1);
        m.popFrame();
    }

    /**
     * Allocates a node into slot {@code slot} of the current frame and populates it top-down; the tree
     * stays held there. (Unlike {@link #makeTree}'s, a top-down tree cannot be handed back held by
     * nothing: its root sits in a root while it is populated, and under reference counting dropping
     * that root frees the tree at once.)
     */
    public static void makeTreeTopDown(Mutator m, int layout, int depth, int slot) {
        m.setLocal(slot, m.allocate(layout));
        populate(m, layout, m.local(slot), depth);
    }
}
