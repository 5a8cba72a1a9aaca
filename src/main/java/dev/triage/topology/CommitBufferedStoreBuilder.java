package dev.triage.topology;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds a {@link CommitBufferedStore} over Kafka's in-memory, changelogged key-value store. The store holds its own
 * writes until the commit, so Kafka's record cache is never added beneath it.
 */
final class CommitBufferedStoreBuilder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {
    private final StoreBuilder<KeyValueStore<K, V>> inner;
    private final Serde<K> keySerde;

    CommitBufferedStoreBuilder(String name, Serde<K> keySerde, Serde<V> valueSerde) {
        this.inner = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keySerde, valueSerde)
                .withCachingDisabled();
        this.keySerde = keySerde;
    }

    @Override
    public KeyValueStore<K, V> build() {
        return new CommitBufferedStore<>(inner.build(), keySerde.serializer());
    }

    /** Already holds its writes until the commit: nothing to add. */
    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
        throw new UnsupportedOperationException("a commit-buffered store holds its writes until the commit");
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
        inner.withLoggingEnabled(config);
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
        inner.withLoggingDisabled();
        return this;
    }

    @Override
    public Map<String, String> logConfig() {
        return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
        return inner.loggingEnabled();
    }

    @Override
    public String name() {
        return inner.name();
    }
}
