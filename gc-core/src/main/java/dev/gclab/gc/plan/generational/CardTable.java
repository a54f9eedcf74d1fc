package dev.gclab.gc.plan.generational;

import dev.gclab.gc.policy.MarkSpace;
import dev.gclab.gc.trace.TraceKernel;
import dev.gclab.gc.util.LongStack;
import dev.gclab.heap.Heap;
import dev.gclab.heap.Space;
import dev.gclab.heap.meta.SideMetadataSpec;
import dev.gclab.heap.meta.SideTable;
import dev.gclab.heap.object.LayoutKind;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.heap.span.Span;

/**
 * Card marking ({@code barrier=cards}): a byte per card of {@code card} bytes (512 by default, HotSpot's
 * size) in a side table, {@code SideMetadataSpec.of("cards", 8, card)}. The slow path dirties the card
 * of the written slot; a card dirtied for the first time since it was last cleaned is also queued, so a
 * minor collection visits the dirty cards without sweeping the whole table (a dirty-card queue, as G1's
 * refinement has; the byte stays the truth the verifier checks).
 *
 * <p>Scanning a card. A card never crosses a span (cards are at most a page, spans are whole pages), so
 * its span is one page-table look-up away and the first object that overlaps it is the slot
 * {@code span.objIndex(card)} (the span's slot arithmetic, O(1)); every object from there whose slot
 * starts before the card's end is visited, and only its reference slots that lie inside the card are
 * traced — a fixed layout's by its pointer bitmap, a reference array's by index arithmetic, so a dirty
 * card of a large array costs one card's worth of slots, not the array.
 */
final class CardTable extends RememberedSet {
    private final SideTable cards;
    private final long cardBytes;
    private final LayoutRegistry layouts;
    /** Cards dirtied since they were last cleaned, each once (its byte says whether it is queued). */
    private final LongStack dirty = new LongStack(256);
    /** Cards cleaned by scans of the collection in progress. */
    private final LongStack scanned = new LongStack(256);
    long cardsScanned;

    CardTable(Heap heap, Space young, MarkSpace sticky, int cardBytes) {
        super(heap, young, sticky);
        this.cards = heap.sideTable(SideMetadataSpec.of("cards", 8, cardBytes));
        this.cardBytes = cardBytes;
        this.layouts = heap.layouts();
    }

    @Override
    void record(long obj, long slot) {
        if (cards.get(slot) == 0) {
            cards.set(slot, 1);
            dirty.push(slot & -cardBytes);
        }
    }

    @Override int size() { return dirty.size(); }
    @Override String what() { return "cards dirty"; }
    @Override String entry() { return "dirty card"; }

    @Override
    void scan(TraceKernel k) {
        LongStack d = dirty;
        for (int i = 0; i < d.size(); i++) {
            long c = d.get(i);
            cards.set(c, 0);
            scanCard(k, c);
            scanned.push(c);
        }
        cardsScanned += d.size();
        d.clear();
    }

    private void scanCard(TraceKernel k, long card) {
        Span s = spanOf(card);
        if (s == null || s.noScan) return;
        long end = card + cardBytes;
        int slots = 0;
        for (int idx = s.objIndex(card); idx < s.nelems; idx++) {
            long obj = s.slotAddress(idx);
            if (obj >= end) break;
            if (!s.isAllocated(idx) || (sticky != null && !sticky.isMarked(obj))) continue; // a young object is no source
            long h = memory.getLong(obj);
            int lid = ObjectModel.layoutId(h);
            LayoutKind kind = layouts.kind(lid);
            if (kind == LayoutKind.FIXED) {
                for (long m = layouts.pointerMask(lid); m != 0; m &= m - 1) {
                    long slot = obj + ObjectModel.HEADER_BYTES + ((long) Long.numberOfTrailingZeros(m) << 3);
                    if (slot >= card && slot < end) {
                        k.processEdge(slot);
                        slots++;
                    }
                }
            } else if (kind == LayoutKind.REF_ARRAY) {
                long first = obj + ObjectModel.HEADER_BYTES;
                long lo = Math.max(card, first), hi = Math.min(end, first + ((long) ObjectModel.length(h) << 3));
                for (long slot = lo; slot < hi; slot += 8) k.processEdge(slot);
                if (hi > lo) slots += (int) ((hi - lo) >>> 3);
            }
        }
        counters.slotsScanned += slots;
    }

    /** True if a slot inside {@code card} of an old object holds a young object. */
    private boolean cardHasYoungRef(long card) {
        Span s = spanOf(card);
        if (s == null || s.noScan) return false;
        long end = card + cardBytes;
        for (int idx = s.objIndex(card); idx < s.nelems; idx++) {
            long obj = s.slotAddress(idx);
            if (obj >= end) break;
            if (!s.isAllocated(idx)) continue;
            scanner.begin(obj);
            for (long slot = scanner.next(); slot != 0; slot = scanner.next()) {
                if (slot >= card && slot < end && isYoung(memory.getLong(slot))) return true;
            }
        }
        return false;
    }

    @Override
    void keepLive() {
        for (int i = 0; i < scanned.size(); i++) {
            long c = scanned.get(i);
            if (cards.get(c) == 0 && cardHasYoungRef(c)) {
                cards.set(c, 1);
                dirty.push(c);
            }
        }
        scanned.clear();
    }

    @Override
    void clear() {
        for (int i = 0; i < dirty.size(); i++) cards.set(dirty.get(i), 0);
        dirty.clear();
        scanned.clear(); // cleaned when scanned
    }

    @Override boolean covers(long obj, long slot) { return cards.get(slot) != 0; }

    @Override void counters(java.util.Map<String, Long> m) { m.put("cards_scanned", cardsScanned); }
}
