package dev.triage.embedded;

import java.util.List;

/**
 * Durable log of {@link RegistryRecord}s behind a schema registry. The registry replays
 * {@link #readAll()} once when it starts and then calls {@link #append} for every change, from one
 * writer at a time; a store must not return from {@code append} before the record is durable.
 */
public interface SchemaStore extends AutoCloseable {

    /** Every record stored so far, oldest first. */
    List<RegistryRecord> readAll();

    /** Stores one record durably. */
    void append(RegistryRecord record);

    @Override
    void close();
}
