package dev.triage.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A key-value store that holds its writes on the heap, as objects, until the task commits, and then writes to the
 * changelogged store beneath it only what the commit must hold: the entries still present, and a tombstone for an
 * entry only if an earlier commit wrote it. Triage's stores hold work that usually comes and goes within one commit
 * interval (an event in flight in the engine, a post waiting for the fusion head, a timer). Kafka's record cache
 * serializes every put and writes, at the commit, a tombstone for every entry deleted since: about ten changelog
 * records a post (README), and as many Avro encodings of its state. Here an entry that comes and goes between two
 * commits costs neither.
 *
 * <p>The commit hook is Kafka Streams' own for its record cache ({@link CachedStateStore#flushCache}, called before
 * the task's records are flushed and its offsets committed, in the same transaction): an internal contract, which
 * {@code CommitBufferedStoreTest} and {@code BufferDurabilityTest} pin. A value is held by reference: put it again
 * after changing it.
 *
 * <p>Only what Triage uses is supported: point reads and writes, {@link #all} and {@link #range} (materialized:
 * they are read when a task starts), no reverse or prefix scans, and interactive queries see the committed state.
 */
final class CommitBufferedStore<K, V> implements KeyValueStore<K, V>, CachedStateStore<K, V> {

    /** A write held until the commit: {@code value} null for a delete. */
    private record Held<K, V>(K key, V value, ProcessorRecordContext recordContext) {}

    private final KeyValueStore<K, V> inner;
    private final Serializer<K> keySerializer;
    /** By the keys' bytes; a hash map, as every put, get and delete on the stream thread looks here. */
    private final Map<Bytes, Held<K, V>> held = new HashMap<>();
    /** The keys the inner store holds; read from it at the first use after a (re)start. */
    private Set<Bytes> stored;
    private InternalProcessorContext<?, ?> context;

    /**
     * @param inner the changelogged store the commits write to (without Kafka's cache)
     * @param keySerializer the keys' serializer: scans order held writes by their bytes, as the inner store's keys are
     */
    CommitBufferedStore(KeyValueStore<K, V> inner, Serializer<K> keySerializer) {
        this.inner = inner;
        this.keySerializer = keySerializer;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(StateStoreContext stateStoreContext, StateStore root) {
        this.context = stateStoreContext instanceof InternalProcessorContext<?, ?> internal ? internal : null;
        held.clear();
        stored = null;
        inner.init(stateStoreContext, root);
    }

    @Override
    public V get(K key) {
        return read(key, bytes(key));
    }

    private V read(K key, Bytes bytes) {
        Held<K, V> h = held.get(bytes);
        if (h != null) {
            return h.value();
        }
        return stored().contains(bytes) ? inner.get(key) : null;
    }

    @Override
    public void put(K key, V value) {
        if (value == null) {
            delete(key);
            return;
        }
        held.put(bytes(key), new Held<>(key, value, recordContext()));
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V old = get(key);
        if (old == null) {
            put(key, value);
        }
        return old;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        for (KeyValue<K, V> kv : entries) {
            put(kv.key, kv.value);
        }
    }

    @Override
    public V delete(K key) {
        Bytes bytes = bytes(key);
        V old = read(key, bytes);
        if (stored().contains(bytes)) {
            held.put(bytes, new Held<>(key, null, recordContext()));
        } else {
            held.remove(bytes); // never committed: nothing to tell the changelog
        }
        return old;
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        return scan(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        return scan(null, null);
    }

    private KeyValueIterator<K, V> scan(K from, K to) {
        TreeMap<Bytes, KeyValue<K, V>> view = new TreeMap<>();
        try (KeyValueIterator<K, V> it = from == null && to == null ? inner.all() : inner.range(from, to)) {
            it.forEachRemaining(kv -> view.put(bytes(kv.key), kv));
        }
        Bytes low = from == null ? null : bytes(from);
        Bytes high = to == null ? null : bytes(to);
        held.forEach((bytes, h) -> {
            if ((low != null && bytes.compareTo(low) < 0) || (high != null && bytes.compareTo(high) > 0)) {
                return;
            }
            if (h.value() == null) {
                view.remove(bytes);
            } else {
                view.put(bytes, KeyValue.pair(h.key(), h.value()));
            }
        });
        return new ListIterator<>(new ArrayList<>(view.values()));
    }

    @Override
    public long approximateNumEntries() {
        long n = inner.approximateNumEntries();
        Set<Bytes> committed = stored();
        for (Map.Entry<Bytes, Held<K, V>> e : held.entrySet()) {
            boolean wasStored = committed.contains(e.getKey());
            if (e.getValue().value() == null) {
                n -= wasStored ? 1 : 0;
            } else {
                n += wasStored ? 0 : 1;
            }
        }
        return n;
    }

    /** Kafka Streams' commit hook: writes what the commit must hold, in the task's transaction. */
    @Override
    public void flushCache() {
        if (held.isEmpty()) {
            return;
        }
        Set<Bytes> committed = stored();
        ProcessorRecordContext current = context == null ? null : context.recordContext();
        try {
            for (Map.Entry<Bytes, Held<K, V>> e : held.entrySet()) {
                Held<K, V> h = e.getValue();
                if (context != null && h.recordContext() != null) {
                    context.setRecordContext(h.recordContext()); // the changelog record's timestamp, as the cache does
                }
                if (h.value() == null) {
                    inner.delete(h.key());
                    committed.remove(e.getKey());
                } else {
                    inner.put(h.key(), h.value());
                    committed.add(e.getKey());
                }
            }
        } finally {
            if (context != null) {
                context.setRecordContext(current);
            }
        }
        held.clear();
    }

    /** An aborted transaction: what was held is dropped, and the inner store is restored from the changelog. */
    @Override
    public void clearCache() {
        held.clear();
        stored = null;
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<K, V> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void flush() {
        inner.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        inner.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return inner.committedOffset(partition);
    }

    @Override
    public boolean managesOffsets() {
        return inner.managesOffsets();
    }

    @Override
    public void close() {
        held.clear();
        stored = null;
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }

    private Set<Bytes> stored() {
        if (stored == null) {
            stored = new HashSet<>();
            try (KeyValueIterator<K, V> it = inner.all()) {
                it.forEachRemaining(kv -> stored.add(bytes(kv.key)));
            }
        }
        return stored;
    }

    private ProcessorRecordContext recordContext() {
        return context == null ? null : context.recordContext();
    }

    private Bytes bytes(K key) {
        return Bytes.wrap(keySerializer.serialize(name(), key));
    }

    /** A materialized scan. */
    private static final class ListIterator<K, V> implements KeyValueIterator<K, V> {
        private final List<KeyValue<K, V>> entries;
        private int next;

        ListIterator(List<KeyValue<K, V>> entries) {
            this.entries = entries;
        }

        @Override
        public boolean hasNext() {
            return next < entries.size();
        }

        @Override
        public KeyValue<K, V> next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            return entries.get(next++);
        }

        @Override
        public K peekNextKey() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            return entries.get(next).key;
        }

        @Override
        public void close() {
        }
    }
}
