package dev.triage.serde;

import org.apache.avro.Schema;

/** One version of a subject: what {@code GET /subjects/{s}/versions/{v}} and {@code POST /subjects/{s}} return. */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {}
