#!/usr/bin/env python3
"""Decode kassa.payment-events as kcat prints them, with the kept Avro schema alone (python3-avro, nothing of Kassa).

    kcat -C -b HOST:PORT -t kassa.payment-events -X isolation.level=read_committed -e -q -f '%R%s' \
      | python3 scripts/payment-events.py \
          schemas/src/main/resources/avro-history/dev.kassa.schemas.avro.PaymentEvent/v1.avsc

Each record is framed by kcat's %R (the value's length, 4 bytes big-endian) then the value: Avro single-object
encoding (0xC3 0x01, the schema's 8-byte fingerprint, the Avro body). Prints one JSON object per record (webhook_body
as the JSON text it holds).
"""
import io
import json
import struct
import sys

import avro.io
import avro.schema

MAGIC = b"\xc3\x01"


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = avro.schema.parse(f.read())
    reader = avro.io.DatumReader(schema)
    data = sys.stdin.buffer.read()
    at = 0
    while at + 4 <= len(data):
        (length,) = struct.unpack(">i", data[at:at + 4])
        at += 4
        if length < 0:
            continue  # a tombstone: nothing to decode
        value = data[at:at + length]
        at += length
        if value[:2] != MAGIC:
            raise SystemExit("not single-object encoded (registry mode frames records with 0x00 and a schema id)")
        record = reader.read(avro.io.BinaryDecoder(io.BytesIO(value[10:])))
        record["webhook_body"] = record["webhook_body"].decode("utf-8")
        print(json.dumps(record, default=str), flush=True)


if __name__ == "__main__":
    main()
