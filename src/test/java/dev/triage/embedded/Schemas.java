package dev.triage.embedded;

/** Avro schemas for registry tests: a record and its compatible and incompatible evolutions. */
final class Schemas {

    static final String USER_V1 = """
            {"type":"record","name":"User","namespace":"test","fields":[
              {"name":"id","type":"string"}]}""";

    /** Adds an optional field with a default: BACKWARD and FORWARD compatible with v1. */
    static final String USER_V2_OPTIONAL_FIELD = """
            {"type":"record","name":"User","namespace":"test","fields":[
              {"name":"id","type":"string"},
              {"name":"email","type":["null","string"],"default":null}]}""";

    /** Adds a required field without a default: cannot read v1 data (not BACKWARD compatible). */
    static final String USER_V2_REQUIRED_FIELD = """
            {"type":"record","name":"User","namespace":"test","fields":[
              {"name":"id","type":"string"},
              {"name":"age","type":"int"}]}""";

    /** Drops the only field of v1 and adds one with a default: BACKWARD compatible, not FORWARD. */
    static final String USER_RENAMED_FIELD_WITH_DEFAULT = """
            {"type":"record","name":"User","namespace":"test","fields":[
              {"name":"name","type":"string","default":"anonymous"}]}""";

    static final String OTHER = """
            {"type":"record","name":"Other","namespace":"test","fields":[
              {"name":"value","type":"long"}]}""";

    private Schemas() {
    }
}
