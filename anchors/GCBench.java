import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * gclab's plain-Java GCBench (after Ellis, Kovac and Boehm), the HotSpot side of the gcbench anchor.
 * Same structure as gclab's gcbench workload: a stretch tree of depth 18 built bottom-up and
 * dropped; a long-lived tree of depth 16 (top-down) and an array of 500,000 doubles kept to the end;
 * for each depth 4, 6, ..., 16, 2 * size(18) / size(d) trees built top-down and as many bottom-up,
 * each dropped at once. Prints one JSON line: wall time and the GC beans' counts and times.
 *
 *     javac -d out anchors/GCBench.java && java -XX:+UseSerialGC -Xmx256m -Xms256m -cp out GCBench
 */
public final class GCBench {
    static final class Node {
        Node left, right;
        Node() {}
        Node(Node l, Node r) { left = l; right = r; }
    }

    static final int STRETCH_DEPTH = 18, LONG_LIVED_DEPTH = 16, ARRAY_LENGTH = 500_000;
    static final int FIRST_DEPTH = 4, LAST_DEPTH = 16;

    static long size(int d) { return (1L << (d + 1)) - 1; }

    static void populate(int depth, Node node) {
        if (depth <= 0) return;
        node.left = new Node();
        node.right = new Node();
        populate(depth - 1, node.left);
        populate(depth - 1, node.right);
    }

    static Node makeTree(int depth) {
        if (depth <= 0) return new Node();
        Node l = makeTree(depth - 1);
        Node r = makeTree(depth - 1);
        return new Node(l, r);
    }

    static volatile Object sink;

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        sink = makeTree(STRETCH_DEPTH);
        sink = null;
        Node longLived = new Node();
        populate(LONG_LIVED_DEPTH, longLived);
        double[] array = new double[ARRAY_LENGTH];
        for (int i = 0; i < ARRAY_LENGTH / 2; i++) array[i] = 1.0 / i;
        long objects = size(STRETCH_DEPTH) + size(LONG_LIVED_DEPTH);
        for (int d = FIRST_DEPTH; d <= LAST_DEPTH; d += 2) {
            long iterations = 2 * size(STRETCH_DEPTH) / size(d);
            for (long i = 0; i < iterations; i++) {
                Node t = new Node();
                populate(d, t);
                sink = t;
                sink = makeTree(d);
            }
            sink = null;
            objects += 2 * iterations * size(d);
        }
        if (longLived.left == null || array[1000] != 1.0 / 1000) throw new AssertionError("long-lived data lost");
        long wallNs = System.nanoTime() - t0;
        long count = 0, timeMs = 0;
        StringBuilder names = new StringBuilder();
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, b.getCollectionCount());
            timeMs += Math.max(0, b.getCollectionTime());
            names.append(names.isEmpty() ? "" : ",").append(b.getName());
        }
        System.out.println("{\"kind\":\"gcbench\",\"wall_ns\":" + wallNs + ",\"gc_count\":" + count
            + ",\"gc_time_ms\":" + timeMs + ",\"objects\":" + objects + ",\"collectors\":\"" + names + "\"}");
    }
}
