package dev.gclab.gc.finalize;

import dev.gclab.heap.Heap;
import dev.gclab.heap.object.ObjectModel;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * Orders finalizable garbage so that an object's finalizer runs before the finalizers of the
 * finalizable objects it reaches through garbage (Boehm's and PyPy's rule: referrers first, so a
 * finalizer never sees an already-finalized dependency unless they are in one cycle). A reverse
 * post-order of a depth-first walk over the unmarked subgraph; cycles are broken at the first
 * object the walk meets. Runs only when finalizers are due, off every hot path.
 */
final class TopologicalOrder {
    private TopologicalOrder() {}

    static List<Long> sort(Heap heap, List<Long> finalizable, LongPredicate marked) {
        Set<Long> targets = new HashSet<>(finalizable);
        Set<Long> seen = new HashSet<>();
        List<Long> post = new ArrayList<>();
        for (long start : finalizable) {
            if (seen.contains(start)) continue;
            // iterative DFS: stack of (object, next slot)
            List<long[]> stack = new ArrayList<>();
            seen.add(start);
            stack.add(new long[] {start, 0});
            while (!stack.isEmpty()) {
                long[] top = stack.get(stack.size() - 1);
                long obj = top[0];
                long h = heap.header(obj);
                int lid = ObjectModel.layoutId(h);
                int n = heap.layouts().refSlots(lid, ObjectModel.length(h));
                if (top[1] < n) {
                    int slot = (int) top[1]++;
                    int word = heap.layouts().isArray(lid) ? slot : heap.layouts().refWord(lid, slot);
                    long child = heap.memory().getLong(ObjectModel.wordAddress(obj, word));
                    if (child != 0 && !marked.test(child) && seen.add(child)) stack.add(new long[] {child, 0});
                } else {
                    stack.remove(stack.size() - 1);
                    if (targets.contains(obj)) post.add(obj);
                }
            }
        }
        java.util.Collections.reverse(post);
        return post;
    }
}
