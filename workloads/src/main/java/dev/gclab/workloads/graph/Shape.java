package dev.gclab.workloads.graph;

import dev.gclab.gc.spi.UnknownNameException;

/** The portable graph shapes (see {@link GraphShapes} for their exact construction). */
public enum Shape {
    /** N/2 two-node cycles: garbage. */
    CYC2("cyc2", false),
    /** N/10 rings of ten nodes: garbage. */
    CYC10("cyc10", false),
    /** One ring of N nodes: garbage. */
    RING("ring", false),
    /** The same ring, its first node held by the root. */
    RING_LIVE("ring_live", true),
    /** Out-degree 2 or 3, uniformly random targets; a root array holds every node. */
    RANDOM("random", true),
    /** Degrees as in random; slot j of node i points at node i+j+1 (mod N); a root array holds every node. */
    LOCAL("local", true),
    /** Complete binary tree built bottom-up (children before their parent). */
    TREE("tree", true),
    /** The same tree built top-down (parent, then its two children, then recurse). */
    TREE_TD("tree_td", true);

    private final String label;
    private final boolean live;

    Shape(String label, boolean live) {
        this.label = label;
        this.live = live;
    }

    /** The name used on the command line and in the anchors, e.g. {@code tree_td}. */
    public String label() { return label; }

    /** True if the graph stays reachable (from the {@value GraphShapes#ROOT_GLOBAL} global) after it is built. */
    public boolean isLive() { return live; }

    /** All shape names, comma-separated. */
    public static String names() {
        StringBuilder sb = new StringBuilder();
        for (Shape s : values()) sb.append(sb.isEmpty() ? "" : ", ").append(s.label);
        return sb.toString();
    }

    /** The shape called {@code name} (case-sensitive, surrounding spaces ignored); an unknown name is an error listing the valid ones. */
    public static Shape parse(String name) {
        String n = name.trim();
        for (Shape s : values()) if (s.label.equals(n)) return s;
        throw new UnknownNameException("shape", name, names());
    }

    @Override
    public String toString() { return label; }
}
