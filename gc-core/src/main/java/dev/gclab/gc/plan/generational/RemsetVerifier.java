package dev.gclab.gc.plan.generational;

import dev.gclab.gc.policy.MarkSpace;
import dev.gclab.gc.trace.ObjectScanner;
import dev.gclab.gc.verify.HeapVerificationException;
import dev.gclab.heap.Heap;
import dev.gclab.heap.Space;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.span.Span;

import java.util.ArrayList;
import java.util.List;

/**
 * The remembered-set invariant, checked before every minor collection under {@code --verify}: every
 * reference from an old object to a young one is covered by the remembered set — its card is dirty, its
 * object is logged, or its slot is buffered. A miss means a minor collection would free (or fail to
 * update) a young object an old one still refers to: a barrier that filtered too much, a store that
 * bypassed it, or a collection that forgot the young references of objects it made old.
 *
 * <p>Old objects: those in spans of the old space (copying nursery), or the marked ones (sticky).
 * Independent of the remembered set's own scanning code: it walks every old object's slots.
 */
final class RemsetVerifier {
    private static final int MAX_REPORTED = 20;
    private final Heap heap;
    private final HeapMemory memory;
    private final ObjectScanner scanner;

    RemsetVerifier(Heap heap) {
        this.heap = heap;
        this.memory = heap.memory();
        this.scanner = new ObjectScanner(heap);
    }

    /** @param old the old space (copying), or null with {@code sticky} marks */
    void check(String when, RememberedSet remset, Space old, MarkSpace sticky) {
        remset.beginCoverCheck();
        List<String> problems = new ArrayList<>();
        int count = 0;
        for (int i = 0, n = heap.spanCount(); i < n; i++) {
            Span s = heap.span(i);
            if (s.noScan || (old != null && s.space != old.id)) continue;
            for (int idx = 0; idx < s.nelems; idx++) {
                if (!s.isAllocated(idx)) continue;
                long obj = s.slotAddress(idx);
                if (sticky != null && !sticky.isMarked(obj)) continue;
                scanner.begin(obj);
                for (long slot = scanner.next(); slot != 0; slot = scanner.next()) {
                    long v = memory.getLong(slot);
                    if (!remset.isYoung(v) || remset.covers(obj, slot)) continue;
                    count++;
                    if (problems.size() < MAX_REPORTED) {
                        problems.add(String.format("old object 0x%x (%s) refers to young object 0x%x in its word %d, and no %s covers it",
                            obj, heap.layouts().name(heap.layoutOf(obj)), v, (slot - obj - 8) >>> 3, remset.entry()));
                    }
                }
            }
        }
        if (count > 0) throw new HeapVerificationException(when + ": remembered-set invariant", problems, count);
    }
}
