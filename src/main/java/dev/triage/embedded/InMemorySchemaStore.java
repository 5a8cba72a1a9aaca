package dev.triage.embedded;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link SchemaStore} in a list on the heap. It survives {@link #close()}, so a registry restarted on
 * the same instance sees earlier registrations; nothing survives the JVM.
 */
public final class InMemorySchemaStore implements SchemaStore {

    private final List<RegistryRecord> records = new ArrayList<>();

    @Override
    public synchronized List<RegistryRecord> readAll() {
        return List.copyOf(records);
    }

    @Override
    public synchronized void append(RegistryRecord record) {
        records.add(record);
    }

    @Override
    public void close() {
        // Nothing to release; records stay for a later registry on this store.
    }
}
