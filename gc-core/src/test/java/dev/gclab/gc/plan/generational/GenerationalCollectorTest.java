package dev.gclab.gc.plan.generational;

import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.gc.verify.HeapVerificationException;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.MarkBits;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.heap.span.Span;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generational collector on its own: options, promotion, the remembered set of each barrier (and the
 * invariant check failing when a store bypasses the barrier), pins and large objects promoted in place,
 * aging, sticky marks, finalization on minor collections, triggers and counters. The cross-collector
 * suites (differential programs, stress tester, conformance kit, CPython ports) run it in every variant.
 */
class GenerationalCollectorTest {
    private Heap heap;
    private GenerationalCollector gc;
    private Mutator m;
    private int node;
    private final List<String> events = new ArrayList<>();

    /** Every variant, in both mark-bit modes. */
    static Stream<Arguments> variants() {
        List<Arguments> l = new ArrayList<>();
        for (String v : new String[] {"barrier=cards", "barrier=object", "barrier=ssb", "nursery=sticky", "barrier=cards,promote_age=2", "barrier=ssb,promote_age=1"}) {
            for (MarkBits mb : MarkBits.values()) l.add(Arguments.of(v, mb));
        }
        return l.stream();
    }

    /** The copying nursery's barriers. */
    static Stream<String> barriers() { return Stream.of("barrier=cards", "barrier=object", "barrier=ssb"); }

    private void start(String options, MarkBits markBits) { start(options, markBits, 1L << 40); }

    private void start(String options, MarkBits markBits, long minTrigger) {
        Map<String, String> extra = parse(options);
        heap = new Heap(HeapConfig.of(16L << 20).withMarkBits(markBits));
        gc = new GenerationalCollector(heap, new CollectorOptions(2.0, minTrigger, true, extra));
        m = new Mutator(heap, gc);
        node = heap.layouts().fixed("node", "rrd");
    }

    private static Map<String, String> parse(String options) {
        Map<String, String> extra = new HashMap<>();
        for (String kv : options.split(",")) if (!kv.isBlank()) extra.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        return extra;
    }

    @AfterEach
    void close() {
        if (heap != null) heap.close();
    }

    private boolean sticky() { return gc.nurserySpace() == null; }

    /** A node with {@code id} in its data word. */
    private long node(long id) {
        long o = m.allocate(node);
        m.setLong(o, 0, id);
        return o;
    }

    private int global(String name, long value) {
        int g = m.global(name);
        m.setGlobal(g, value);
        return g;
    }

    /** True if {@code obj} is young now (in a nursery span, or unmarked under sticky marks). */
    private boolean young(long obj) {
        if (sticky()) return !isMarked(obj);
        Span s = heap.spanOf(obj);
        return s.space == gc.nurserySpace().id;
    }

    private boolean isMarked(long obj) {
        if (heap.config().markBits() == MarkBits.HEADER) return (heap.header(obj) & ObjectModel.MARK_FLAG) != 0;
        Span s = heap.spanOf(obj);
        return s.isMarked(s.objIndex(obj));
    }

    private long counter(String name) { return gc.collectorCounters().get(name); }

    // ------------------------------------------------------------------ options

    @Test
    void badOptionsNameTheCollectorTheOptionAndTheValidValues() {
        heap = new Heap(HeapConfig.of(16L << 20));
        String[][] cases = {
            {"barrier=tables", "generational: barrier must be cards, object or ssb, not 'tables'"},
            {"barrier=object,card=256", "generational: option card applies only to barrier=cards"},
            {"card=300", "generational: card must be a power of two from 128 to 8192 bytes, not '300'"},
            {"nursery=big", "generational: nursery must be a size from 64 KiB to half the heap (8192 KiB), or 'sticky', not 'big'"},
            {"nursery=16m", "generational: nursery must be a size from 64 KiB to half the heap"},
            {"nursery=sticky,promote_age=2", "generational: promote_age needs the copying nursery"},
            {"promote_age=16", "generational: promote_age must be an integer from 0 to 15, not '16'"},
            {"budget=1m", "generational: option budget applies only to nursery=sticky"},
            {"color=blue", "generational: unknown option 'color'; valid options: barrier, budget, card, debug, nursery, promote_age"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GenerationalCollector(heap, CollectorOptions.defaults().withExtra(parse(c[0]))), c[0]);
            assertTrue(e.getMessage().startsWith(c[1]), c[0] + ": " + e.getMessage());
        }
    }

