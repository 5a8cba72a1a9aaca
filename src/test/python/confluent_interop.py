#!/usr/bin/python3
"""Independent Confluent-format Avro client for Triage's interoperability tests.

Runs with Debian's /usr/bin/python3 and its python3-confluent-kafka (1.7, the legacy
confluent_kafka.avro API) and python3-avro packages; no fastavro, so confluent_kafka.avro
encodes and decodes with the pure-Python avro library.

  produce: writes COUNT deterministic records of the record type of the schema (TextEvent,
           ImageEvent or AudioEvent, optionally with extra fields) to TOPIC, registering the
           schema under TOPIC-value. The values are the formulas in expected_record();
           PythonConfluentInteropTest mirrors them.
  consume: reads COUNT records of TOPIC from the beginning and prints one JSON line each:
           {"topic", "partition", "offset", "key", "value"}; bytes are base64, timestamps
           epoch millis. The schema, when given, is the reader schema.

--schema may repeat: files parsed with shared names, so a record can reference named types
defined in the files before it (the project's schemas/*.avsc); the last file is the schema.

Keys (--keys):
  string: plain UTF-8 keys, as Triage's topics have (Serdes.String()). AvroProducer and
          AvroConsumer insist on Avro keys, so this uses a plain Producer/Consumer with
          confluent_kafka.avro's MessageSerializer, the encoder those two classes use.
  avro:   AvroProducer (key = correlationId with the Avro schema "string") and AvroConsumer.

Exits 0 on success, non-zero with a one-line message on stderr on any failure.
"""

import argparse
import base64
import datetime
import json
import sys
import time

import avro.name
import avro.schema
from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition, OFFSET_BEGINNING
from confluent_kafka.avro import (AvroConsumer, AvroProducer, CachedSchemaRegistryClient,
                                  MessageSerializer, loads)

BASE_EVENT_TIME_MS = 1_700_000_000_123
SOURCE = "confluent-kafka-python"
AUDIO_ENCODINGS = ["WAV", "PCM_S16LE", "PCM_F32LE"]
UTC = datetime.timezone.utc
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)


class InteropError(Exception):
    pass


def event_time(i):
    return EPOCH + datetime.timedelta(milliseconds=BASE_EVENT_TIME_MS + 1000 * i)


def expected_record(schema, i):
    """Record i for SCHEMA: the common fields, the fields of its type, then any extra fields."""
    kind = schema.name
    record = {
        "correlationId": "post-%d" % i,
        "eventId": "%s-%d" % (kind, i),
        "eventTime": event_time(i),
        "source": SOURCE,
        "expectedModalities": None if i % 2 == 0 else ["TEXT", "IMAGE", "AUDIO"],
        "metadata": {} if i == 0 else {"index": str(i), "client": "python"},
    }
    if kind == "TextEvent":
        record["text"] = "h\u00e9llo w\u00f6rld #%d \u2713 \U0001F680" % i
        record["language"] = None if i % 2 == 0 else "en-GB"
    elif kind == "ImageEvent":
        record["image"] = bytes((i + 31 * k) % 256 for k in range(1000 + i))
        record["contentType"] = None if i % 2 == 0 else "image/png"
    elif kind == "AudioEvent":
        encoding = AUDIO_ENCODINGS[i % 3]
        record["audio"] = bytes((255 - 7 * i - k) % 256 for k in range(2048 + i))
        record["encoding"] = encoding
        record["sampleRate"] = None if encoding == "WAV" else 16000
        record["channels"] = None if encoding == "WAV" else 1 + i % 2
    else:
        raise InteropError("no record generator for schema %s" % schema.fullname)
    for field in schema.fields:
        if field.name not in record:
            record[field.name] = extra_value(field, i)
    return record


def extra_value(field, i):
    """Fields beyond the v1 schema: "<name>-<i>" for (optional) strings, i for ints and longs."""
    types = [field.type] if field.type.type != "union" else field.type.schemas
    kinds = {t.type for t in types}
    if "string" in kinds:
        return "%s-%d" % (field.name, i)
    if kinds & {"int", "long"}:
        return i
    raise InteropError("no generator for extra field %s of type %s" % (field.name, field.type))


def load_schema(paths):
    """The schema in the last file, parsed with the named types of the files before it."""
    names = avro.name.Names()
    schema = None
    for path in paths:
        with open(path, encoding="utf-8") as f:
            schema = avro.schema.make_avsc_object(json.load(f), names)
    return schema


