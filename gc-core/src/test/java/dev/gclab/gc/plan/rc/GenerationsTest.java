package dev.gclab.gc.plan.rc;

import dev.gclab.heap.GcHooks;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Generations against a plain-Java model: random adds, removals (holes, compaction), removals from
 * the head (3.14's increments), merges and collector-list round trips; after each step every list's order, size and every object's
 * list and index agree with the model.
 */
class GenerationsTest {
    @Test
    void randomOperationsAgreeWithAListModel() {
        for (long seed = 1; seed <= 20; seed++) {
            try (Heap heap = new Heap(HeapConfig.of(32L << 20))) {
                Mutator m = new Mutator(heap, GcHooks.NONE);
                int node = heap.layouts().fixed("n", "r");
                Generations g = new Generations(heap);
                List<List<Long>> model = new ArrayList<>();
                for (int i = 0; i < 6; i++) model.add(new ArrayList<>());
                Random rnd = new Random(seed);
                List<Long> untracked = new ArrayList<>();
                for (int i = 0; i < 3000; i++) untracked.add(m.allocate(node));
                for (int step = 0; step < 20_000; step++) {
                    int op = rnd.nextInt(100);
                    if (step % 4000 == 3999) {
                        // a mass death: most of one generation dies, which compacts its list
                        int list = rnd.nextInt(4);
                        List<Long> l = model.get(list);
                        for (int k = l.size() * 4 / 5; k > 0; k--) {
                            long o = l.remove(rnd.nextInt(l.size()));
                            assertEquals(list, g.remove(o));
                            untracked.add(o);
                        }
                    } else if (op < 45 && !untracked.isEmpty()) {
                        long o = untracked.remove(rnd.nextInt(untracked.size()));
                        int list = rnd.nextInt(4);
                        g.add(list, o);
                        model.get(list).add(o);
                    } else if (op < 55) {
                        // 3.14's increments take objects from the head of the pending list
                        int list = rnd.nextInt(4);
                        List<Long> l = model.get(list);
                        long o = g.pollFirst(list);
                        assertEquals(l.isEmpty() ? 0L : l.remove(0), o, "the first object of list " + list);
                        if (o != 0) untracked.add(o);
                    } else if (op < 90) {
                        int list = rnd.nextInt(4);
                        List<Long> l = model.get(list);
                        if (l.isEmpty()) continue;
                        long o = l.remove(rnd.nextInt(l.size()));
                        assertEquals(list, g.remove(o));
                        untracked.add(o);
                    } else if (op < 97) {
                        int from = rnd.nextInt(4), to = rnd.nextInt(4);
                        if (from == to) continue;
                        g.merge(from, to);
                        model.get(to).addAll(model.get(from));
                        model.get(from).clear();
                    } else {
                        // a young collection's shape: generation 0 into COLLECTING, read as an array, all survive to 1
                        g.merge(0, Generations.COLLECTING);
                        int n = g.size(Generations.COLLECTING);
                        long[] a = g.takeArray(Generations.COLLECTING, new long[64]);
                        for (int i = 0; i < n; i++) assertEquals(model.get(0).get(i), a[i], "candidate order");
                        for (int i = 0; i < n; i++) g.add(1, a[i]);
                        model.get(1).addAll(model.get(0));
                        model.get(0).clear();
                    }
                    if (step % 997 == 0 || step == 19_999) check(g, model, untracked);
                }
            }
        }
    }

    @Test
    void removalsAfterACompactionFindTheirNewPlaces() {
        try (Heap heap = new Heap(HeapConfig.of(32L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            int node = heap.layouts().fixed("n", "r");
            Generations g = new Generations(heap);
            List<Long> live = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                long o = m.allocate(node);
                g.add(0, o);
                live.add(o);
            }
            Random rnd = new Random(7);
            for (int i = 0; i < 700; i++) g.remove(live.remove(rnd.nextInt(live.size()))); // compacts at 501 holes
            assertEquals(300, g.size(0));
            for (int i = 0; i < 150; i++) assertEquals(0, g.remove(live.remove(rnd.nextInt(live.size()))));
            g.merge(0, Generations.COLLECTING);
            long[] a = g.array(Generations.COLLECTING);
            assertEquals(live.size(), g.size(Generations.COLLECTING));
            for (int i = 0; i < live.size(); i++) assertEquals(live.get(i), a[i], "survivors in allocation order");
        }
    }

    private static void check(Generations g, List<List<Long>> model, List<Long> untracked) {
        for (int list = 0; list < 4; list++) {
            assertEquals(model.get(list).size(), g.size(list), "size of list " + list);
            // a merge into COLLECTING reads the list in order, holes skipped
            List<Long> expected = model.get(list);
            for (long o : expected) assertEquals(list, g.listOf(o));
        }
        for (long o : untracked) assertEquals(-1, g.listOf(o));
        for (int list = 0; list < 4; list++) {
            g.merge(list, Generations.COLLECTING);
            long[] a = g.array(Generations.COLLECTING);
            List<Long> expected = model.get(list);
            assertEquals(expected.size(), g.size(Generations.COLLECTING));
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i), a[i], "order of list " + list);
                assertEquals(i, g.indexOf(a[i]), "index entry");
            }
            g.merge(Generations.COLLECTING, list);
        }
    }
}