    @Test
    void theDefaultNurseryIsAThirtySecondOfTheHeapBetweenQuarterAndEightMiB() {
        assertEquals(256L << 10, GenOptions.defaultNurseryBytes(2L << 20));
        assertEquals(2L << 20, GenOptions.defaultNurseryBytes(64L << 20));
        assertEquals(8L << 20, GenOptions.defaultNurseryBytes(256L << 20));
        assertEquals(8L << 20, GenOptions.defaultNurseryBytes(16L << 30));
    }

    @Test
    void constraintsDeclareTheHeaderBits() {
        start("", MarkBits.SIDE);
        assertEquals(0xFL << 17 | 1L << 21, gc.constraints().headerBits(), "age bits 17..20 and the log bit 21");
        assertTrue(gc.constraints().movesObjects() && gc.constraints().generational() && gc.constraints().supportsPinning());
        heap.close();
        start("nursery=sticky", MarkBits.SIDE);
        assertFalse(gc.constraints().movesObjects(), "sticky marks: nothing moves");
        assertTrue(heap.stickyMarks());
    }

    // ------------------------------------------------------------------ minor collections

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("variants")
    void minorCollectionKeepsTheReachableYoungAndFreesTheRest(String options, MarkBits mb) {
        start(options, mb);
        m.pushFrame(1);
        long a = node(1);
        m.setLocal(0, a);
        m.setRef(m.local(0), 0, node(2));
        for (int i = 0; i < 100; i++) node(100 + i); // garbage
        assertTrue(young(m.local(0)));
        gc.collectYoung(GcCause.EXPLICIT);
        long a2 = m.local(0);
        assertEquals(1, m.getLong(a2, 0));
        assertEquals(2, m.getLong(m.getRef(a2, 0), 0));
        assertEquals(2, heap.objectCount(), "the 100 young garbage nodes are freed");
        if (!options.contains("promote_age")) {
            assertFalse(young(a2), "promoted at once");
            assertFalse(young(m.getRef(a2, 0)));
        } else {
            assertTrue(young(a2), "aged survivors stay young");
        }
        assertEquals(1, counter("minor_cycles"));
        assertEquals(0, counter("major_cycles"));
        assertEquals(1, gc.stats().youngCycles());
        assertEquals(1, gc.stats().minorPauses().getTotalCount());
        assertEquals(0, gc.lastCollection().generation());
        assertEquals(100, gc.lastCollection().unreachable());
        assertEquals(100, gc.lastCollection().collected());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("variants")
    void anOldObjectsReferenceKeepsAYoungObjectAliveAndIsUpdated(String options, MarkBits mb) {
        start(options, mb);
        int g = global("old", node(1));
        for (int i = 0; i < 4; i++) gc.collectYoung(GcCause.EXPLICIT); // old, whatever the promotion age
        assertFalse(young(m.getGlobal(g)));
        long y = node(2);
        m.setRef(m.getGlobal(g), 1, y); // old → young: the barrier's slow path
        assertTrue(counter("barrier_slow_path_calls") >= 1);
        for (int i = 0; i < 3; i++) node(100 + i);
        gc.collectYoung(GcCause.EXPLICIT); // the remembered set is the only way to y
        long y2 = m.getRef(m.getGlobal(g), 1);
        assertEquals(2, m.getLong(y2, 0));
        assertEquals(2, heap.objectCount());
        assertEquals(1, counter("remset_size_max"));
        for (int i = 0; i < 4; i++) gc.collectYoung(GcCause.EXPLICIT); // still right once aged out and promoted
        assertEquals(2, m.getLong(m.getRef(m.getGlobal(g), 1), 0));
        gc.collect(GcCause.EXPLICIT);
        assertEquals(2, heap.objectCount());
    }

    /** The barrier broken on purpose: a store that bypasses it leaves an old→young reference uncovered, and --verify says so before the minor collection. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("variants")
    void theRememberedSetCheckFailsWhenAStoreBypassesTheBarrier(String options, MarkBits mb) {
        start(options, mb);
        int g = global("old", node(1));
        for (int i = 0; i < 4; i++) gc.collectYoung(GcCause.EXPLICIT);
        long old = m.getGlobal(g);
        long y = node(2);
        heap.memory().setLong(ObjectModel.wordAddress(old, heap.layouts().refWord(node, 0)), y); // no barrier
        HeapVerificationException e = assertThrows(HeapVerificationException.class, () -> gc.collectYoung(GcCause.EXPLICIT));
        assertTrue(e.getMessage().contains("remembered-set invariant"), e.getMessage());
        assertTrue(e.getMessage().contains(String.format("old object 0x%x (node) refers to young object 0x%x in its word 0", old, y)), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("barriers")
    void theFastPathFiltersEveryStoreThatCannotMakeAnOldToYoungReference(String options) {
        start(options, MarkBits.SIDE);
        int g = global("old", node(1));
        gc.collectYoung(GcCause.EXPLICIT);
        long old = m.getGlobal(g);
        m.pushFrame(2);
        m.setLocal(0, node(2));
        m.setLocal(1, node(3));
        m.setRef(old, 0, old); // old → old
        m.setRef(old, 0, 0); // null
        m.setRef(m.local(0), 0, m.local(1)); // young → young
        m.setRef(m.local(0), 1, old); // young → old
        assertEquals(0, counter("barrier_slow_path_calls"));
        m.setRef(old, 0, m.local(0)); // old → young
        m.setRef(old, 0, m.local(0));
        assertEquals(2, counter("barrier_slow_path_calls"));
    }

    @Test
    void aStoreBufferDropsDuplicateSlotsAtCollectionAndWhenFull() {
        start("barrier=ssb", MarkBits.SIDE);
        int g = global("old", node(1));
        gc.collectYoung(GcCause.EXPLICIT);
        for (int i = 0; i < 5000; i++) m.setRef(m.getGlobal(g), i & 1, node(i)); // two slots, 5000 entries
        assertTrue(counter("ssb_duplicates_dropped") > 0, "deduplicated when the buffer filled");
        gc.collectYoung(GcCause.EXPLICIT);
        assertEquals(4998, counter("ssb_duplicates_dropped"), "all but the two distinct slots");
        assertEquals(3, heap.objectCount());
    }

    @Test
    void aDirtyCardOfALargeArrayCostsOneCardOfSlots() {
        start("barrier=cards", MarkBits.SIDE);
        int g = global("array", m.allocateArray(LayoutRegistry.REF_ARRAY, 100_000)); // 800 KB: born old (pretenured)
        assertFalse(young(m.getGlobal(g)));
        assertTrue(counter("pretenured_bytes") >= 800_000);
        m.setRef(m.getGlobal(g), 54_321, node(7));
        long slotsBefore = heap.counters().slotsScanned;
        gc.collectYoung(GcCause.EXPLICIT);
        assertEquals(7, m.getLong(m.getRef(m.getGlobal(g), 54_321), 0));
        assertEquals(1, counter("cards_scanned"));
        long scanned = heap.counters().slotsScanned - slotsBefore;
        assertTrue(scanned <= 512 / 8 + 2, "one card's slots, not the array's: " + scanned);
    }

    @ParameterizedTest(name = "card={0}")
    @ValueSource(ints = {128, 512, 8192})
    void cardsOfEverySizeCoverFixedObjectsThatStraddleThem(int card) {
        start("card=" + card, MarkBits.SIDE);
        int wide = heap.layouts().fixed("wide", "r".repeat(40)); // 328 bytes: straddles 128- and 256-byte cards
        int g = global("olds", m.allocateArray(LayoutRegistry.REF_ARRAY, 64));
        for (int i = 0; i < 64; i++) m.setRef(m.getGlobal(g), i, m.allocate(wide));
        gc.collectYoung(GcCause.EXPLICIT);
        for (int i = 0; i < 64; i++) m.setRef(m.getRef(m.getGlobal(g), i), (i * 7) % 40, node(i));
        gc.collectYoung(GcCause.EXPLICIT);
        for (int i = 0; i < 64; i++) assertEquals(i, m.getLong(m.getRef(m.getRef(m.getGlobal(g), i), (i * 7) % 40), 0));
        assertEquals(1 + 64 + 64, heap.objectCount());
    }

    // ------------------------------------------------------------------ pins and large objects

    @ParameterizedTest
    @MethodSource("barriers")
    void aPinnedNurseryObjectsSpanIsPromotedInPlaceAndStillRemembersItsYoungReferences(String options) {
        start(options, MarkBits.SIDE);
        m.pushFrame(1);
        m.setLocal(0, node(1));
        long p = m.local(0);
        m.pin(p);
        for (int i = 0; i < 50; i++) node(100 + i);
        gc.collectYoung(GcCause.EXPLICIT);
        assertEquals(p, m.local(0), "a pinned object does not move");
        assertFalse(young(p), "its span joined the old space");
        assertTrue(gc.nurserySpace().contains(p), "where it lies, in the nursery's range");
        assertEquals(1, counter("pinned_promoted_in_place"));
        assertEquals(1, heap.objectCount(), "the span's garbage was swept");
        // An old object inside the nursery's range: the barrier must not take it for a young one.
        m.setRef(p, 0, node(2));
        assertEquals(1, counter("barrier_slow_path_calls"));
        gc.collectYoung(GcCause.EXPLICIT);
        assertEquals(2, m.getLong(m.getRef(p, 0), 0));
        m.unpin(p);
        m.setLocal(0, 0);
        gc.collect(GcCause.EXPLICIT);
        assertEquals(0, heap.objectCount());
    }

    @Test
    void aLargeNurseryObjectIsPromotedInPlace() {
        start("nursery=1m", MarkBits.SIDE);
        int g = global("big", m.allocateArray(LayoutRegistry.REF_ARRAY, 10_000)); // 80 KB: large, under the 256 KiB pretenuring limit
        long big = m.getGlobal(g);
        assertTrue(young(big));
        m.setRef(big, 9_999, node(5));
        gc.collectYoung(GcCause.EXPLICIT);
        assertEquals(big, m.getGlobal(g), "not copied");
        assertFalse(young(big));
        assertEquals(1, counter("large_promoted_in_place"));
        assertEquals(5, m.getLong(m.getRef(big, 9_999), 0));
        assertEquals(0, counter("pretenured_bytes"));
    }

    // ------------------------------------------------------------------ aging

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void withAgingSurvivorsStayYoungForPromoteAgeMinorCollections(int age) {
        start("promote_age=" + age, MarkBits.SIDE);
        int g = global("x", node(1));
        for (int i = 1; i <= age; i++) {
            gc.collectYoung(GcCause.EXPLICIT);
            assertTrue(young(m.getGlobal(g)), "young after " + i + " minor collections");
            assertEquals(i, GenConstraints.age(heap.header(m.getGlobal(g))));
        }
        gc.collectYoung(GcCause.EXPLICIT);
        assertFalse(young(m.getGlobal(g)), "promoted at minor collection " + (age + 1));
        assertEquals(0, heap.header(m.getGlobal(g)) & GenConstraints.HEADER_BITS, "an old object carries no age");
        assertEquals(1, m.getLong(m.getGlobal(g), 0));
        assertTrue(counter("bytes_copied_within_nursery") > 0);
    }

    @Test
    void aPromotedObjectRemembersItsReferencesToYoungerSurvivors() {
        start("promote_age=1,barrier=object", MarkBits.SIDE);
        int g = global("a", node(1));
        gc.collectYoung(GcCause.EXPLICIT); // a: age 1
        m.setRef(m.getGlobal(g), 0, node(2)); // young → young: no barrier
        gc.collectYoung(GcCause.EXPLICIT); // a promoted, b aged: a → b is old → young, made by the collection
        assertFalse(young(m.getGlobal(g)));
        assertTrue(young(m.getRef(m.getGlobal(g), 0)));
        gc.collectYoung(GcCause.EXPLICIT); // the invariant check (verify) runs first; b is reached only through a
        assertEquals(2, m.getLong(m.getRef(m.getGlobal(g), 0), 0));
        assertEquals(2, heap.objectCount());
    }

    // ------------------------------------------------------------------ sticky mark bits

    @ParameterizedTest
    @MethodSource("dev.gclab.gc.plan.generational.GenerationalCollectorTest#markBits")
    void stickyMarksStayOnOldObjectsAndMinorCollectionsSkipThem(MarkBits mb) {
        start("nursery=sticky", mb);
        int g = global("old", node(1));
        m.setRef(m.getGlobal(g), 0, node(2));
        gc.collectYoung(GcCause.EXPLICIT);
        long old = m.getGlobal(g);
        assertTrue(isMarked(old) && isMarked(m.getRef(old, 0)), "survivors keep their marks: they are old");
        long markedBefore = heap.counters().objectsMarked;
        m.setRef(old, 1, node(3));
        for (int i = 0; i < 10; i++) node(100 + i);
        gc.collectYoung(GcCause.EXPLICIT);
        assertEquals(1, heap.counters().objectsMarked - markedBefore, "only the young survivor was marked");
        assertEquals(3, heap.objectCount());
        m.setRef(old, 0, 0);
        gc.collectYoung(GcCause.EXPLICIT);
        assertEquals(3, heap.objectCount(), "old garbage waits for a major collection");
        gc.collect(GcCause.EXPLICIT);
        assertEquals(2, heap.objectCount());
        assertTrue(isMarked(old), "a major collection leaves its survivors marked too");
    }

    static Stream<MarkBits> markBits() { return Stream.of(MarkBits.values()); }

    // ------------------------------------------------------------------ finalization on minor collections

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("variants")
    void aMinorCollectionFinalizesAndClearsOnlyYoungObjects(String options, MarkBits mb) {
        start(options, mb);
        m.pushFrame(2);
        m.setLocal(0, node(1));
        for (int i = 0; i < 4; i++) gc.collectYoung(GcCause.EXPLICIT);
        long oldObj = m.local(0);
        assertFalse(young(oldObj));
        gc.finalization().registerFinalizer(oldObj, o -> events.add("F(old)"));
        int wOld = global("wOld", gc.finalization().newWeakRef(m, oldObj, w -> events.add("cb(old)")));
        m.setLocal(1, node(2));
        gc.finalization().registerFinalizer(m.local(1), o -> events.add("F(young)"));
        int wYoung = global("wYoung", gc.finalization().newWeakRef(m, m.local(1), w -> events.add("cb(young)")));
        m.setLocal(0, 0);
        m.setLocal(1, 0);
        gc.collectYoung(GcCause.EXPLICIT);
        assertEquals(List.of("cb(young)", "F(young)"), events, "the old garbage is not in a minor collection");
        assertEquals(0, gc.finalization().weakRefGet(m.getGlobal(wYoung)));
        assertEquals(oldObj, gc.finalization().weakRefGet(m.getGlobal(wOld)), "old, dead, but not collected yet");
        gc.collect(GcCause.EXPLICIT);
        assertEquals(List.of("cb(young)", "F(young)", "cb(old)", "F(old)"), events);
        assertEquals(0, gc.finalization().weakRefGet(m.getGlobal(wOld)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("variants")
    void aFinalizerRunByAMinorCollectionMayResurrectAndAllocate(String options, MarkBits mb) {
        start(options, mb);
        int holder = global("holder", node(1));
        for (int i = 0; i < 4; i++) gc.collectYoung(GcCause.EXPLICIT);
        int saved = m.global("saved");
        long young = node(2);
        m.setRef(young, 0, node(3));
        gc.finalization().registerFinalizer(young, o -> {
            m.setRef(m.getGlobal(holder), 0, o); // resurrected into an old object
            long fresh = m.allocate(node); // allocated during the collection
            m.setLong(fresh, 0, 4);
            m.setRef(fresh, 0, m.getRef(o, 0));
            m.setGlobal(saved, fresh);
            events.add("F");
        });
        gc.collectYoung(GcCause.EXPLICIT);
        assertEquals(List.of("F"), events);
        long r = m.getRef(m.getGlobal(holder), 0);
        assertEquals(2, m.getLong(r, 0), "the resurrected object, at its current address");
        assertEquals(3, m.getLong(m.getRef(r, 0), 0), "with what it reaches");
        assertEquals(4, m.getLong(m.getGlobal(saved), 0), "an object allocated during the collection survives it");
        assertEquals(m.getRef(r, 0), m.getRef(m.getGlobal(saved), 0));
        assertEquals(1, counter("resurrected"));
        for (int i = 0; i < 4; i++) gc.collectYoung(GcCause.EXPLICIT);
        gc.collect(GcCause.EXPLICIT);
        assertEquals(4, heap.objectCount());
        assertEquals(List.of("F"), events, "never finalized again");
    }

    // ------------------------------------------------------------------ triggers, counters

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("variants")
    void allocationTriggersMinorCollectionsAndTheOldSpacesGrowthAMajorOne(String options, MarkBits mb) {
        start(options + ",nursery=" + (options.contains("sticky") ? "sticky,budget=256k" : "256k"), mb, 128L << 10);
        int keep = global("keep", m.allocateArray(LayoutRegistry.REF_ARRAY, 2000));
        for (int i = 0; i < 100_000; i++) {
            long o = node(i);
            if (i % 10 == 0) m.setRef(m.getGlobal(keep), (i / 10) % 2000, o); // a survivor, dropped later
        }
        assertTrue(counter("minor_cycles") > 5, "minor: " + counter("minor_cycles"));
        assertTrue(counter("major_cycles") > 0, "major: " + counter("major_cycles"));
        assertEquals(counter("minor_cycles"), gc.stats().minorPauses().getTotalCount());
        assertEquals(counter("major_cycles"), gc.stats().majorPauses().getTotalCount());
        assertEquals(gc.stats().youngCycles(), counter("minor_cycles"));
        long mean = counter("survival_rate_mean_ppm");
        assertTrue(mean > 20_000 && mean < 400_000, "about a tenth survives each minor collection: " + mean);
        assertTrue(counter("bytes_promoted") + counter("bytes_promoted_in_place") > 0);
    }

    @Test
    void anAllocationThatFindsTheNurseryFullIsServedAfterAMinorCollection() {
        start("nursery=64k", MarkBits.SIDE);
        m.pushFrame(1);
        for (int i = 0; i < 50; i++) {
            m.setLocal(0, m.allocateArray(LayoutRegistry.BYTE_ARRAY, 20_000)); // 20 KB: a few per span, and the 208 KiB range fills before the 64 KiB budget
        }
        assertTrue(counter("minor_cycles") > 0);
        assertNotEquals(0, m.local(0));
    }

    /**
     * Long-lived pinned objects scattered over many spans: each span is promoted in place and keeps its
     * pages in the nursery's range. Once they fill it, the mutator allocates old until a major collection
     * frees the range — not a minor and a major collection per allocation.
     */
    @Test
    void pinnedSpansThatCrowdTheNurseryMakeTheMutatorAllocateOldUntilTheyDie() {
        start("nursery=64k", MarkBits.SIDE, 256L << 10);
        int keep = global("keep", m.allocateArray(LayoutRegistry.REF_ARRAY, 400));
        for (int i = 0; i < 40_000; i++) {
            long o = node(i);
            if (i % 300 == 0) {
                m.pin(o); // one per span: 32-byte nodes, 256 to a span
                m.setRef(m.getGlobal(keep), i / 300, o);
            }
        }
        assertTrue(counter("pinned_promoted_in_place") > 20);
        assertEquals(1, counter("nursery_crowded_episodes"));
        assertTrue(counter("major_cycles") < 20, "not a collection per allocation: " + counter("major_cycles"));
        for (int i = 0; i < 134; i++) assertEquals(i * 300, m.getLong(m.getRef(m.getGlobal(keep), i), 0));
        m.setGlobal(keep, 0); // the pinned objects die: a major collection frees the range
        gc.collect(GcCause.EXPLICIT);
        long n = node(1);
        assertTrue(gc.nurserySpace().contains(n) && young(n), "allocation is back in the nursery");
    }
}
