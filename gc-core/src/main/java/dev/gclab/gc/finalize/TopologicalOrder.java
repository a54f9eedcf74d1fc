package dev.gclab.gc.finalize;

import dev.gclab.gc.trace.ObjectScanner;
import dev.gclab.gc.util.LongIntHashMap;
import dev.gclab.heap.Heap;

import java.util.function.LongPredicate;

/**
 * Orders finalizable garbage referrers first (Boehm's and PyPy's rule): an object's finalizer runs
 * before the finalizer of every finalizable object it reaches through garbage — unless the two are
 * in one cycle, where no order can satisfy both.
 *
 * <p>Algorithm. The garbage reachable from the finalizable objects is cut into strongly connected
 * components (Tarjan's algorithm, iterative: a million-object cycle needs no Java stack); the
 * components form a DAG, which is sorted topologically (Kahn's algorithm). Where several components
 * are ready at once, the one with the earliest list position among the finalizable objects in it and
 * below it goes first, so unrelated objects keep list order; inside one component, finalizable objects
 * run in list order. Objects are numbered through a primitive hash map: no Java object per simulated
 * object. Runs only when finalizers are due with {@link FinalizerOrder#TOPOLOGICAL}, off every hot path.
 */
final class TopologicalOrder {
    private static final int NONE = Integer.MAX_VALUE;

    private TopologicalOrder() {}

    /**
     * @param finalizable the finalizable garbage, in list order
     * @param inGarbage   true for objects of the garbage (the walk follows references only into them)
     * @return the same objects, referrers first
     */
    static long[] sort(Heap heap, long[] finalizable, LongPredicate inGarbage) {
        if (finalizable.length < 2) return finalizable.clone();
        ObjectScanner scan = new ObjectScanner(heap);
        Graph g = new Graph(finalizable.length * 2);
        LongIntHashMap position = new LongIntHashMap(finalizable.length);
        for (int i = 0; i < finalizable.length; i++) position.put(finalizable[i], i);
        for (long start : finalizable) if (g.id.get(start) < 0) g.tarjan(start, scan, inGarbage);

        // Components are numbered sinks first: every edge goes from a higher number to a lower one.
        int comps = g.components;
        int[] prio = new int[comps];
        java.util.Arrays.fill(prio, NONE);
        for (int v = 0; v < g.nodes; v++) {
            int p = position.get(g.addr[v]);
            if (p >= 0 && p < prio[g.comp[v]]) prio[g.comp[v]] = p;
        }
        int[][] members = g.membersByComponent();
        int[] indegree = new int[comps];
        for (int c = 0; c < comps; c++) {
            for (int v : members[c]) {
                long obj = g.addr[v];
                for (int i = 0, n = scan.slotCount(obj); i < n; i++) {
                    int d = g.componentOf(scan.slotValue(obj, i));
                    if (d < 0 || d == c) continue;
                    indegree[d]++;
                    if (prio[d] < prio[c]) prio[c] = prio[d]; // d < c: final already
                }
            }
        }
        long[] out = new long[finalizable.length];
        int k = 0;
        LongHeap ready = new LongHeap(comps);
        for (int c = 0; c < comps; c++) if (indegree[c] == 0) ready.add(((long) prio[c] << 32) | c);
        int[] pos = new int[16];
        while (!ready.isEmpty()) {
            int c = (int) ready.poll();
            int m = 0;
            for (int v : members[c]) {
                int p = position.get(g.addr[v]);
                if (p < 0) continue;
                if (m == pos.length) pos = java.util.Arrays.copyOf(pos, m * 2);
                pos[m++] = p;
            }
            java.util.Arrays.sort(pos, 0, m);
            for (int i = 0; i < m; i++) out[k++] = finalizable[pos[i]];
            for (int v : members[c]) {
                long obj = g.addr[v];
                for (int i = 0, n = scan.slotCount(obj); i < n; i++) {
                    int d = g.componentOf(scan.slotValue(obj, i));
                    if (d < 0 || d == c) continue;
                    if (--indegree[d] == 0) ready.add(((long) prio[d] << 32) | d);
                }
            }
        }
        if (k != out.length) throw new IllegalStateException("topological order lost " + (out.length - k) + " objects");
        return out;
    }