def registry_conf(args):
    return {"url": args.registry}


def produce(args):
    schema = load_schema(args.schema)
    errors = []

    def on_delivery(err, msg):
        if err is not None:
            errors.append("%s [%s]: %s" % (msg.topic(), msg.partition(), err))

    conf = {"bootstrap.servers": args.bootstrap, "linger.ms": 0, "message.timeout.ms": int(args.timeout * 1000)}
    if args.keys == "avro":
        producer = AvroProducer(dict(conf, **{"schema.registry.url": args.registry}),
                                default_key_schema=loads('"string"'), default_value_schema=schema)
        for i in range(args.count):
            record = expected_record(schema, i)
            producer.produce(topic=args.topic, key=record["correlationId"], value=record, on_delivery=on_delivery)
    else:
        serializer = MessageSerializer(CachedSchemaRegistryClient(registry_conf(args)))
        producer = Producer(conf)
        for i in range(args.count):
            record = expected_record(schema, i)
            value = serializer.encode_record_with_schema(args.topic, schema, record)
            producer.produce(args.topic, value=value, key=record["correlationId"].encode("utf-8"),
                             on_delivery=on_delivery)
    left = producer.flush(args.timeout)
    if left:
        raise InteropError("%d record(s) still undelivered after %.0f s" % (left, args.timeout))
    if errors:
        raise InteropError("delivery failed: " + "; ".join(errors))


def consume(args):
    reader = load_schema(args.schema) if args.schema else None
    conf = {"bootstrap.servers": args.bootstrap, "group.id": "interop-" + args.topic,
            "enable.auto.commit": False, "auto.offset.reset": "earliest"}
    if args.keys == "avro":
        consumer = AvroConsumer(dict(conf, **{"schema.registry.url": args.registry}), reader_value_schema=reader)
        decode = lambda msg: (msg.key(), msg.value())  # noqa: E731 (AvroConsumer.poll decoded both)
    else:
        serializer = MessageSerializer(CachedSchemaRegistryClient(registry_conf(args)), None, reader)
        consumer = Consumer(conf)

        def decode(msg):
            key = None if msg.key() is None else msg.key().decode("utf-8")
            return key, serializer.decode_message(msg.value())
    try:
        metadata = consumer.list_topics(args.topic, timeout=args.timeout)
        topic = metadata.topics.get(args.topic)
        if topic is None or topic.error is not None or not topic.partitions:
            raise InteropError("topic %s not found: %s" % (args.topic, topic and topic.error))
        consumer.assign([TopicPartition(args.topic, p, OFFSET_BEGINNING) for p in sorted(topic.partitions)])
        deadline = time.monotonic() + args.timeout
        seen = 0
        while seen < args.count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise InteropError("read %d of %d record(s) from %s in %.0f s" % (seen, args.count, args.topic,
                                                                                  args.timeout))
            msg = consumer.poll(min(remaining, 1.0))
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    continue
                raise InteropError("consume error: %s" % msg.error())
            key, value = decode(msg)
            print(json.dumps({"topic": msg.topic(), "partition": msg.partition(), "offset": msg.offset(),
                              "key": to_json(key), "value": to_json(value)}, sort_keys=True), flush=True)
            seen += 1
    finally:
        consumer.close()


def to_json(value):
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime.datetime):
        return (value - EPOCH) // datetime.timedelta(milliseconds=1)
    return value


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bootstrap", required=True, help="Kafka bootstrap servers")
    parser.add_argument("--registry", required=True, help="schema registry URL")
    parser.add_argument("--mode", required=True, choices=["produce", "consume"])
    parser.add_argument("--topic", required=True)
    parser.add_argument("--schema", action="append", default=[],
                        help="Avro schema file (.avsc); repeat to give the named types it uses first")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--keys", choices=["string", "avro"], default="string")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds for the whole produce or consume")
    args = parser.parse_args(argv)
    if args.mode == "produce" and not args.schema:
        parser.error("--schema is required to produce")
    return args


def main(argv):
    args = parse_args(argv)
    try:
        if args.mode == "produce":
            produce(args)
        else:
            consume(args)
    except Exception as e:  # every failure becomes a message and a non-zero exit
        print("confluent_interop: %s %s failed: %s: %s" % (args.mode, args.topic, type(e).__name__, e),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