    /** The garbage subgraph, numbered by discovery, with Tarjan's state. */
    private static final class Graph {
        final LongIntHashMap id;
        long[] addr;
        int[] index, low, comp;
        boolean[] onStack;
        int nodes, components;
        private int[] tstack = new int[64];
        private int tsp;
        private int[] callNode = new int[64], callSlot = new int[64];

        Graph(int expected) {
            id = new LongIntHashMap(expected);
            addr = new long[Math.max(16, expected)];
            index = new int[addr.length];
            low = new int[addr.length];
            comp = new int[addr.length];
            onStack = new boolean[addr.length];
        }

        int componentOf(long obj) {
            if (obj == 0) return -1;
            int v = id.get(obj);
            return v < 0 ? -1 : comp[v];
        }

        private int visit(long obj) {
            if (nodes == addr.length) {
                int n = nodes * 2;
                addr = java.util.Arrays.copyOf(addr, n);
                index = java.util.Arrays.copyOf(index, n);
                low = java.util.Arrays.copyOf(low, n);
                comp = java.util.Arrays.copyOf(comp, n);
                onStack = java.util.Arrays.copyOf(onStack, n);
            }
            int v = nodes++;
            id.put(obj, v);
            addr[v] = obj;
            index[v] = low[v] = v;
            if (tsp == tstack.length) tstack = java.util.Arrays.copyOf(tstack, tsp * 2);
            tstack[tsp++] = v;
            onStack[v] = true;
            return v;
        }

        void tarjan(long start, ObjectScanner scan, LongPredicate inGarbage) {
            int sp = 0;
            callNode[sp] = visit(start);
            callSlot[sp++] = 0;
            while (sp > 0) {
                int v = callNode[sp - 1];
                long obj = addr[v];
                int slot = callSlot[sp - 1];
                if (slot < scan.slotCount(obj)) {
                    callSlot[sp - 1] = slot + 1;
                    long child = scan.slotValue(obj, slot);
                    if (child == 0 || !inGarbage.test(child)) continue;
                    int u = id.get(child);
                    if (u < 0) {
                        if (sp == callNode.length) {
                            callNode = java.util.Arrays.copyOf(callNode, sp * 2);
                            callSlot = java.util.Arrays.copyOf(callSlot, sp * 2);
                        }
                        callNode[sp] = visit(child);
                        callSlot[sp++] = 0;
                    } else if (onStack[u] && index[u] < low[v]) {
                        low[v] = index[u];
                    }
                    continue;
                }
                sp--;
                if (sp > 0) {
                    int parent = callNode[sp - 1];
                    if (low[v] < low[parent]) low[parent] = low[v];
                }
                if (low[v] == index[v]) {
                    int c = components++;
                    int u;
                    do {
                        u = tstack[--tsp];
                        onStack[u] = false;
                        comp[u] = c;
                    } while (u != v);
                }
            }
        }

        int[][] membersByComponent() {
            int[] count = new int[components];
            for (int v = 0; v < nodes; v++) count[comp[v]]++;
            int[][] m = new int[components][];
            for (int c = 0; c < components; c++) m[c] = new int[count[c]];
            int[] fill = new int[components];
            for (int v = 0; v < nodes; v++) m[comp[v]][fill[comp[v]]++] = v;
            return m;
        }
    }

    /** A binary min-heap of {@code long}s (priority in the high half, component in the low half). */
    private static final class LongHeap {
        private long[] a;
        private int n;

        LongHeap(int capacity) { a = new long[Math.max(4, capacity)]; }

        boolean isEmpty() { return n == 0; }

        void add(long v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2);
            int i = n++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (a[p] <= v) break;
                a[i] = a[p];
                i = p;
            }
            a[i] = v;
        }

        long poll() {
            long top = a[0];
            long v = a[--n];
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= n) break;
                if (c + 1 < n && a[c + 1] < a[c]) c++;
                if (v <= a[c]) break;
                a[i] = a[c];
                i = c;
            }
            if (n > 0) a[i] = v;
            return top;
        }
    }
}
