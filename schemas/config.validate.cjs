// Written by `make schemas` (scripts/gen-schemas.mjs) from config.schema.json: ajv's standalone code.
// Do not edit: test/config.test.ts checks it against the components.
"use strict";
exports.config = validate18;
const schema21 = {"$schema":"https://json-schema.org/draft/2019-09/schema","$id":"https://tally-connector.local/schemas/config.schema.json","title":"Tally landing connector configuration","description":"One file (YAML or JSON) per tenant and connector. Relative paths are resolved from the folder that holds the config file. Secrets are never written here: S3 credentials come from the standard AWS chain, SFTP keys and passwords from a file or an environment variable.","type":"object","additionalProperties":false,"required":["tenant_id","connector_id","source","streams","state","sink"],"properties":{"tenant_id":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$","description":"Tenant identifier; becomes part of every envelope, state key and output path."},"connector_id":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$","description":"Connector instance identifier, e.g. tally_file_dump."},"source":{"description":"Where the exports land.","type":"object","required":["type"],"discriminator":{"propertyName":"type"},"oneOf":[{"$ref":"#/$defs/localSource"},{"$ref":"#/$defs/s3Source"},{"$ref":"#/$defs/sftpSource"}]},"streams":{"type":"array","minItems":1,"description":"Each stream selects files by glob; a file is read once per stream that matches it.","items":{"$ref":"#/$defs/stream"}},"state":{"description":"The state registry that holds committed checkpoints.","type":"object","required":["type"],"discriminator":{"propertyName":"type"},"oneOf":[{"$ref":"#/$defs/localStore"},{"$ref":"#/$defs/s3Store"}]},"schema_registry":{"description":"Where stream schemas and drift alerts live. Defaults to a `schemas` folder beside the local state, or the `schemas` prefix beside the state in its bucket.","type":"object","required":["type"],"discriminator":{"propertyName":"type"},"oneOf":[{"$ref":"#/$defs/localStore"},{"$ref":"#/$defs/s3Store"}]},"sink":{"description":"Where envelopes go.","type":"object","required":["type"],"discriminator":{"propertyName":"type"},"oneOf":[{"$ref":"#/$defs/ndjsonSink"},{"$ref":"#/$defs/parquetSink"},{"$ref":"#/$defs/arrowSink"},{"$ref":"#/$defs/stdoutSink"},{"$ref":"#/$defs/s3Sink"}]},"dead_letter":{"description":"Rejected rows (malformed CSV rows, rows failing the registered schema), staged and delivered with their file like the envelopes. A local folder (`{ path }` in the config) or a bucket (`{ type: s3, ... }`, the same fields as the S3 sink). Defaults to `<sink.path>/_dead_letter` for the folder sink, `<sink.prefix>_dead_letter/` in the sink's bucket for the S3 sink, or `./dead_letter` beside the config for the stdout sink.","if":{"type":"object","required":["type"],"properties":{"type":{"const":"s3"}}},"then":{"$ref":"#/$defs/s3Sink"},"else":{"$ref":"#/$defs/localDeadLetter"}},"audit":{"description":"The audit log: one JSON line per run start and end and per file access, owner-only, no secrets, file names only with privacy.clear_names (schemas/audit.schema.json). A local folder (`{ path }`, one file per day) or a bucket (`{ type: s3, ... }`, the fields of the S3 sink; one object per run). Defaults to an `audit` folder beside the local state, or the `audit/` prefix beside the state in its bucket.","if":{"type":"object","required":["type"],"properties":{"type":{"const":"s3"}}},"then":{"$ref":"#/$defs/s3Sink"},"else":{"$ref":"#/$defs/localDeadLetter"}},"concurrency":{"type":"integer","minimum":1,"maximum":64,"default":4,"description":"Files in flight at once: overlaps reads, writes and fsyncs, which is what many small files need."},"workers":{"oneOf":[{"const":"auto"},{"type":"integer","minimum":1,"maximum":64}],"default":"auto","description":"Threads that parse files: `auto` is the core count, 1 parses on the main thread as before. A run with several files to read spreads them over at most this many threads (and at most `concurrency`); a large CSV can be cut into parts parsed on several threads (split_csv_min_bytes); Parquet outputs are converted on up to this many threads. Output is byte-identical either way."},"split_csv_min_bytes":{"type":"integer","minimum":0,"default":0,"description":"Off (0) by default. A CSV at least this large (UTF-8 with a byte order mark, not gzip, without change capture) is cut at row boundaries as it is read and parsed on every thread, with the same records, record ids, lines and dead letters as one pass. Envelope outputs (NDJSON, stdout, S3): ranges of about 1 MiB handed to free threads and written in order as they come back; typed outputs: one part per thread, from a local file. Measured on 2 cores it is slower than one pass (about 1.1-1.2x the wall for 1.6-1.7x the CPU: the main thread's cut scan, copies and per-range set-up) for about 80 MB more memory: worth trying with more cores."},"privacy":{"type":"object","additionalProperties":false,"default":{},"properties":{"clear_names":{"type":"boolean","default":false,"description":"Show clear file paths in logs, alerts and summaries. Off by default: a stable hash of the path is shown instead."},"hash_key_env":{"type":"string","description":"Name of an environment variable holding a secret key; when set, file ids are HMAC-SHA256 of the path under that key instead of plain SHA-256."}}},"limits":{"type":"object","additionalProperties":false,"default":{},"description":"Limits against hostile or broken input. A file that exceeds one fails with E_LIMIT; the run goes on.","properties":{"max_file_bytes":{"type":"integer","minimum":1,"default":9007199254740991,"description":"Largest raw file accepted (default: no limit)."},"max_row_bytes":{"type":"integer","minimum":1024,"default":16777216,"description":"Largest CSV row or XML object, in bytes of text (default 16 MiB)."},"max_xml_depth":{"type":"integer","minimum":8,"default":64},"max_fields":{"type":"integer","minimum":1,"default":4096,"description":"Most CSV columns or fields in one XML object."},"max_buffered_master_bytes":{"type":"integer","minimum":1024,"default":268435456,"description":"Masters are de-duplicated per file by GUID before they are emitted; this bounds the memory that takes, counted as twice the UTF-8 bytes of the masters held (default 256 MiB)."},"max_decompression_ratio":{"type":"integer","minimum":1,"default":200,"description":"A .gz whose output exceeds this multiple of its input is refused as a likely zip bomb."},"memory_ceiling_bytes":{"type":"integer","minimum":67108864,"default":3221225472,"description":"The memory one run may use (default 3 GiB: the 4 GiB task in infra/, less what Node and the OS take). It is shared by the files in flight: each file's row and master-buffer limits are capped at its share (the ceiling divided by concurrency), and no new file starts while the process is above three quarters of it."}}},"log_level":{"type":"string","enum":["trace","debug","info","warn","error","silent"],"default":"info"},"run":{"type":"object","additionalProperties":false,"default":{},"properties":{"progress_interval_ms":{"type":"integer","minimum":100,"default":5000,"description":"How often a long file logs its progress."},"stale_after_minutes":{"type":"integer","minimum":1,"default":360,"description":"Longer than any run takes. Temp files (staged outputs, half-written registry documents) of a run that is gone are removed by the next run: at once when their maker ran on this host and has exited, else once they are older than this."},"fail_fast":{"type":"boolean","default":false,"description":"Stop the run at the first failed file instead of going on with the others."},"lease_ttl_seconds":{"type":"integer","minimum":5,"default":300,"description":"A run leases each stream it works on (per shard with --shard) in the state registry and renews the lease every third of this; another run finding a live lease skips the stream (streams_busy, exit 7). A lease not renewed for this long (its run was killed) is taken over."}}}},"$defs":{"s3Connection":{"type":"object","required":["bucket"],"properties":{"bucket":{"type":"string","minLength":3,"maxLength":63},"prefix":{"type":"string","default":"","description":"Treated as a folder (a trailing / is added). The tenant cannot read or write outside it."},"region":{"type":"string","default":"us-east-1"},"endpoint":{"type":"string","description":"S3-compatible endpoint URL. Must be https:// unless allow_http_for_local_development is set, and then only a loopback host."},"force_path_style":{"type":"boolean","default":false},"allow_http_for_local_development":{"type":"boolean","default":false},"max_attempts":{"type":"integer","minimum":1,"maximum":20,"default":5,"description":"Attempts per S3 request (the SDK's backoff with jitter on 503 SlowDown, 5xx and resets); for a landing also the attempts per file read that breaks mid-body (read again from its start)."},"retry_mode":{"enum":["standard","adaptive"],"default":"standard","description":"The SDK's retry strategy; adaptive also rate-limits the client after throttling."}}},"sftpConnection":{"type":"object","required":["host","username","host_key_sha256"],"properties":{"host":{"type":"string","minLength":1},"port":{"type":"integer","minimum":1,"maximum":65535,"default":22},"username":{"type":"string","minLength":1},"private_key_file":{"type":"string"},"private_key_env":{"type":"string"},"passphrase_env":{"type":"string"},"password_file":{"type":"string"},"password_env":{"type":"string"},"host_key_sha256":{"type":"string","pattern":"^(SHA256:)?[A-Za-z0-9+/]{43}=?$","description":"The server's host key fingerprint as printed by ssh-keygen -lf (SHA256:...). A different key is refused."},"connect_timeout_ms":{"type":"integer","minimum":100,"default":10000}}},"localSource":{"type":"object","required":["type","path"],"properties":{"type":{"const":"local"},"path":{"type":"string","minLength":1,"description":"Folder that holds the landing."},"settle_seconds":{"type":"number","minimum":0,"default":0,"description":"Files modified more recently than this are left for the next run (still being written)."},"archive_to":{"type":"string","minLength":1,"description":"Folder that streams with `after_commit: archive` move committed files to, keeping their relative paths. Outside the landing, or inside it (then it is not listed); never the landing itself or a folder above it."}},"unevaluatedProperties":false},"s3Source":{"type":"object","$ref":"#/$defs/s3Connection","required":["type"],"properties":{"type":{"const":"s3"},"prefix":{"type":"string","default":"","description":"Only keys under this prefix are listed; the tenant cannot read outside it."},"page_size":{"type":"integer","minimum":1,"maximum":1000,"default":1000},"settle_seconds":{"type":"number","minimum":0,"default":0,"description":"Objects modified more recently than this are left for the next run (still being uploaded)."},"archive_to":{"type":"string","minLength":1,"description":"Prefix in the same bucket that streams with `after_commit: archive` move committed objects to, keeping their keys relative to `prefix` (copy, then delete; both conditional on the ETag that was read). Beside the prefix, or inside it (then it is not listed); never the prefix itself or one above it."}},"unevaluatedProperties":false},"sftpSource":{"type":"object","$ref":"#/$defs/sftpConnection","required":["type","root"],"properties":{"type":{"const":"sftp"},"root":{"type":"string","minLength":1,"description":"Folder on the server; nothing outside it is listed or read."},"settle_seconds":{"type":"number","minimum":0,"default":60,"description":"Files modified more recently than this are left for the next run (still being uploaded)."},"read_chunk_bytes":{"type":"integer","minimum":32768,"default":4194304,"description":"Read-ahead per request; 4 MiB measured about twice the speed of 64 KiB against OpenSSH."},"max_attempts":{"type":"integer","minimum":1,"maximum":20,"default":4,"description":"Attempts per file read that breaks mid-transfer (read again from its start on a new session)."},"archive_to":{"type":"string","minLength":1,"description":"Folder on the server that streams with `after_commit: archive` move committed files to, keeping their relative paths (relative folders are relative to the login folder, like root). Beside the root or inside it (then it is not listed); never the root itself or a folder above it. The account needs write permission on both."}},"unevaluatedProperties":false},"localStore":{"type":"object","required":["type","path"],"properties":{"type":{"const":"local"},"path":{"type":"string","minLength":1}},"unevaluatedProperties":false},"s3Store":{"type":"object","$ref":"#/$defs/s3Connection","required":["type"],"properties":{"type":{"const":"s3"},"kms_key_id":{"type":"string","description":"Documents are written with SSE-KMS under this key; without it, SSE-S3 (AES256)."}},"unevaluatedProperties":false},"ndjsonSink":{"type":"object","required":["type","path"],"properties":{"type":{"const":"ndjson"},"path":{"type":"string","minLength":1,"description":"Folder; output goes to tenant=<t>/stream=<s>/date=<YYYY-MM-DD>/<file id>.<sha256 prefix>.ndjson."}},"unevaluatedProperties":false},"parquetSink":{"type":"object","description":"Parquet files in a local folder, one per input file and entity: tenant=<t>/stream=<s>/entity=<e>/run_date=<YYYY-MM-DD>/<file id>.<sha256 prefix>.parquet, typed from the schema registry (DECIMAL(38,s), DATE, BOOLEAN, BIGINT, UTF8, JSON), with a manifest per input file under _manifests/.","required":["type","path"],"properties":{"type":{"const":"parquet"},"path":{"type":"string","minLength":1,"description":"Folder."},"compression":{"enum":["zstd","snappy","none"],"default":"zstd","description":"Parquet page compression: zstd (level 1; half the size of snappy and faster here), snappy, or none. Arrow IPC files are written uncompressed."},"row_group_rows":{"type":"integer","minimum":1024,"maximum":1048576,"default":65536,"description":"Rows per Parquet row group or Arrow record batch (a group is also flushed early once it holds 16 MiB of values, or when all entities of a file together hold 32 MiB)."},"parallel_min_bytes":{"type":"integer","minimum":4096,"default":16777216,"description":"A file whose staged rows are at least twice this large is converted to Parquet on several threads, in ranges of at least this size, each entity's file assembled from the ranges' row groups in order (the same rows in the same order). Default 16 MiB."},"decimal_scale":{"type":"integer","minimum":0,"maximum":18,"default":6,"description":"Least number of decimals of DECIMAL(38, s) columns (more when a value has more: nothing is ever rounded). One scale for every file keeps an entity's files of one type, which matters to readers that union files by name and take the first file's type."}},"unevaluatedProperties":false},"arrowSink":{"type":"object","description":"Arrow IPC files (.arrow) in a local folder, one per input file and entity, in the Parquet layout, typed from the schema registry (Decimal128(38,s), DateDay, Bool, Int64, Utf8), with a manifest per input file under _manifests/.","required":["type","path"],"properties":{"type":{"const":"arrow"},"path":{"type":"string","minLength":1,"description":"Folder."},"compression":{"enum":["zstd","snappy","none"],"default":"zstd","description":"Parquet page compression: zstd (level 1; half the size of snappy and faster here), snappy, or none. Arrow IPC files are written uncompressed."},"row_group_rows":{"type":"integer","minimum":1024,"maximum":1048576,"default":65536,"description":"Rows per Parquet row group or Arrow record batch (a group is also flushed early once it holds 16 MiB of values, or when all entities of a file together hold 32 MiB)."},"parallel_min_bytes":{"type":"integer","minimum":4096,"default":16777216,"description":"A file whose staged rows are at least twice this large is converted to Parquet on several threads, in ranges of at least this size, each entity's file assembled from the ranges' row groups in order (the same rows in the same order). Default 16 MiB."},"decimal_scale":{"type":"integer","minimum":0,"maximum":18,"default":6,"description":"Least number of decimals of DECIMAL(38, s) columns (more when a value has more: nothing is ever rounded). One scale for every file keeps an entity's files of one type, which matters to readers that union files by name and take the first file's type."}},"unevaluatedProperties":false},"stdoutSink":{"type":"object","required":["type"],"properties":{"type":{"const":"stdout"}},"unevaluatedProperties":false},"s3Sink":{"type":"object","description":"NDJSON objects in a bucket: <prefix>tenant=<t>/stream=<s>/date=<YYYY-MM-DD>/<file id>.<sha256 prefix>.ndjson, one per input file version. Each is staged in a local temp file and uploaded when its input file is complete, so an object appears only whole. Written with server-side encryption: SSE-KMS under kms_key_id when set, else SSE-S3 (AES256). Credentials come from the standard AWS chain.","$ref":"#/$defs/s3Connection","required":["type"],"properties":{"type":{"const":"s3"},"kms_key_id":{"type":"string","description":"Objects are written with SSE-KMS under this key (id, ARN or alias); without it, SSE-S3 (AES256)."},"format":{"enum":["ndjson","parquet","arrow"],"default":"ndjson","description":"ndjson: one NDJSON object per input file. parquet / arrow: one typed object per input file and entity under <prefix>tenant=<t>/stream=<s>/entity=<e>/run_date=<d>/, and a manifest per input file under <prefix>tenant=<t>/stream=<s>/_manifests/ uploaded last. Dead letters are NDJSON whatever the format."},"compression":{"enum":["zstd","snappy","none"],"default":"zstd","description":"Parquet page compression: zstd (level 1; half the size of snappy and faster here), snappy, or none. Arrow IPC files are written uncompressed."},"row_group_rows":{"type":"integer","minimum":1024,"maximum":1048576,"default":65536,"description":"Rows per Parquet row group or Arrow record batch (a group is also flushed early once it holds 16 MiB of values, or when all entities of a file together hold 32 MiB)."},"parallel_min_bytes":{"type":"integer","minimum":4096,"default":16777216,"description":"A file whose staged rows are at least twice this large is converted to Parquet on several threads, in ranges of at least this size, each entity's file assembled from the ranges' row groups in order (the same rows in the same order). Default 16 MiB."},"decimal_scale":{"type":"integer","minimum":0,"maximum":18,"default":6,"description":"Least number of decimals of DECIMAL(38, s) columns (more when a value has more: nothing is ever rounded). One scale for every file keeps an entity's files of one type, which matters to readers that union files by name and take the first file's type."}},"unevaluatedProperties":false},"localDeadLetter":{"type":"object","additionalProperties":false,"properties":{"type":{"const":"local"},"path":{"type":"string","minLength":1,"description":"Folder; same layout as the folder sink."}}},"stream":{"type":"object","additionalProperties":false,"required":["id"],"anyOf":[{"required":["pattern"]},{"required":["patterns"]}],"properties":{"id":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"},"pattern":{"type":"string","minLength":1,"description":"Glob on the path relative to the landing root, case-insensitive. A .gz copy of a matching file matches too."},"patterns":{"type":"array","minItems":1,"items":{"type":"string","minLength":1}},"format":{"enum":["auto","xml","csv"],"default":"auto","description":"auto detects from content."},"entity":{"type":"string","pattern":"^[a-z][a-z0-9_]{0,63}$","description":"For CSV: the entity name to use instead of the one derived from the file name or header."},"csv":{"type":"object","additionalProperties":false,"default":{},"properties":{"delimiter":{"type":"string","minLength":1,"maxLength":1,"default":","}}},"changes":{"type":"object","additionalProperties":false,"description":"Change capture by GUID and ALTERID: each object (a voucher with its lines, a master, a CSV row keyed by its guid column) is compared with the key index in the state registry and delivered with op insert or update; unchanged objects and stale ones (an older export landing late) are left out (emit: changes), and deletes come as one envelope per key. Files of the stream are applied one at a time, in the order of their paths.","properties":{"deletes":{"enum":["none","full","period"],"default":"none","description":"none: inserts and updates only. full: each file is a full snapshot of its company's objects, so keys it lacks are deleted (unless the snapshot is older than the index). period: keys whose voucher date lies inside the span of the file's voucher dates and that the file lacks are deleted. Objects marked deleted in the export (ACTION=\"Delete\", ISDELETED Yes) are deletes in every mode."},"emit":{"enum":["changes","all"],"default":"changes","description":"changes: only inserts, updates and deletes. all: every row, with its op (unchanged and stale rows included, as op unchanged / stale)."}}},"after_commit":{"enum":["keep","archive","delete"],"default":"keep","description":"What `run` does with a landed file once its checkpoint is committed: keep it (the default), archive it (move it under source.archive_to, keeping its relative path) or delete it. Never for a file that failed, was refused or is held by drift, never in `read`, and only while the landing still holds the bytes that were read. Every move or delete is in the audit log."},"drift":{"type":"object","additionalProperties":false,"default":{},"description":"What happens to a file whose shape differs from the registered schema.","properties":{"compatible":{"enum":["evolve","alert","quarantine","fail"],"default":"evolve"},"breaking":{"enum":["evolve","alert","quarantine","fail"],"default":"quarantine"}}}}}}};
const schema26 = {"type":"object","required":["type","path"],"properties":{"type":{"const":"local"},"path":{"type":"string","minLength":1,"description":"Folder that holds the landing."},"settle_seconds":{"type":"number","minimum":0,"default":0,"description":"Files modified more recently than this are left for the next run (still being written)."},"archive_to":{"type":"string","minLength":1,"description":"Folder that streams with `after_commit: archive` move committed files to, keeping their relative paths. Outside the landing, or inside it (then it is not listed); never the landing itself or a folder above it."}},"unevaluatedProperties":false};
const schema27 = {"type":"object","additionalProperties":false,"required":["id"],"anyOf":[{"required":["pattern"]},{"required":["patterns"]}],"properties":{"id":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"},"pattern":{"type":"string","minLength":1,"description":"Glob on the path relative to the landing root, case-insensitive. A .gz copy of a matching file matches too."},"patterns":{"type":"array","minItems":1,"items":{"type":"string","minLength":1}},"format":{"enum":["auto","xml","csv"],"default":"auto","description":"auto detects from content."},"entity":{"type":"string","pattern":"^[a-z][a-z0-9_]{0,63}$","description":"For CSV: the entity name to use instead of the one derived from the file name or header."},"csv":{"type":"object","additionalProperties":false,"default":{},"properties":{"delimiter":{"type":"string","minLength":1,"maxLength":1,"default":","}}},"changes":{"type":"object","additionalProperties":false,"description":"Change capture by GUID and ALTERID: each object (a voucher with its lines, a master, a CSV row keyed by its guid column) is compared with the key index in the state registry and delivered with op insert or update; unchanged objects and stale ones (an older export landing late) are left out (emit: changes), and deletes come as one envelope per key. Files of the stream are applied one at a time, in the order of their paths.","properties":{"deletes":{"enum":["none","full","period"],"default":"none","description":"none: inserts and updates only. full: each file is a full snapshot of its company's objects, so keys it lacks are deleted (unless the snapshot is older than the index). period: keys whose voucher date lies inside the span of the file's voucher dates and that the file lacks are deleted. Objects marked deleted in the export (ACTION=\"Delete\", ISDELETED Yes) are deletes in every mode."},"emit":{"enum":["changes","all"],"default":"changes","description":"changes: only inserts, updates and deletes. all: every row, with its op (unchanged and stale rows included, as op unchanged / stale)."}}},"after_commit":{"enum":["keep","archive","delete"],"default":"keep","description":"What `run` does with a landed file once its checkpoint is committed: keep it (the default), archive it (move it under source.archive_to, keeping its relative path) or delete it. Never for a file that failed, was refused or is held by drift, never in `read`, and only while the landing still holds the bytes that were read. Every move or delete is in the audit log."},"drift":{"type":"object","additionalProperties":false,"default":{},"description":"What happens to a file whose shape differs from the registered schema.","properties":{"compatible":{"enum":["evolve","alert","quarantine","fail"],"default":"evolve"},"breaking":{"enum":["evolve","alert","quarantine","fail"],"default":"quarantine"}}}}};
const schema30 = {"type":"object","required":["type","path"],"properties":{"type":{"const":"local"},"path":{"type":"string","minLength":1}},"unevaluatedProperties":false};
const schema34 = {"type":"object","required":["type","path"],"properties":{"type":{"const":"ndjson"},"path":{"type":"string","minLength":1,"description":"Folder; output goes to tenant=<t>/stream=<s>/date=<YYYY-MM-DD>/<file id>.<sha256 prefix>.ndjson."}},"unevaluatedProperties":false};
const schema35 = {"type":"object","description":"Parquet files in a local folder, one per input file and entity: tenant=<t>/stream=<s>/entity=<e>/run_date=<YYYY-MM-DD>/<file id>.<sha256 prefix>.parquet, typed from the schema registry (DECIMAL(38,s), DATE, BOOLEAN, BIGINT, UTF8, JSON), with a manifest per input file under _manifests/.","required":["type","path"],"properties":{"type":{"const":"parquet"},"path":{"type":"string","minLength":1,"description":"Folder."},"compression":{"enum":["zstd","snappy","none"],"default":"zstd","description":"Parquet page compression: zstd (level 1; half the size of snappy and faster here), snappy, or none. Arrow IPC files are written uncompressed."},"row_group_rows":{"type":"integer","minimum":1024,"maximum":1048576,"default":65536,"description":"Rows per Parquet row group or Arrow record batch (a group is also flushed early once it holds 16 MiB of values, or when all entities of a file together hold 32 MiB)."},"parallel_min_bytes":{"type":"integer","minimum":4096,"default":16777216,"description":"A file whose staged rows are at least twice this large is converted to Parquet on several threads, in ranges of at least this size, each entity's file assembled from the ranges' row groups in order (the same rows in the same order). Default 16 MiB."},"decimal_scale":{"type":"integer","minimum":0,"maximum":18,"default":6,"description":"Least number of decimals of DECIMAL(38, s) columns (more when a value has more: nothing is ever rounded). One scale for every file keeps an entity's files of one type, which matters to readers that union files by name and take the first file's type."}},"unevaluatedProperties":false};
const schema36 = {"type":"object","description":"Arrow IPC files (.arrow) in a local folder, one per input file and entity, in the Parquet layout, typed from the schema registry (Decimal128(38,s), DateDay, Bool, Int64, Utf8), with a manifest per input file under _manifests/.","required":["type","path"],"properties":{"type":{"const":"arrow"},"path":{"type":"string","minLength":1,"description":"Folder."},"compression":{"enum":["zstd","snappy","none"],"default":"zstd","description":"Parquet page compression: zstd (level 1; half the size of snappy and faster here), snappy, or none. Arrow IPC files are written uncompressed."},"row_group_rows":{"type":"integer","minimum":1024,"maximum":1048576,"default":65536,"description":"Rows per Parquet row group or Arrow record batch (a group is also flushed early once it holds 16 MiB of values, or when all entities of a file together hold 32 MiB)."},"parallel_min_bytes":{"type":"integer","minimum":4096,"default":16777216,"description":"A file whose staged rows are at least twice this large is converted to Parquet on several threads, in ranges of at least this size, each entity's file assembled from the ranges' row groups in order (the same rows in the same order). Default 16 MiB."},"decimal_scale":{"type":"integer","minimum":0,"maximum":18,"default":6,"description":"Least number of decimals of DECIMAL(38, s) columns (more when a value has more: nothing is ever rounded). One scale for every file keeps an entity's files of one type, which matters to readers that union files by name and take the first file's type."}},"unevaluatedProperties":false};
const schema37 = {"type":"object","required":["type"],"properties":{"type":{"const":"stdout"}},"unevaluatedProperties":false};
const schema38 = {"type":"object","additionalProperties":false,"properties":{"type":{"const":"local"},"path":{"type":"string","minLength":1,"description":"Folder; same layout as the folder sink."}}};
const func1 = Object.prototype.hasOwnProperty;
const func2 = require("ajv/dist/runtime/ucs2length").default;
const pattern2 = new RegExp("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", "u");
const pattern5 = new RegExp("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$", "u");
const pattern6 = new RegExp("^[a-z][a-z0-9_]{0,63}$", "u");
const schema22 = {"type":"object","$ref":"#/$defs/s3Connection","required":["type"],"properties":{"type":{"const":"s3"},"prefix":{"type":"string","default":"","description":"Only keys under this prefix are listed; the tenant cannot read outside it."},"page_size":{"type":"integer","minimum":1,"maximum":1000,"default":1000},"settle_seconds":{"type":"number","minimum":0,"default":0,"description":"Objects modified more recently than this are left for the next run (still being uploaded)."},"archive_to":{"type":"string","minLength":1,"description":"Prefix in the same bucket that streams with `after_commit: archive` move committed objects to, keeping their keys relative to `prefix` (copy, then delete; both conditional on the ETag that was read). Beside the prefix, or inside it (then it is not listed); never the prefix itself or one above it."}},"unevaluatedProperties":false};
const schema23 = {"type":"object","required":["bucket"],"properties":{"bucket":{"type":"string","minLength":3,"maxLength":63},"prefix":{"type":"string","default":"","description":"Treated as a folder (a trailing / is added). The tenant cannot read or write outside it."},"region":{"type":"string","default":"us-east-1"},"endpoint":{"type":"string","description":"S3-compatible endpoint URL. Must be https:// unless allow_http_for_local_development is set, and then only a loopback host."},"force_path_style":{"type":"boolean","default":false},"allow_http_for_local_development":{"type":"boolean","default":false},"max_attempts":{"type":"integer","minimum":1,"maximum":20,"default":5,"description":"Attempts per S3 request (the SDK's backoff with jitter on 503 SlowDown, 5xx and resets); for a landing also the attempts per file read that breaks mid-body (read again from its start)."},"retry_mode":{"enum":["standard","adaptive"],"default":"standard","description":"The SDK's retry strategy; adaptive also rate-limits the client after throttling."}}};

function validate19(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate19.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.prefix === undefined){
data.prefix = "";
}
if(data.region === undefined){
data.region = "us-east-1";
}
if(data.force_path_style === undefined){
data.force_path_style = false;
}
if(data.allow_http_for_local_development === undefined){
data.allow_http_for_local_development = false;
}
if(data.max_attempts === undefined){
data.max_attempts = 5;
}
if(data.retry_mode === undefined){
data.retry_mode = "standard";
}
if(data.bucket === undefined){
const err0 = {instancePath,schemaPath:"#/$defs/s3Connection/required",keyword:"required",params:{missingProperty: "bucket"},message:"must have required property '"+"bucket"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.bucket !== undefined){
let data0 = data.bucket;
if(typeof data0 === "string"){
if(func2(data0) > 63){
const err1 = {instancePath:instancePath+"/bucket",schemaPath:"#/$defs/s3Connection/properties/bucket/maxLength",keyword:"maxLength",params:{limit: 63},message:"must NOT have more than 63 characters"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(func2(data0) < 3){
const err2 = {instancePath:instancePath+"/bucket",schemaPath:"#/$defs/s3Connection/properties/bucket/minLength",keyword:"minLength",params:{limit: 3},message:"must NOT have fewer than 3 characters"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/bucket",schemaPath:"#/$defs/s3Connection/properties/bucket/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(typeof data.prefix !== "string"){
const err4 = {instancePath:instancePath+"/prefix",schemaPath:"#/$defs/s3Connection/properties/prefix/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(typeof data.region !== "string"){
const err5 = {instancePath:instancePath+"/region",schemaPath:"#/$defs/s3Connection/properties/region/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data.endpoint !== undefined){
if(typeof data.endpoint !== "string"){
const err6 = {instancePath:instancePath+"/endpoint",schemaPath:"#/$defs/s3Connection/properties/endpoint/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(typeof data.force_path_style !== "boolean"){
const err7 = {instancePath:instancePath+"/force_path_style",schemaPath:"#/$defs/s3Connection/properties/force_path_style/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(typeof data.allow_http_for_local_development !== "boolean"){
const err8 = {instancePath:instancePath+"/allow_http_for_local_development",schemaPath:"#/$defs/s3Connection/properties/allow_http_for_local_development/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
let data6 = data.max_attempts;
if(!((typeof data6 == "number") && (!(data6 % 1) && !isNaN(data6)))){
const err9 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/$defs/s3Connection/properties/max_attempts/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(typeof data6 == "number"){
if(data6 > 20 || isNaN(data6)){
const err10 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/$defs/s3Connection/properties/max_attempts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 20},message:"must be <= 20"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(data6 < 1 || isNaN(data6)){
const err11 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/$defs/s3Connection/properties/max_attempts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
let data7 = data.retry_mode;
if(!((data7 === "standard") || (data7 === "adaptive"))){
const err12 = {instancePath:instancePath+"/retry_mode",schemaPath:"#/$defs/s3Connection/properties/retry_mode/enum",keyword:"enum",params:{allowedValues: schema23.properties.retry_mode.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath,schemaPath:"#/$defs/s3Connection/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.prefix === undefined){
data.prefix = "";
}
if(data.page_size === undefined){
data.page_size = 1000;
}
if(data.settle_seconds === undefined){
data.settle_seconds = 0;
}
if(data.type === undefined){
const err14 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if(data.type !== undefined){
if("s3" !== data.type){
const err15 = {instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "s3"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(typeof data.prefix !== "string"){
const err16 = {instancePath:instancePath+"/prefix",schemaPath:"#/properties/prefix/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
let data10 = data.page_size;
if(!((typeof data10 == "number") && (!(data10 % 1) && !isNaN(data10)))){
const err17 = {instancePath:instancePath+"/page_size",schemaPath:"#/properties/page_size/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(typeof data10 == "number"){
if(data10 > 1000 || isNaN(data10)){
const err18 = {instancePath:instancePath+"/page_size",schemaPath:"#/properties/page_size/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000},message:"must be <= 1000"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
if(data10 < 1 || isNaN(data10)){
const err19 = {instancePath:instancePath+"/page_size",schemaPath:"#/properties/page_size/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
let data11 = data.settle_seconds;
if(typeof data11 == "number"){
if(data11 < 0 || isNaN(data11)){
const err20 = {instancePath:instancePath+"/settle_seconds",schemaPath:"#/properties/settle_seconds/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
else {
const err21 = {instancePath:instancePath+"/settle_seconds",schemaPath:"#/properties/settle_seconds/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
if(data.archive_to !== undefined){
let data12 = data.archive_to;
if(typeof data12 === "string"){
if(func2(data12) < 1){
const err22 = {instancePath:instancePath+"/archive_to",schemaPath:"#/properties/archive_to/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
else {
const err23 = {instancePath:instancePath+"/archive_to",schemaPath:"#/properties/archive_to/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
for(const key0 in data){
if((((((((((((key0 !== "type") && (key0 !== "prefix")) && (key0 !== "page_size")) && (key0 !== "settle_seconds")) && (key0 !== "archive_to")) && (key0 !== "bucket")) && (key0 !== "region")) && (key0 !== "endpoint")) && (key0 !== "force_path_style")) && (key0 !== "allow_http_for_local_development")) && (key0 !== "max_attempts")) && (key0 !== "retry_mode")){
const err24 = {instancePath,schemaPath:"#/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key0},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
}
else {
const err25 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
validate19.errors = vErrors;
return errors === 0;
}
validate19.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

const schema24 = {"type":"object","$ref":"#/$defs/sftpConnection","required":["type","root"],"properties":{"type":{"const":"sftp"},"root":{"type":"string","minLength":1,"description":"Folder on the server; nothing outside it is listed or read."},"settle_seconds":{"type":"number","minimum":0,"default":60,"description":"Files modified more recently than this are left for the next run (still being uploaded)."},"read_chunk_bytes":{"type":"integer","minimum":32768,"default":4194304,"description":"Read-ahead per request; 4 MiB measured about twice the speed of 64 KiB against OpenSSH."},"max_attempts":{"type":"integer","minimum":1,"maximum":20,"default":4,"description":"Attempts per file read that breaks mid-transfer (read again from its start on a new session)."},"archive_to":{"type":"string","minLength":1,"description":"Folder on the server that streams with `after_commit: archive` move committed files to, keeping their relative paths (relative folders are relative to the login folder, like root). Beside the root or inside it (then it is not listed); never the root itself or a folder above it. The account needs write permission on both."}},"unevaluatedProperties":false};
const schema25 = {"type":"object","required":["host","username","host_key_sha256"],"properties":{"host":{"type":"string","minLength":1},"port":{"type":"integer","minimum":1,"maximum":65535,"default":22},"username":{"type":"string","minLength":1},"private_key_file":{"type":"string"},"private_key_env":{"type":"string"},"passphrase_env":{"type":"string"},"password_file":{"type":"string"},"password_env":{"type":"string"},"host_key_sha256":{"type":"string","pattern":"^(SHA256:)?[A-Za-z0-9+/]{43}=?$","description":"The server's host key fingerprint as printed by ssh-keygen -lf (SHA256:...). A different key is refused."},"connect_timeout_ms":{"type":"integer","minimum":100,"default":10000}}};
const pattern4 = new RegExp("^(SHA256:)?[A-Za-z0-9+/]{43}=?$", "u");

function validate20(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate20.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.port === undefined){
data.port = 22;
}
if(data.connect_timeout_ms === undefined){
data.connect_timeout_ms = 10000;
}
if(data.host === undefined){
const err0 = {instancePath,schemaPath:"#/$defs/sftpConnection/required",keyword:"required",params:{missingProperty: "host"},message:"must have required property '"+"host"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.username === undefined){
const err1 = {instancePath,schemaPath:"#/$defs/sftpConnection/required",keyword:"required",params:{missingProperty: "username"},message:"must have required property '"+"username"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.host_key_sha256 === undefined){
const err2 = {instancePath,schemaPath:"#/$defs/sftpConnection/required",keyword:"required",params:{missingProperty: "host_key_sha256"},message:"must have required property '"+"host_key_sha256"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.host !== undefined){
let data0 = data.host;
if(typeof data0 === "string"){
if(func2(data0) < 1){
const err3 = {instancePath:instancePath+"/host",schemaPath:"#/$defs/sftpConnection/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
else {
const err4 = {instancePath:instancePath+"/host",schemaPath:"#/$defs/sftpConnection/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
let data1 = data.port;
if(!((typeof data1 == "number") && (!(data1 % 1) && !isNaN(data1)))){
const err5 = {instancePath:instancePath+"/port",schemaPath:"#/$defs/sftpConnection/properties/port/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(typeof data1 == "number"){
if(data1 > 65535 || isNaN(data1)){
const err6 = {instancePath:instancePath+"/port",schemaPath:"#/$defs/sftpConnection/properties/port/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(data1 < 1 || isNaN(data1)){
const err7 = {instancePath:instancePath+"/port",schemaPath:"#/$defs/sftpConnection/properties/port/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.username !== undefined){
let data2 = data.username;
if(typeof data2 === "string"){
if(func2(data2) < 1){
const err8 = {instancePath:instancePath+"/username",schemaPath:"#/$defs/sftpConnection/properties/username/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
else {
const err9 = {instancePath:instancePath+"/username",schemaPath:"#/$defs/sftpConnection/properties/username/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data.private_key_file !== undefined){
if(typeof data.private_key_file !== "string"){
const err10 = {instancePath:instancePath+"/private_key_file",schemaPath:"#/$defs/sftpConnection/properties/private_key_file/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.private_key_env !== undefined){
if(typeof data.private_key_env !== "string"){
const err11 = {instancePath:instancePath+"/private_key_env",schemaPath:"#/$defs/sftpConnection/properties/private_key_env/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data.passphrase_env !== undefined){
if(typeof data.passphrase_env !== "string"){
const err12 = {instancePath:instancePath+"/passphrase_env",schemaPath:"#/$defs/sftpConnection/properties/passphrase_env/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data.password_file !== undefined){
if(typeof data.password_file !== "string"){
const err13 = {instancePath:instancePath+"/password_file",schemaPath:"#/$defs/sftpConnection/properties/password_file/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data.password_env !== undefined){
if(typeof data.password_env !== "string"){
const err14 = {instancePath:instancePath+"/password_env",schemaPath:"#/$defs/sftpConnection/properties/password_env/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data.host_key_sha256 !== undefined){
let data8 = data.host_key_sha256;
if(typeof data8 === "string"){
if(!pattern4.test(data8)){
const err15 = {instancePath:instancePath+"/host_key_sha256",schemaPath:"#/$defs/sftpConnection/properties/host_key_sha256/pattern",keyword:"pattern",params:{pattern: "^(SHA256:)?[A-Za-z0-9+/]{43}=?$"},message:"must match pattern \""+"^(SHA256:)?[A-Za-z0-9+/]{43}=?$"+"\""};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
else {
const err16 = {instancePath:instancePath+"/host_key_sha256",schemaPath:"#/$defs/sftpConnection/properties/host_key_sha256/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
let data9 = data.connect_timeout_ms;
if(!((typeof data9 == "number") && (!(data9 % 1) && !isNaN(data9)))){
const err17 = {instancePath:instancePath+"/connect_timeout_ms",schemaPath:"#/$defs/sftpConnection/properties/connect_timeout_ms/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(typeof data9 == "number"){
if(data9 < 100 || isNaN(data9)){
const err18 = {instancePath:instancePath+"/connect_timeout_ms",schemaPath:"#/$defs/sftpConnection/properties/connect_timeout_ms/minimum",keyword:"minimum",params:{comparison: ">=", limit: 100},message:"must be >= 100"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
}
else {
const err19 = {instancePath,schemaPath:"#/$defs/sftpConnection/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.settle_seconds === undefined){
data.settle_seconds = 60;
}
if(data.read_chunk_bytes === undefined){
data.read_chunk_bytes = 4194304;
}
if(data.max_attempts === undefined){
data.max_attempts = 4;
}
if(data.type === undefined){
const err20 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
if(data.root === undefined){
const err21 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "root"},message:"must have required property '"+"root"+"'"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
if(data.type !== undefined){
if("sftp" !== data.type){
const err22 = {instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "sftp"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
if(data.root !== undefined){
let data11 = data.root;
if(typeof data11 === "string"){
if(func2(data11) < 1){
const err23 = {instancePath:instancePath+"/root",schemaPath:"#/properties/root/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
else {
const err24 = {instancePath:instancePath+"/root",schemaPath:"#/properties/root/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
let data12 = data.settle_seconds;
if(typeof data12 == "number"){
if(data12 < 0 || isNaN(data12)){
const err25 = {instancePath:instancePath+"/settle_seconds",schemaPath:"#/properties/settle_seconds/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
else {
const err26 = {instancePath:instancePath+"/settle_seconds",schemaPath:"#/properties/settle_seconds/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
let data13 = data.read_chunk_bytes;
if(!((typeof data13 == "number") && (!(data13 % 1) && !isNaN(data13)))){
const err27 = {instancePath:instancePath+"/read_chunk_bytes",schemaPath:"#/properties/read_chunk_bytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
if(typeof data13 == "number"){
if(data13 < 32768 || isNaN(data13)){
const err28 = {instancePath:instancePath+"/read_chunk_bytes",schemaPath:"#/properties/read_chunk_bytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 32768},message:"must be >= 32768"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
let data14 = data.max_attempts;
if(!((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14)))){
const err29 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/properties/max_attempts/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if(typeof data14 == "number"){
if(data14 > 20 || isNaN(data14)){
const err30 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/properties/max_attempts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 20},message:"must be <= 20"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
if(data14 < 1 || isNaN(data14)){
const err31 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/properties/max_attempts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
if(data.archive_to !== undefined){
let data15 = data.archive_to;
if(typeof data15 === "string"){
if(func2(data15) < 1){
const err32 = {instancePath:instancePath+"/archive_to",schemaPath:"#/properties/archive_to/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
else {
const err33 = {instancePath:instancePath+"/archive_to",schemaPath:"#/properties/archive_to/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
for(const key0 in data){
if((((((((((((((((key0 !== "type") && (key0 !== "root")) && (key0 !== "settle_seconds")) && (key0 !== "read_chunk_bytes")) && (key0 !== "max_attempts")) && (key0 !== "archive_to")) && (key0 !== "host")) && (key0 !== "port")) && (key0 !== "username")) && (key0 !== "private_key_file")) && (key0 !== "private_key_env")) && (key0 !== "passphrase_env")) && (key0 !== "password_file")) && (key0 !== "password_env")) && (key0 !== "host_key_sha256")) && (key0 !== "connect_timeout_ms")){
const err34 = {instancePath,schemaPath:"#/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key0},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
}
else {
const err35 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
validate20.errors = vErrors;
return errors === 0;
}
validate20.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

const schema28 = {"type":"object","$ref":"#/$defs/s3Connection","required":["type"],"properties":{"type":{"const":"s3"},"kms_key_id":{"type":"string","description":"Documents are written with SSE-KMS under this key; without it, SSE-S3 (AES256)."}},"unevaluatedProperties":false};

function validate23(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate23.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.prefix === undefined){
data.prefix = "";
}
if(data.region === undefined){
data.region = "us-east-1";
}
if(data.force_path_style === undefined){
data.force_path_style = false;
}
if(data.allow_http_for_local_development === undefined){
data.allow_http_for_local_development = false;
}
if(data.max_attempts === undefined){
data.max_attempts = 5;
}
if(data.retry_mode === undefined){
data.retry_mode = "standard";
}
if(data.bucket === undefined){
const err0 = {instancePath,schemaPath:"#/$defs/s3Connection/required",keyword:"required",params:{missingProperty: "bucket"},message:"must have required property '"+"bucket"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.bucket !== undefined){
let data0 = data.bucket;
if(typeof data0 === "string"){
if(func2(data0) > 63){
const err1 = {instancePath:instancePath+"/bucket",schemaPath:"#/$defs/s3Connection/properties/bucket/maxLength",keyword:"maxLength",params:{limit: 63},message:"must NOT have more than 63 characters"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(func2(data0) < 3){
const err2 = {instancePath:instancePath+"/bucket",schemaPath:"#/$defs/s3Connection/properties/bucket/minLength",keyword:"minLength",params:{limit: 3},message:"must NOT have fewer than 3 characters"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/bucket",schemaPath:"#/$defs/s3Connection/properties/bucket/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(typeof data.prefix !== "string"){
const err4 = {instancePath:instancePath+"/prefix",schemaPath:"#/$defs/s3Connection/properties/prefix/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(typeof data.region !== "string"){
const err5 = {instancePath:instancePath+"/region",schemaPath:"#/$defs/s3Connection/properties/region/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data.endpoint !== undefined){
if(typeof data.endpoint !== "string"){
const err6 = {instancePath:instancePath+"/endpoint",schemaPath:"#/$defs/s3Connection/properties/endpoint/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(typeof data.force_path_style !== "boolean"){
const err7 = {instancePath:instancePath+"/force_path_style",schemaPath:"#/$defs/s3Connection/properties/force_path_style/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(typeof data.allow_http_for_local_development !== "boolean"){
const err8 = {instancePath:instancePath+"/allow_http_for_local_development",schemaPath:"#/$defs/s3Connection/properties/allow_http_for_local_development/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
let data6 = data.max_attempts;
if(!((typeof data6 == "number") && (!(data6 % 1) && !isNaN(data6)))){
const err9 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/$defs/s3Connection/properties/max_attempts/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(typeof data6 == "number"){
if(data6 > 20 || isNaN(data6)){
const err10 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/$defs/s3Connection/properties/max_attempts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 20},message:"must be <= 20"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(data6 < 1 || isNaN(data6)){
const err11 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/$defs/s3Connection/properties/max_attempts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
let data7 = data.retry_mode;
if(!((data7 === "standard") || (data7 === "adaptive"))){
const err12 = {instancePath:instancePath+"/retry_mode",schemaPath:"#/$defs/s3Connection/properties/retry_mode/enum",keyword:"enum",params:{allowedValues: schema23.properties.retry_mode.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath,schemaPath:"#/$defs/s3Connection/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.type === undefined){
const err14 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if(data.type !== undefined){
if("s3" !== data.type){
const err15 = {instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "s3"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.kms_key_id !== undefined){
if(typeof data.kms_key_id !== "string"){
const err16 = {instancePath:instancePath+"/kms_key_id",schemaPath:"#/properties/kms_key_id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
for(const key0 in data){
if((((((((((key0 !== "type") && (key0 !== "kms_key_id")) && (key0 !== "bucket")) && (key0 !== "prefix")) && (key0 !== "region")) && (key0 !== "endpoint")) && (key0 !== "force_path_style")) && (key0 !== "allow_http_for_local_development")) && (key0 !== "max_attempts")) && (key0 !== "retry_mode")){
const err17 = {instancePath,schemaPath:"#/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key0},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
}
else {
const err18 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
validate23.errors = vErrors;
return errors === 0;
}
validate23.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

const schema32 = {"type":"object","description":"NDJSON objects in a bucket: <prefix>tenant=<t>/stream=<s>/date=<YYYY-MM-DD>/<file id>.<sha256 prefix>.ndjson, one per input file version. Each is staged in a local temp file and uploaded when its input file is complete, so an object appears only whole. Written with server-side encryption: SSE-KMS under kms_key_id when set, else SSE-S3 (AES256). Credentials come from the standard AWS chain.","$ref":"#/$defs/s3Connection","required":["type"],"properties":{"type":{"const":"s3"},"kms_key_id":{"type":"string","description":"Objects are written with SSE-KMS under this key (id, ARN or alias); without it, SSE-S3 (AES256)."},"format":{"enum":["ndjson","parquet","arrow"],"default":"ndjson","description":"ndjson: one NDJSON object per input file. parquet / arrow: one typed object per input file and entity under <prefix>tenant=<t>/stream=<s>/entity=<e>/run_date=<d>/, and a manifest per input file under <prefix>tenant=<t>/stream=<s>/_manifests/ uploaded last. Dead letters are NDJSON whatever the format."},"compression":{"enum":["zstd","snappy","none"],"default":"zstd","description":"Parquet page compression: zstd (level 1; half the size of snappy and faster here), snappy, or none. Arrow IPC files are written uncompressed."},"row_group_rows":{"type":"integer","minimum":1024,"maximum":1048576,"default":65536,"description":"Rows per Parquet row group or Arrow record batch (a group is also flushed early once it holds 16 MiB of values, or when all entities of a file together hold 32 MiB)."},"parallel_min_bytes":{"type":"integer","minimum":4096,"default":16777216,"description":"A file whose staged rows are at least twice this large is converted to Parquet on several threads, in ranges of at least this size, each entity's file assembled from the ranges' row groups in order (the same rows in the same order). Default 16 MiB."},"decimal_scale":{"type":"integer","minimum":0,"maximum":18,"default":6,"description":"Least number of decimals of DECIMAL(38, s) columns (more when a value has more: nothing is ever rounded). One scale for every file keeps an entity's files of one type, which matters to readers that union files by name and take the first file's type."}},"unevaluatedProperties":false};

function validate26(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate26.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.prefix === undefined){
data.prefix = "";
}
if(data.region === undefined){
data.region = "us-east-1";
}
if(data.force_path_style === undefined){
data.force_path_style = false;
}
if(data.allow_http_for_local_development === undefined){
data.allow_http_for_local_development = false;
}
if(data.max_attempts === undefined){
data.max_attempts = 5;
}
if(data.retry_mode === undefined){
data.retry_mode = "standard";
}
if(data.bucket === undefined){
const err0 = {instancePath,schemaPath:"#/$defs/s3Connection/required",keyword:"required",params:{missingProperty: "bucket"},message:"must have required property '"+"bucket"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.bucket !== undefined){
let data0 = data.bucket;
if(typeof data0 === "string"){
if(func2(data0) > 63){
const err1 = {instancePath:instancePath+"/bucket",schemaPath:"#/$defs/s3Connection/properties/bucket/maxLength",keyword:"maxLength",params:{limit: 63},message:"must NOT have more than 63 characters"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(func2(data0) < 3){
const err2 = {instancePath:instancePath+"/bucket",schemaPath:"#/$defs/s3Connection/properties/bucket/minLength",keyword:"minLength",params:{limit: 3},message:"must NOT have fewer than 3 characters"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/bucket",schemaPath:"#/$defs/s3Connection/properties/bucket/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(typeof data.prefix !== "string"){
const err4 = {instancePath:instancePath+"/prefix",schemaPath:"#/$defs/s3Connection/properties/prefix/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(typeof data.region !== "string"){
const err5 = {instancePath:instancePath+"/region",schemaPath:"#/$defs/s3Connection/properties/region/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data.endpoint !== undefined){
if(typeof data.endpoint !== "string"){
const err6 = {instancePath:instancePath+"/endpoint",schemaPath:"#/$defs/s3Connection/properties/endpoint/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(typeof data.force_path_style !== "boolean"){
const err7 = {instancePath:instancePath+"/force_path_style",schemaPath:"#/$defs/s3Connection/properties/force_path_style/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(typeof data.allow_http_for_local_development !== "boolean"){
const err8 = {instancePath:instancePath+"/allow_http_for_local_development",schemaPath:"#/$defs/s3Connection/properties/allow_http_for_local_development/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
let data6 = data.max_attempts;
if(!((typeof data6 == "number") && (!(data6 % 1) && !isNaN(data6)))){
const err9 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/$defs/s3Connection/properties/max_attempts/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(typeof data6 == "number"){
if(data6 > 20 || isNaN(data6)){
const err10 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/$defs/s3Connection/properties/max_attempts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 20},message:"must be <= 20"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(data6 < 1 || isNaN(data6)){
const err11 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/$defs/s3Connection/properties/max_attempts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
let data7 = data.retry_mode;
if(!((data7 === "standard") || (data7 === "adaptive"))){
const err12 = {instancePath:instancePath+"/retry_mode",schemaPath:"#/$defs/s3Connection/properties/retry_mode/enum",keyword:"enum",params:{allowedValues: schema23.properties.retry_mode.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath,schemaPath:"#/$defs/s3Connection/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.format === undefined){
data.format = "ndjson";
}
if(data.compression === undefined){
data.compression = "zstd";
}
if(data.row_group_rows === undefined){
data.row_group_rows = 65536;
}
if(data.parallel_min_bytes === undefined){
data.parallel_min_bytes = 16777216;
}
if(data.decimal_scale === undefined){
data.decimal_scale = 6;
}
if(data.type === undefined){
const err14 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if(data.type !== undefined){
if("s3" !== data.type){
const err15 = {instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "s3"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.kms_key_id !== undefined){
if(typeof data.kms_key_id !== "string"){
const err16 = {instancePath:instancePath+"/kms_key_id",schemaPath:"#/properties/kms_key_id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
let data10 = data.format;
if(!(((data10 === "ndjson") || (data10 === "parquet")) || (data10 === "arrow"))){
const err17 = {instancePath:instancePath+"/format",schemaPath:"#/properties/format/enum",keyword:"enum",params:{allowedValues: schema32.properties.format.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
let data11 = data.compression;
if(!(((data11 === "zstd") || (data11 === "snappy")) || (data11 === "none"))){
const err18 = {instancePath:instancePath+"/compression",schemaPath:"#/properties/compression/enum",keyword:"enum",params:{allowedValues: schema32.properties.compression.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
let data12 = data.row_group_rows;
if(!((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12)))){
const err19 = {instancePath:instancePath+"/row_group_rows",schemaPath:"#/properties/row_group_rows/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
if(typeof data12 == "number"){
if(data12 > 1048576 || isNaN(data12)){
const err20 = {instancePath:instancePath+"/row_group_rows",schemaPath:"#/properties/row_group_rows/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1048576},message:"must be <= 1048576"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
if(data12 < 1024 || isNaN(data12)){
const err21 = {instancePath:instancePath+"/row_group_rows",schemaPath:"#/properties/row_group_rows/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1024},message:"must be >= 1024"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
let data13 = data.parallel_min_bytes;
if(!((typeof data13 == "number") && (!(data13 % 1) && !isNaN(data13)))){
const err22 = {instancePath:instancePath+"/parallel_min_bytes",schemaPath:"#/properties/parallel_min_bytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
if(typeof data13 == "number"){
if(data13 < 4096 || isNaN(data13)){
const err23 = {instancePath:instancePath+"/parallel_min_bytes",schemaPath:"#/properties/parallel_min_bytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 4096},message:"must be >= 4096"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
let data14 = data.decimal_scale;
if(!((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14)))){
const err24 = {instancePath:instancePath+"/decimal_scale",schemaPath:"#/properties/decimal_scale/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
if(typeof data14 == "number"){
if(data14 > 18 || isNaN(data14)){
const err25 = {instancePath:instancePath+"/decimal_scale",schemaPath:"#/properties/decimal_scale/maximum",keyword:"maximum",params:{comparison: "<=", limit: 18},message:"must be <= 18"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
if(data14 < 0 || isNaN(data14)){
const err26 = {instancePath:instancePath+"/decimal_scale",schemaPath:"#/properties/decimal_scale/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
for(const key0 in data){
if(((((((((((((((key0 !== "type") && (key0 !== "kms_key_id")) && (key0 !== "format")) && (key0 !== "compression")) && (key0 !== "row_group_rows")) && (key0 !== "parallel_min_bytes")) && (key0 !== "decimal_scale")) && (key0 !== "bucket")) && (key0 !== "prefix")) && (key0 !== "region")) && (key0 !== "endpoint")) && (key0 !== "force_path_style")) && (key0 !== "allow_http_for_local_development")) && (key0 !== "max_attempts")) && (key0 !== "retry_mode")){
const err27 = {instancePath,schemaPath:"#/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key0},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
}
else {
const err28 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
validate26.errors = vErrors;
return errors === 0;
}
validate26.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};


function validate18(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
/*# sourceURL="https://tally-connector.local/schemas/config.schema.json" */;
let vErrors = null;
let errors = 0;
const evaluated0 = validate18.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.concurrency === undefined){
data.concurrency = 4;
}
if(data.workers === undefined){
data.workers = "auto";
}
if(data.split_csv_min_bytes === undefined){
data.split_csv_min_bytes = 0;
}
if(data.privacy === undefined){
data.privacy = {};
}
if(data.limits === undefined){
data.limits = {};
}
if(data.log_level === undefined){
data.log_level = "info";
}
if(data.run === undefined){
data.run = {};
}
if(data.tenant_id === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "tenant_id"},message:"must have required property '"+"tenant_id"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.connector_id === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "connector_id"},message:"must have required property '"+"connector_id"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.source === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "source"},message:"must have required property '"+"source"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.streams === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "streams"},message:"must have required property '"+"streams"+"'"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(data.state === undefined){
const err4 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "state"},message:"must have required property '"+"state"+"'"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data.sink === undefined){
const err5 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "sink"},message:"must have required property '"+"sink"+"'"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
for(const key0 in data){
if(!(func1.call(schema21.properties, key0))){
const err6 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.tenant_id !== undefined){
let data0 = data.tenant_id;
if(typeof data0 === "string"){
if(!pattern2.test(data0)){
const err7 = {instancePath:instancePath+"/tenant_id",schemaPath:"#/properties/tenant_id/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"+"\""};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
else {
const err8 = {instancePath:instancePath+"/tenant_id",schemaPath:"#/properties/tenant_id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data.connector_id !== undefined){
let data1 = data.connector_id;
if(typeof data1 === "string"){
if(!pattern2.test(data1)){
const err9 = {instancePath:instancePath+"/connector_id",schemaPath:"#/properties/connector_id/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"+"\""};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
else {
const err10 = {instancePath:instancePath+"/connector_id",schemaPath:"#/properties/connector_id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.source !== undefined){
let data2 = data.source;
if(data2 && typeof data2 == "object" && !Array.isArray(data2)){
if(data2.type === undefined){
const err11 = {instancePath:instancePath+"/source",schemaPath:"#/properties/source/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
const tag0 = data2.type;
if(typeof tag0 == "string"){
if(tag0 === "local"){
if(data2 && typeof data2 == "object" && !Array.isArray(data2)){
if(data2.settle_seconds === undefined){
data2.settle_seconds = 0;
}
if(data2.type === undefined){
const err12 = {instancePath:instancePath+"/source",schemaPath:"#/$defs/localSource/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if(data2.path === undefined){
const err13 = {instancePath:instancePath+"/source",schemaPath:"#/$defs/localSource/required",keyword:"required",params:{missingProperty: "path"},message:"must have required property '"+"path"+"'"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(data2.type !== undefined){
if("local" !== data2.type){
const err14 = {instancePath:instancePath+"/source/type",schemaPath:"#/$defs/localSource/properties/type/const",keyword:"const",params:{allowedValue: "local"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data2.path !== undefined){
let data4 = data2.path;
if(typeof data4 === "string"){
if(func2(data4) < 1){
const err15 = {instancePath:instancePath+"/source/path",schemaPath:"#/$defs/localSource/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
else {
const err16 = {instancePath:instancePath+"/source/path",schemaPath:"#/$defs/localSource/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
let data5 = data2.settle_seconds;
if(typeof data5 == "number"){
if(data5 < 0 || isNaN(data5)){
const err17 = {instancePath:instancePath+"/source/settle_seconds",schemaPath:"#/$defs/localSource/properties/settle_seconds/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
else {
const err18 = {instancePath:instancePath+"/source/settle_seconds",schemaPath:"#/$defs/localSource/properties/settle_seconds/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
if(data2.archive_to !== undefined){
let data6 = data2.archive_to;
if(typeof data6 === "string"){
if(func2(data6) < 1){
const err19 = {instancePath:instancePath+"/source/archive_to",schemaPath:"#/$defs/localSource/properties/archive_to/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
else {
const err20 = {instancePath:instancePath+"/source/archive_to",schemaPath:"#/$defs/localSource/properties/archive_to/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
for(const key1 in data2){
if((((key1 !== "type") && (key1 !== "path")) && (key1 !== "settle_seconds")) && (key1 !== "archive_to")){
const err21 = {instancePath:instancePath+"/source",schemaPath:"#/$defs/localSource/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key1},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
}
else {
const err22 = {instancePath:instancePath+"/source",schemaPath:"#/$defs/localSource/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
var props0 = true;
}
else if(tag0 === "s3"){
if(!(validate19(data2, {instancePath:instancePath+"/source",parentData:data,parentDataProperty:"source",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate19.errors : vErrors.concat(validate19.errors);
errors = vErrors.length;
}
if(props0 !== true){
props0 = true;
}
}
else if(tag0 === "sftp"){
if(!(validate20(data2, {instancePath:instancePath+"/source",parentData:data,parentDataProperty:"source",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate20.errors : vErrors.concat(validate20.errors);
errors = vErrors.length;
}
if(props0 !== true){
props0 = true;
}
}
else {
const err23 = {instancePath:instancePath+"/source",schemaPath:"#/properties/source/discriminator",keyword:"discriminator",params:{error: "mapping", tag: "type", tagValue: tag0},message:"value of tag \"type\" must be in oneOf"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
else {
const err24 = {instancePath:instancePath+"/source",schemaPath:"#/properties/source/discriminator",keyword:"discriminator",params:{error: "tag", tag: "type", tagValue: tag0},message:"tag \"type\" must be string"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
else {
const err25 = {instancePath:instancePath+"/source",schemaPath:"#/properties/source/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
if(data.streams !== undefined){
let data7 = data.streams;
if(Array.isArray(data7)){
if(data7.length < 1){
const err26 = {instancePath:instancePath+"/streams",schemaPath:"#/properties/streams/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
const len0 = data7.length;
for(let i0=0; i0<len0; i0++){
let data8 = data7[i0];
const _errs27 = errors;
let valid10 = false;
const _errs28 = errors;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.pattern === undefined){
const err27 = {instancePath:instancePath+"/streams/" + i0,schemaPath:"#/$defs/stream/anyOf/0/required",keyword:"required",params:{missingProperty: "pattern"},message:"must have required property '"+"pattern"+"'"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
var _valid0 = _errs28 === errors;
valid10 = valid10 || _valid0;
const _errs29 = errors;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.patterns === undefined){
const err28 = {instancePath:instancePath+"/streams/" + i0,schemaPath:"#/$defs/stream/anyOf/1/required",keyword:"required",params:{missingProperty: "patterns"},message:"must have required property '"+"patterns"+"'"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
var _valid0 = _errs29 === errors;
valid10 = valid10 || _valid0;
if(!valid10){
const err29 = {instancePath:instancePath+"/streams/" + i0,schemaPath:"#/$defs/stream/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
else {
errors = _errs27;
if(vErrors !== null){
if(_errs27){
vErrors.length = _errs27;
}
else {
vErrors = null;
}
}
}
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.format === undefined){
data8.format = "auto";
}
if(data8.csv === undefined){
data8.csv = {};
}
if(data8.after_commit === undefined){
data8.after_commit = "keep";
}
if(data8.drift === undefined){
data8.drift = {};
}
if(data8.id === undefined){
const err30 = {instancePath:instancePath+"/streams/" + i0,schemaPath:"#/$defs/stream/required",keyword:"required",params:{missingProperty: "id"},message:"must have required property '"+"id"+"'"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
for(const key2 in data8){
if(!(func1.call(schema27.properties, key2))){
const err31 = {instancePath:instancePath+"/streams/" + i0,schemaPath:"#/$defs/stream/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
if(data8.id !== undefined){
let data9 = data8.id;
if(typeof data9 === "string"){
if(!pattern5.test(data9)){
const err32 = {instancePath:instancePath+"/streams/" + i0+"/id",schemaPath:"#/$defs/stream/properties/id/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"+"\""};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
else {
const err33 = {instancePath:instancePath+"/streams/" + i0+"/id",schemaPath:"#/$defs/stream/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
if(data8.pattern !== undefined){
let data10 = data8.pattern;
if(typeof data10 === "string"){
if(func2(data10) < 1){
const err34 = {instancePath:instancePath+"/streams/" + i0+"/pattern",schemaPath:"#/$defs/stream/properties/pattern/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
else {
const err35 = {instancePath:instancePath+"/streams/" + i0+"/pattern",schemaPath:"#/$defs/stream/properties/pattern/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
if(data8.patterns !== undefined){
let data11 = data8.patterns;
if(Array.isArray(data11)){
if(data11.length < 1){
const err36 = {instancePath:instancePath+"/streams/" + i0+"/patterns",schemaPath:"#/$defs/stream/properties/patterns/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
const len1 = data11.length;
for(let i1=0; i1<len1; i1++){
let data12 = data11[i1];
if(typeof data12 === "string"){
if(func2(data12) < 1){
const err37 = {instancePath:instancePath+"/streams/" + i0+"/patterns/" + i1,schemaPath:"#/$defs/stream/properties/patterns/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
else {
const err38 = {instancePath:instancePath+"/streams/" + i0+"/patterns/" + i1,schemaPath:"#/$defs/stream/properties/patterns/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
}
else {
const err39 = {instancePath:instancePath+"/streams/" + i0+"/patterns",schemaPath:"#/$defs/stream/properties/patterns/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
let data13 = data8.format;
if(!(((data13 === "auto") || (data13 === "xml")) || (data13 === "csv"))){
const err40 = {instancePath:instancePath+"/streams/" + i0+"/format",schemaPath:"#/$defs/stream/properties/format/enum",keyword:"enum",params:{allowedValues: schema27.properties.format.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
if(data8.entity !== undefined){
let data14 = data8.entity;
if(typeof data14 === "string"){
if(!pattern6.test(data14)){
const err41 = {instancePath:instancePath+"/streams/" + i0+"/entity",schemaPath:"#/$defs/stream/properties/entity/pattern",keyword:"pattern",params:{pattern: "^[a-z][a-z0-9_]{0,63}$"},message:"must match pattern \""+"^[a-z][a-z0-9_]{0,63}$"+"\""};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
else {
const err42 = {instancePath:instancePath+"/streams/" + i0+"/entity",schemaPath:"#/$defs/stream/properties/entity/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
let data15 = data8.csv;
if(data15 && typeof data15 == "object" && !Array.isArray(data15)){
if(data15.delimiter === undefined){
data15.delimiter = ",";
}
for(const key3 in data15){
if(!(key3 === "delimiter")){
const err43 = {instancePath:instancePath+"/streams/" + i0+"/csv",schemaPath:"#/$defs/stream/properties/csv/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
let data16 = data15.delimiter;
if(typeof data16 === "string"){
if(func2(data16) > 1){
const err44 = {instancePath:instancePath+"/streams/" + i0+"/csv/delimiter",schemaPath:"#/$defs/stream/properties/csv/properties/delimiter/maxLength",keyword:"maxLength",params:{limit: 1},message:"must NOT have more than 1 characters"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
if(func2(data16) < 1){
const err45 = {instancePath:instancePath+"/streams/" + i0+"/csv/delimiter",schemaPath:"#/$defs/stream/properties/csv/properties/delimiter/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
else {
const err46 = {instancePath:instancePath+"/streams/" + i0+"/csv/delimiter",schemaPath:"#/$defs/stream/properties/csv/properties/delimiter/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
else {
const err47 = {instancePath:instancePath+"/streams/" + i0+"/csv",schemaPath:"#/$defs/stream/properties/csv/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
if(data8.changes !== undefined){
let data17 = data8.changes;
if(data17 && typeof data17 == "object" && !Array.isArray(data17)){
if(data17.deletes === undefined){
data17.deletes = "none";
}
if(data17.emit === undefined){
data17.emit = "changes";
}
for(const key4 in data17){
if(!((key4 === "deletes") || (key4 === "emit"))){
const err48 = {instancePath:instancePath+"/streams/" + i0+"/changes",schemaPath:"#/$defs/stream/properties/changes/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
let data18 = data17.deletes;
if(!(((data18 === "none") || (data18 === "full")) || (data18 === "period"))){
const err49 = {instancePath:instancePath+"/streams/" + i0+"/changes/deletes",schemaPath:"#/$defs/stream/properties/changes/properties/deletes/enum",keyword:"enum",params:{allowedValues: schema27.properties.changes.properties.deletes.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
let data19 = data17.emit;
if(!((data19 === "changes") || (data19 === "all"))){
const err50 = {instancePath:instancePath+"/streams/" + i0+"/changes/emit",schemaPath:"#/$defs/stream/properties/changes/properties/emit/enum",keyword:"enum",params:{allowedValues: schema27.properties.changes.properties.emit.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
}
else {
const err51 = {instancePath:instancePath+"/streams/" + i0+"/changes",schemaPath:"#/$defs/stream/properties/changes/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
}
let data20 = data8.after_commit;
if(!(((data20 === "keep") || (data20 === "archive")) || (data20 === "delete"))){
const err52 = {instancePath:instancePath+"/streams/" + i0+"/after_commit",schemaPath:"#/$defs/stream/properties/after_commit/enum",keyword:"enum",params:{allowedValues: schema27.properties.after_commit.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
let data21 = data8.drift;
if(data21 && typeof data21 == "object" && !Array.isArray(data21)){
if(data21.compatible === undefined){
data21.compatible = "evolve";
}
if(data21.breaking === undefined){
data21.breaking = "quarantine";
}
for(const key5 in data21){
if(!((key5 === "compatible") || (key5 === "breaking"))){
const err53 = {instancePath:instancePath+"/streams/" + i0+"/drift",schemaPath:"#/$defs/stream/properties/drift/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
}
let data22 = data21.compatible;
if(!((((data22 === "evolve") || (data22 === "alert")) || (data22 === "quarantine")) || (data22 === "fail"))){
const err54 = {instancePath:instancePath+"/streams/" + i0+"/drift/compatible",schemaPath:"#/$defs/stream/properties/drift/properties/compatible/enum",keyword:"enum",params:{allowedValues: schema27.properties.drift.properties.compatible.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
let data23 = data21.breaking;
if(!((((data23 === "evolve") || (data23 === "alert")) || (data23 === "quarantine")) || (data23 === "fail"))){
const err55 = {instancePath:instancePath+"/streams/" + i0+"/drift/breaking",schemaPath:"#/$defs/stream/properties/drift/properties/breaking/enum",keyword:"enum",params:{allowedValues: schema27.properties.drift.properties.breaking.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
else {
const err56 = {instancePath:instancePath+"/streams/" + i0+"/drift",schemaPath:"#/$defs/stream/properties/drift/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
}
else {
const err57 = {instancePath:instancePath+"/streams/" + i0,schemaPath:"#/$defs/stream/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
}
}
else {
const err58 = {instancePath:instancePath+"/streams",schemaPath:"#/properties/streams/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
}
if(data.state !== undefined){
let data24 = data.state;
if(data24 && typeof data24 == "object" && !Array.isArray(data24)){
if(data24.type === undefined){
const err59 = {instancePath:instancePath+"/state",schemaPath:"#/properties/state/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
const tag1 = data24.type;
if(typeof tag1 == "string"){
if(tag1 === "local"){
if(data24 && typeof data24 == "object" && !Array.isArray(data24)){
if(data24.type === undefined){
const err60 = {instancePath:instancePath+"/state",schemaPath:"#/$defs/localStore/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
if(data24.path === undefined){
const err61 = {instancePath:instancePath+"/state",schemaPath:"#/$defs/localStore/required",keyword:"required",params:{missingProperty: "path"},message:"must have required property '"+"path"+"'"};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
if(data24.type !== undefined){
if("local" !== data24.type){
const err62 = {instancePath:instancePath+"/state/type",schemaPath:"#/$defs/localStore/properties/type/const",keyword:"const",params:{allowedValue: "local"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
if(data24.path !== undefined){
let data26 = data24.path;
if(typeof data26 === "string"){
if(func2(data26) < 1){
const err63 = {instancePath:instancePath+"/state/path",schemaPath:"#/$defs/localStore/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
}
else {
const err64 = {instancePath:instancePath+"/state/path",schemaPath:"#/$defs/localStore/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
}
for(const key6 in data24){
if((key6 !== "type") && (key6 !== "path")){
const err65 = {instancePath:instancePath+"/state",schemaPath:"#/$defs/localStore/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key6},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
}
}
else {
const err66 = {instancePath:instancePath+"/state",schemaPath:"#/$defs/localStore/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
var props1 = true;
}
else if(tag1 === "s3"){
if(!(validate23(data24, {instancePath:instancePath+"/state",parentData:data,parentDataProperty:"state",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate23.errors : vErrors.concat(validate23.errors);
errors = vErrors.length;
}
if(props1 !== true){
props1 = true;
}
}
else {
const err67 = {instancePath:instancePath+"/state",schemaPath:"#/properties/state/discriminator",keyword:"discriminator",params:{error: "mapping", tag: "type", tagValue: tag1},message:"value of tag \"type\" must be in oneOf"};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
}
else {
const err68 = {instancePath:instancePath+"/state",schemaPath:"#/properties/state/discriminator",keyword:"discriminator",params:{error: "tag", tag: "type", tagValue: tag1},message:"tag \"type\" must be string"};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
}
else {
const err69 = {instancePath:instancePath+"/state",schemaPath:"#/properties/state/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
}
if(data.schema_registry !== undefined){
let data27 = data.schema_registry;
if(data27 && typeof data27 == "object" && !Array.isArray(data27)){
if(data27.type === undefined){
const err70 = {instancePath:instancePath+"/schema_registry",schemaPath:"#/properties/schema_registry/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
const tag2 = data27.type;
if(typeof tag2 == "string"){
if(tag2 === "local"){
if(data27 && typeof data27 == "object" && !Array.isArray(data27)){
if(data27.type === undefined){
const err71 = {instancePath:instancePath+"/schema_registry",schemaPath:"#/$defs/localStore/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
if(data27.path === undefined){
const err72 = {instancePath:instancePath+"/schema_registry",schemaPath:"#/$defs/localStore/required",keyword:"required",params:{missingProperty: "path"},message:"must have required property '"+"path"+"'"};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
if(data27.type !== undefined){
if("local" !== data27.type){
const err73 = {instancePath:instancePath+"/schema_registry/type",schemaPath:"#/$defs/localStore/properties/type/const",keyword:"const",params:{allowedValue: "local"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
}
if(data27.path !== undefined){
let data29 = data27.path;
if(typeof data29 === "string"){
if(func2(data29) < 1){
const err74 = {instancePath:instancePath+"/schema_registry/path",schemaPath:"#/$defs/localStore/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
}
else {
const err75 = {instancePath:instancePath+"/schema_registry/path",schemaPath:"#/$defs/localStore/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
}
for(const key7 in data27){
if((key7 !== "type") && (key7 !== "path")){
const err76 = {instancePath:instancePath+"/schema_registry",schemaPath:"#/$defs/localStore/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key7},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
}
}
else {
const err77 = {instancePath:instancePath+"/schema_registry",schemaPath:"#/$defs/localStore/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
var props2 = true;
}
else if(tag2 === "s3"){
if(!(validate23(data27, {instancePath:instancePath+"/schema_registry",parentData:data,parentDataProperty:"schema_registry",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate23.errors : vErrors.concat(validate23.errors);
errors = vErrors.length;
}
if(props2 !== true){
props2 = true;
}
}
else {
const err78 = {instancePath:instancePath+"/schema_registry",schemaPath:"#/properties/schema_registry/discriminator",keyword:"discriminator",params:{error: "mapping", tag: "type", tagValue: tag2},message:"value of tag \"type\" must be in oneOf"};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
}
else {
const err79 = {instancePath:instancePath+"/schema_registry",schemaPath:"#/properties/schema_registry/discriminator",keyword:"discriminator",params:{error: "tag", tag: "type", tagValue: tag2},message:"tag \"type\" must be string"};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
}
else {
const err80 = {instancePath:instancePath+"/schema_registry",schemaPath:"#/properties/schema_registry/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
}
if(data.sink !== undefined){
let data30 = data.sink;
if(data30 && typeof data30 == "object" && !Array.isArray(data30)){
if(data30.type === undefined){
const err81 = {instancePath:instancePath+"/sink",schemaPath:"#/properties/sink/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
const tag3 = data30.type;
if(typeof tag3 == "string"){
if(tag3 === "ndjson"){
if(data30 && typeof data30 == "object" && !Array.isArray(data30)){
if(data30.type === undefined){
const err82 = {instancePath:instancePath+"/sink",schemaPath:"#/$defs/ndjsonSink/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
if(data30.path === undefined){
const err83 = {instancePath:instancePath+"/sink",schemaPath:"#/$defs/ndjsonSink/required",keyword:"required",params:{missingProperty: "path"},message:"must have required property '"+"path"+"'"};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
if(data30.type !== undefined){
if("ndjson" !== data30.type){
const err84 = {instancePath:instancePath+"/sink/type",schemaPath:"#/$defs/ndjsonSink/properties/type/const",keyword:"const",params:{allowedValue: "ndjson"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
}
if(data30.path !== undefined){
let data32 = data30.path;
if(typeof data32 === "string"){
if(func2(data32) < 1){
const err85 = {instancePath:instancePath+"/sink/path",schemaPath:"#/$defs/ndjsonSink/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
}
else {
const err86 = {instancePath:instancePath+"/sink/path",schemaPath:"#/$defs/ndjsonSink/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
}
for(const key8 in data30){
if((key8 !== "type") && (key8 !== "path")){
const err87 = {instancePath:instancePath+"/sink",schemaPath:"#/$defs/ndjsonSink/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key8},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err87];
}
else {
vErrors.push(err87);
}
errors++;
}
}
}
else {
const err88 = {instancePath:instancePath+"/sink",schemaPath:"#/$defs/ndjsonSink/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err88];
}
else {
vErrors.push(err88);
}
errors++;
}
var props3 = true;
}
else if(tag3 === "parquet"){
if(data30 && typeof data30 == "object" && !Array.isArray(data30)){
if(data30.compression === undefined){
data30.compression = "zstd";
}
if(data30.row_group_rows === undefined){
data30.row_group_rows = 65536;
}
if(data30.parallel_min_bytes === undefined){
data30.parallel_min_bytes = 16777216;
}
if(data30.decimal_scale === undefined){
data30.decimal_scale = 6;
}
if(data30.type === undefined){
const err89 = {instancePath:instancePath+"/sink",schemaPath:"#/$defs/parquetSink/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err89];
}
else {
vErrors.push(err89);
}
errors++;
}
if(data30.path === undefined){
const err90 = {instancePath:instancePath+"/sink",schemaPath:"#/$defs/parquetSink/required",keyword:"required",params:{missingProperty: "path"},message:"must have required property '"+"path"+"'"};
if(vErrors === null){
vErrors = [err90];
}
else {
vErrors.push(err90);
}
errors++;
}
if(data30.type !== undefined){
if("parquet" !== data30.type){
const err91 = {instancePath:instancePath+"/sink/type",schemaPath:"#/$defs/parquetSink/properties/type/const",keyword:"const",params:{allowedValue: "parquet"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err91];
}
else {
vErrors.push(err91);
}
errors++;
}
}
if(data30.path !== undefined){
let data34 = data30.path;
if(typeof data34 === "string"){
if(func2(data34) < 1){
const err92 = {instancePath:instancePath+"/sink/path",schemaPath:"#/$defs/parquetSink/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err92];
}
else {
vErrors.push(err92);
}
errors++;
}
}
else {
const err93 = {instancePath:instancePath+"/sink/path",schemaPath:"#/$defs/parquetSink/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err93];
}
else {
vErrors.push(err93);
}
errors++;
}
}
let data35 = data30.compression;
if(!(((data35 === "zstd") || (data35 === "snappy")) || (data35 === "none"))){
const err94 = {instancePath:instancePath+"/sink/compression",schemaPath:"#/$defs/parquetSink/properties/compression/enum",keyword:"enum",params:{allowedValues: schema35.properties.compression.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err94];
}
else {
vErrors.push(err94);
}
errors++;
}
let data36 = data30.row_group_rows;
if(!((typeof data36 == "number") && (!(data36 % 1) && !isNaN(data36)))){
const err95 = {instancePath:instancePath+"/sink/row_group_rows",schemaPath:"#/$defs/parquetSink/properties/row_group_rows/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err95];
}
else {
vErrors.push(err95);
}
errors++;
}
if(typeof data36 == "number"){
if(data36 > 1048576 || isNaN(data36)){
const err96 = {instancePath:instancePath+"/sink/row_group_rows",schemaPath:"#/$defs/parquetSink/properties/row_group_rows/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1048576},message:"must be <= 1048576"};
if(vErrors === null){
vErrors = [err96];
}
else {
vErrors.push(err96);
}
errors++;
}
if(data36 < 1024 || isNaN(data36)){
const err97 = {instancePath:instancePath+"/sink/row_group_rows",schemaPath:"#/$defs/parquetSink/properties/row_group_rows/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1024},message:"must be >= 1024"};
if(vErrors === null){
vErrors = [err97];
}
else {
vErrors.push(err97);
}
errors++;
}
}
let data37 = data30.parallel_min_bytes;
if(!((typeof data37 == "number") && (!(data37 % 1) && !isNaN(data37)))){
const err98 = {instancePath:instancePath+"/sink/parallel_min_bytes",schemaPath:"#/$defs/parquetSink/properties/parallel_min_bytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err98];
}
else {
vErrors.push(err98);
}
errors++;
}
if(typeof data37 == "number"){
if(data37 < 4096 || isNaN(data37)){
const err99 = {instancePath:instancePath+"/sink/parallel_min_bytes",schemaPath:"#/$defs/parquetSink/properties/parallel_min_bytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 4096},message:"must be >= 4096"};
if(vErrors === null){
vErrors = [err99];
}
else {
vErrors.push(err99);
}
errors++;
}
}
let data38 = data30.decimal_scale;
if(!((typeof data38 == "number") && (!(data38 % 1) && !isNaN(data38)))){
const err100 = {instancePath:instancePath+"/sink/decimal_scale",schemaPath:"#/$defs/parquetSink/properties/decimal_scale/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err100];
}
else {
vErrors.push(err100);
}
errors++;
}
if(typeof data38 == "number"){
if(data38 > 18 || isNaN(data38)){
const err101 = {instancePath:instancePath+"/sink/decimal_scale",schemaPath:"#/$defs/parquetSink/properties/decimal_scale/maximum",keyword:"maximum",params:{comparison: "<=", limit: 18},message:"must be <= 18"};
if(vErrors === null){
vErrors = [err101];
}
else {
vErrors.push(err101);
}
errors++;
}
if(data38 < 0 || isNaN(data38)){
const err102 = {instancePath:instancePath+"/sink/decimal_scale",schemaPath:"#/$defs/parquetSink/properties/decimal_scale/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err102];
}
else {
vErrors.push(err102);
}
errors++;
}
}
for(const key9 in data30){
if((((((key9 !== "type") && (key9 !== "path")) && (key9 !== "compression")) && (key9 !== "row_group_rows")) && (key9 !== "parallel_min_bytes")) && (key9 !== "decimal_scale")){
const err103 = {instancePath:instancePath+"/sink",schemaPath:"#/$defs/parquetSink/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key9},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err103];
}
else {
vErrors.push(err103);
}
errors++;
}
}
}
else {
const err104 = {instancePath:instancePath+"/sink",schemaPath:"#/$defs/parquetSink/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err104];
}
else {
vErrors.push(err104);
}
errors++;
}
if(props3 !== true){
props3 = true;
}
}
else if(tag3 === "arrow"){
if(data30 && typeof data30 == "object" && !Array.isArray(data30)){
if(data30.compression === undefined){
data30.compression = "zstd";
}
if(data30.row_group_rows === undefined){
data30.row_group_rows = 65536;
}
if(data30.parallel_min_bytes === undefined){
data30.parallel_min_bytes = 16777216;
}
if(data30.decimal_scale === undefined){
data30.decimal_scale = 6;
}
if(data30.type === undefined){
const err105 = {instancePath:instancePath+"/sink",schemaPath:"#/$defs/arrowSink/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err105];
}
else {
vErrors.push(err105);
}
errors++;
}
if(data30.path === undefined){
const err106 = {instancePath:instancePath+"/sink",schemaPath:"#/$defs/arrowSink/required",keyword:"required",params:{missingProperty: "path"},message:"must have required property '"+"path"+"'"};
if(vErrors === null){
vErrors = [err106];
}
else {
vErrors.push(err106);
}
errors++;
}
if(data30.type !== undefined){
if("arrow" !== data30.type){
const err107 = {instancePath:instancePath+"/sink/type",schemaPath:"#/$defs/arrowSink/properties/type/const",keyword:"const",params:{allowedValue: "arrow"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err107];
}
else {
vErrors.push(err107);
}
errors++;
}
}
if(data30.path !== undefined){
let data40 = data30.path;
if(typeof data40 === "string"){
if(func2(data40) < 1){
const err108 = {instancePath:instancePath+"/sink/path",schemaPath:"#/$defs/arrowSink/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err108];
}
else {
vErrors.push(err108);
}
errors++;
}
}
else {
const err109 = {instancePath:instancePath+"/sink/path",schemaPath:"#/$defs/arrowSink/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err109];
}
else {
vErrors.push(err109);
}
errors++;
}
}
let data41 = data30.compression;
if(!(((data41 === "zstd") || (data41 === "snappy")) || (data41 === "none"))){
const err110 = {instancePath:instancePath+"/sink/compression",schemaPath:"#/$defs/arrowSink/properties/compression/enum",keyword:"enum",params:{allowedValues: schema36.properties.compression.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err110];
}
else {
vErrors.push(err110);
}
errors++;
}
let data42 = data30.row_group_rows;
if(!((typeof data42 == "number") && (!(data42 % 1) && !isNaN(data42)))){
const err111 = {instancePath:instancePath+"/sink/row_group_rows",schemaPath:"#/$defs/arrowSink/properties/row_group_rows/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err111];
}
else {
vErrors.push(err111);
}
errors++;
}
if(typeof data42 == "number"){
if(data42 > 1048576 || isNaN(data42)){
const err112 = {instancePath:instancePath+"/sink/row_group_rows",schemaPath:"#/$defs/arrowSink/properties/row_group_rows/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1048576},message:"must be <= 1048576"};
if(vErrors === null){
vErrors = [err112];
}
else {
vErrors.push(err112);
}
errors++;
}
if(data42 < 1024 || isNaN(data42)){
const err113 = {instancePath:instancePath+"/sink/row_group_rows",schemaPath:"#/$defs/arrowSink/properties/row_group_rows/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1024},message:"must be >= 1024"};
if(vErrors === null){
vErrors = [err113];
}
else {
vErrors.push(err113);
}
errors++;
}
}
let data43 = data30.parallel_min_bytes;
if(!((typeof data43 == "number") && (!(data43 % 1) && !isNaN(data43)))){
const err114 = {instancePath:instancePath+"/sink/parallel_min_bytes",schemaPath:"#/$defs/arrowSink/properties/parallel_min_bytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err114];
}
else {
vErrors.push(err114);
}
errors++;
}
if(typeof data43 == "number"){
if(data43 < 4096 || isNaN(data43)){
const err115 = {instancePath:instancePath+"/sink/parallel_min_bytes",schemaPath:"#/$defs/arrowSink/properties/parallel_min_bytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 4096},message:"must be >= 4096"};
if(vErrors === null){
vErrors = [err115];
}
else {
vErrors.push(err115);
}
errors++;
}
}
let data44 = data30.decimal_scale;
if(!((typeof data44 == "number") && (!(data44 % 1) && !isNaN(data44)))){
const err116 = {instancePath:instancePath+"/sink/decimal_scale",schemaPath:"#/$defs/arrowSink/properties/decimal_scale/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err116];
}
else {
vErrors.push(err116);
}
errors++;
}
if(typeof data44 == "number"){
if(data44 > 18 || isNaN(data44)){
const err117 = {instancePath:instancePath+"/sink/decimal_scale",schemaPath:"#/$defs/arrowSink/properties/decimal_scale/maximum",keyword:"maximum",params:{comparison: "<=", limit: 18},message:"must be <= 18"};
if(vErrors === null){
vErrors = [err117];
}
else {
vErrors.push(err117);
}
errors++;
}
if(data44 < 0 || isNaN(data44)){
const err118 = {instancePath:instancePath+"/sink/decimal_scale",schemaPath:"#/$defs/arrowSink/properties/decimal_scale/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err118];
}
else {
vErrors.push(err118);
}
errors++;
}
}
for(const key10 in data30){
if((((((key10 !== "type") && (key10 !== "path")) && (key10 !== "compression")) && (key10 !== "row_group_rows")) && (key10 !== "parallel_min_bytes")) && (key10 !== "decimal_scale")){
const err119 = {instancePath:instancePath+"/sink",schemaPath:"#/$defs/arrowSink/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key10},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err119];
}
else {
vErrors.push(err119);
}
errors++;
}
}
}
else {
const err120 = {instancePath:instancePath+"/sink",schemaPath:"#/$defs/arrowSink/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err120];
}
else {
vErrors.push(err120);
}
errors++;
}
if(props3 !== true){
props3 = true;
}
}
else if(tag3 === "stdout"){
if(data30 && typeof data30 == "object" && !Array.isArray(data30)){
if(data30.type === undefined){
const err121 = {instancePath:instancePath+"/sink",schemaPath:"#/$defs/stdoutSink/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err121];
}
else {
vErrors.push(err121);
}
errors++;
}
if(data30.type !== undefined){
if("stdout" !== data30.type){
const err122 = {instancePath:instancePath+"/sink/type",schemaPath:"#/$defs/stdoutSink/properties/type/const",keyword:"const",params:{allowedValue: "stdout"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err122];
}
else {
vErrors.push(err122);
}
errors++;
}
}
for(const key11 in data30){
if(key11 !== "type"){
const err123 = {instancePath:instancePath+"/sink",schemaPath:"#/$defs/stdoutSink/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key11},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err123];
}
else {
vErrors.push(err123);
}
errors++;
}
}
}
else {
const err124 = {instancePath:instancePath+"/sink",schemaPath:"#/$defs/stdoutSink/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err124];
}
else {
vErrors.push(err124);
}
errors++;
}
if(props3 !== true){
props3 = true;
}
}
else if(tag3 === "s3"){
if(!(validate26(data30, {instancePath:instancePath+"/sink",parentData:data,parentDataProperty:"sink",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate26.errors : vErrors.concat(validate26.errors);
errors = vErrors.length;
}
if(props3 !== true){
props3 = true;
}
}
else {
const err125 = {instancePath:instancePath+"/sink",schemaPath:"#/properties/sink/discriminator",keyword:"discriminator",params:{error: "mapping", tag: "type", tagValue: tag3},message:"value of tag \"type\" must be in oneOf"};
if(vErrors === null){
vErrors = [err125];
}
else {
vErrors.push(err125);
}
errors++;
}
}
else {
const err126 = {instancePath:instancePath+"/sink",schemaPath:"#/properties/sink/discriminator",keyword:"discriminator",params:{error: "tag", tag: "type", tagValue: tag3},message:"tag \"type\" must be string"};
if(vErrors === null){
vErrors = [err126];
}
else {
vErrors.push(err126);
}
errors++;
}
}
else {
const err127 = {instancePath:instancePath+"/sink",schemaPath:"#/properties/sink/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err127];
}
else {
vErrors.push(err127);
}
errors++;
}
}
if(data.dead_letter !== undefined){
let data46 = data.dead_letter;
const _errs125 = errors;
let valid41 = true;
const _errs126 = errors;
if(errors === _errs126){
if(data46 && typeof data46 == "object" && !Array.isArray(data46)){
let missing0;
if((data46.type === undefined) && (missing0 = "type")){
const err128 = {};
if(vErrors === null){
vErrors = [err128];
}
else {
vErrors.push(err128);
}
errors++;
}
else {
if(data46.type !== undefined){
if("s3" !== data46.type){
const err129 = {};
if(vErrors === null){
vErrors = [err129];
}
else {
vErrors.push(err129);
}
errors++;
}
}
}
}
else {
const err130 = {};
if(vErrors === null){
vErrors = [err130];
}
else {
vErrors.push(err130);
}
errors++;
}
}
var _valid1 = _errs126 === errors;
errors = _errs125;
if(vErrors !== null){
if(_errs125){
vErrors.length = _errs125;
}
else {
vErrors = null;
}
}
let ifClause0;
if(_valid1){
const _errs129 = errors;
if(!(validate26(data46, {instancePath:instancePath+"/dead_letter",parentData:data,parentDataProperty:"dead_letter",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate26.errors : vErrors.concat(validate26.errors);
errors = vErrors.length;
}
var _valid1 = _errs129 === errors;
valid41 = _valid1;
if(valid41){
var props4 = true;
}
ifClause0 = "then";
}
else {
const _errs130 = errors;
if(data46 && typeof data46 == "object" && !Array.isArray(data46)){
for(const key12 in data46){
if(!((key12 === "type") || (key12 === "path"))){
const err131 = {instancePath:instancePath+"/dead_letter",schemaPath:"#/$defs/localDeadLetter/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key12},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err131];
}
else {
vErrors.push(err131);
}
errors++;
}
}
if(data46.type !== undefined){
if("local" !== data46.type){
const err132 = {instancePath:instancePath+"/dead_letter/type",schemaPath:"#/$defs/localDeadLetter/properties/type/const",keyword:"const",params:{allowedValue: "local"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err132];
}
else {
vErrors.push(err132);
}
errors++;
}
}
if(data46.path !== undefined){
let data49 = data46.path;
if(typeof data49 === "string"){
if(func2(data49) < 1){
const err133 = {instancePath:instancePath+"/dead_letter/path",schemaPath:"#/$defs/localDeadLetter/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err133];
}
else {
vErrors.push(err133);
}
errors++;
}
}
else {
const err134 = {instancePath:instancePath+"/dead_letter/path",schemaPath:"#/$defs/localDeadLetter/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err134];
}
else {
vErrors.push(err134);
}
errors++;
}
}
}
else {
const err135 = {instancePath:instancePath+"/dead_letter",schemaPath:"#/$defs/localDeadLetter/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err135];
}
else {
vErrors.push(err135);
}
errors++;
}
var _valid1 = _errs130 === errors;
valid41 = _valid1;
if(valid41){
if(props4 !== true){
props4 = true;
}
}
ifClause0 = "else";
}
if(!valid41){
const err136 = {instancePath:instancePath+"/dead_letter",schemaPath:"#/properties/dead_letter/if",keyword:"if",params:{failingKeyword: ifClause0},message:"must match \""+ifClause0+"\" schema"};
if(vErrors === null){
vErrors = [err136];
}
else {
vErrors.push(err136);
}
errors++;
}
}
if(data.audit !== undefined){
let data50 = data.audit;
const _errs138 = errors;
let valid45 = true;
const _errs139 = errors;
if(errors === _errs139){
if(data50 && typeof data50 == "object" && !Array.isArray(data50)){
let missing1;
if((data50.type === undefined) && (missing1 = "type")){
const err137 = {};
if(vErrors === null){
vErrors = [err137];
}
else {
vErrors.push(err137);
}
errors++;
}
else {
if(data50.type !== undefined){
if("s3" !== data50.type){
const err138 = {};
if(vErrors === null){
vErrors = [err138];
}
else {
vErrors.push(err138);
}
errors++;
}
}
}
}
else {
const err139 = {};
if(vErrors === null){
vErrors = [err139];
}
else {
vErrors.push(err139);
}
errors++;
}
}
var _valid2 = _errs139 === errors;
errors = _errs138;
if(vErrors !== null){
if(_errs138){
vErrors.length = _errs138;
}
else {
vErrors = null;
}
}
let ifClause1;
if(_valid2){
const _errs142 = errors;
if(!(validate26(data50, {instancePath:instancePath+"/audit",parentData:data,parentDataProperty:"audit",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate26.errors : vErrors.concat(validate26.errors);
errors = vErrors.length;
}
var _valid2 = _errs142 === errors;
valid45 = _valid2;
if(valid45){
var props5 = true;
}
ifClause1 = "then";
}
else {
const _errs143 = errors;
if(data50 && typeof data50 == "object" && !Array.isArray(data50)){
for(const key13 in data50){
if(!((key13 === "type") || (key13 === "path"))){
const err140 = {instancePath:instancePath+"/audit",schemaPath:"#/$defs/localDeadLetter/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key13},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err140];
}
else {
vErrors.push(err140);
}
errors++;
}
}
if(data50.type !== undefined){
if("local" !== data50.type){
const err141 = {instancePath:instancePath+"/audit/type",schemaPath:"#/$defs/localDeadLetter/properties/type/const",keyword:"const",params:{allowedValue: "local"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err141];
}
else {
vErrors.push(err141);
}
errors++;
}
}
if(data50.path !== undefined){
let data53 = data50.path;
if(typeof data53 === "string"){
if(func2(data53) < 1){
const err142 = {instancePath:instancePath+"/audit/path",schemaPath:"#/$defs/localDeadLetter/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err142];
}
else {
vErrors.push(err142);
}
errors++;
}
}
else {
const err143 = {instancePath:instancePath+"/audit/path",schemaPath:"#/$defs/localDeadLetter/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err143];
}
else {
vErrors.push(err143);
}
errors++;
}
}
}
else {
const err144 = {instancePath:instancePath+"/audit",schemaPath:"#/$defs/localDeadLetter/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err144];
}
else {
vErrors.push(err144);
}
errors++;
}
var _valid2 = _errs143 === errors;
valid45 = _valid2;
if(valid45){
if(props5 !== true){
props5 = true;
}
}
ifClause1 = "else";
}
if(!valid45){
const err145 = {instancePath:instancePath+"/audit",schemaPath:"#/properties/audit/if",keyword:"if",params:{failingKeyword: ifClause1},message:"must match \""+ifClause1+"\" schema"};
if(vErrors === null){
vErrors = [err145];
}
else {
vErrors.push(err145);
}
errors++;
}
}
let data54 = data.concurrency;
if(!((typeof data54 == "number") && (!(data54 % 1) && !isNaN(data54)))){
const err146 = {instancePath:instancePath+"/concurrency",schemaPath:"#/properties/concurrency/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err146];
}
else {
vErrors.push(err146);
}
errors++;
}
if(typeof data54 == "number"){
if(data54 > 64 || isNaN(data54)){
const err147 = {instancePath:instancePath+"/concurrency",schemaPath:"#/properties/concurrency/maximum",keyword:"maximum",params:{comparison: "<=", limit: 64},message:"must be <= 64"};
if(vErrors === null){
vErrors = [err147];
}
else {
vErrors.push(err147);
}
errors++;
}
if(data54 < 1 || isNaN(data54)){
const err148 = {instancePath:instancePath+"/concurrency",schemaPath:"#/properties/concurrency/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err148];
}
else {
vErrors.push(err148);
}
errors++;
}
}
let data55 = data.workers;
const _errs153 = errors;
let valid49 = false;
let passing0 = null;
const _errs154 = errors;
if("auto" !== data55){
const err149 = {instancePath:instancePath+"/workers",schemaPath:"#/properties/workers/oneOf/0/const",keyword:"const",params:{allowedValue: "auto"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err149];
}
else {
vErrors.push(err149);
}
errors++;
}
var _valid3 = _errs154 === errors;
if(_valid3){
valid49 = true;
passing0 = 0;
}
const _errs155 = errors;
if(!((typeof data55 == "number") && (!(data55 % 1) && !isNaN(data55)))){
const err150 = {instancePath:instancePath+"/workers",schemaPath:"#/properties/workers/oneOf/1/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err150];
}
else {
vErrors.push(err150);
}
errors++;
}
if(typeof data55 == "number"){
if(data55 > 64 || isNaN(data55)){
const err151 = {instancePath:instancePath+"/workers",schemaPath:"#/properties/workers/oneOf/1/maximum",keyword:"maximum",params:{comparison: "<=", limit: 64},message:"must be <= 64"};
if(vErrors === null){
vErrors = [err151];
}
else {
vErrors.push(err151);
}
errors++;
}
if(data55 < 1 || isNaN(data55)){
const err152 = {instancePath:instancePath+"/workers",schemaPath:"#/properties/workers/oneOf/1/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err152];
}
else {
vErrors.push(err152);
}
errors++;
}
}
var _valid3 = _errs155 === errors;
if(_valid3 && valid49){
valid49 = false;
passing0 = [passing0, 1];
}
else {
if(_valid3){
valid49 = true;
passing0 = 1;
}
}
if(!valid49){
const err153 = {instancePath:instancePath+"/workers",schemaPath:"#/properties/workers/oneOf",keyword:"oneOf",params:{passingSchemas: passing0},message:"must match exactly one schema in oneOf"};
if(vErrors === null){
vErrors = [err153];
}
else {
vErrors.push(err153);
}
errors++;
}
else {
errors = _errs153;
if(vErrors !== null){
if(_errs153){
vErrors.length = _errs153;
}
else {
vErrors = null;
}
}
}
let data56 = data.split_csv_min_bytes;
if(!((typeof data56 == "number") && (!(data56 % 1) && !isNaN(data56)))){
const err154 = {instancePath:instancePath+"/split_csv_min_bytes",schemaPath:"#/properties/split_csv_min_bytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err154];
}
else {
vErrors.push(err154);
}
errors++;
}
if(typeof data56 == "number"){
if(data56 < 0 || isNaN(data56)){
const err155 = {instancePath:instancePath+"/split_csv_min_bytes",schemaPath:"#/properties/split_csv_min_bytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err155];
}
else {
vErrors.push(err155);
}
errors++;
}
}
let data57 = data.privacy;
if(data57 && typeof data57 == "object" && !Array.isArray(data57)){
if(data57.clear_names === undefined){
data57.clear_names = false;
}
for(const key14 in data57){
if(!((key14 === "clear_names") || (key14 === "hash_key_env"))){
const err156 = {instancePath:instancePath+"/privacy",schemaPath:"#/properties/privacy/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key14},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err156];
}
else {
vErrors.push(err156);
}
errors++;
}
}
if(typeof data57.clear_names !== "boolean"){
const err157 = {instancePath:instancePath+"/privacy/clear_names",schemaPath:"#/properties/privacy/properties/clear_names/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err157];
}
else {
vErrors.push(err157);
}
errors++;
}
if(data57.hash_key_env !== undefined){
if(typeof data57.hash_key_env !== "string"){
const err158 = {instancePath:instancePath+"/privacy/hash_key_env",schemaPath:"#/properties/privacy/properties/hash_key_env/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err158];
}
else {
vErrors.push(err158);
}
errors++;
}
}
}
else {
const err159 = {instancePath:instancePath+"/privacy",schemaPath:"#/properties/privacy/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err159];
}
else {
vErrors.push(err159);
}
errors++;
}
let data60 = data.limits;
if(data60 && typeof data60 == "object" && !Array.isArray(data60)){
if(data60.max_file_bytes === undefined){
data60.max_file_bytes = 9007199254740991;
}
if(data60.max_row_bytes === undefined){
data60.max_row_bytes = 16777216;
}
if(data60.max_xml_depth === undefined){
data60.max_xml_depth = 64;
}
if(data60.max_fields === undefined){
data60.max_fields = 4096;
}
if(data60.max_buffered_master_bytes === undefined){
data60.max_buffered_master_bytes = 268435456;
}
if(data60.max_decompression_ratio === undefined){
data60.max_decompression_ratio = 200;
}
if(data60.memory_ceiling_bytes === undefined){
data60.memory_ceiling_bytes = 3221225472;
}
for(const key15 in data60){
if(!(((((((key15 === "max_file_bytes") || (key15 === "max_row_bytes")) || (key15 === "max_xml_depth")) || (key15 === "max_fields")) || (key15 === "max_buffered_master_bytes")) || (key15 === "max_decompression_ratio")) || (key15 === "memory_ceiling_bytes"))){
const err160 = {instancePath:instancePath+"/limits",schemaPath:"#/properties/limits/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key15},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err160];
}
else {
vErrors.push(err160);
}
errors++;
}
}
let data61 = data60.max_file_bytes;
if(!((typeof data61 == "number") && (!(data61 % 1) && !isNaN(data61)))){
const err161 = {instancePath:instancePath+"/limits/max_file_bytes",schemaPath:"#/properties/limits/properties/max_file_bytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err161];
}
else {
vErrors.push(err161);
}
errors++;
}
if(typeof data61 == "number"){
if(data61 < 1 || isNaN(data61)){
const err162 = {instancePath:instancePath+"/limits/max_file_bytes",schemaPath:"#/properties/limits/properties/max_file_bytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err162];
}
else {
vErrors.push(err162);
}
errors++;
}
}
let data62 = data60.max_row_bytes;
if(!((typeof data62 == "number") && (!(data62 % 1) && !isNaN(data62)))){
const err163 = {instancePath:instancePath+"/limits/max_row_bytes",schemaPath:"#/properties/limits/properties/max_row_bytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err163];
}
else {
vErrors.push(err163);
}
errors++;
}
if(typeof data62 == "number"){
if(data62 < 1024 || isNaN(data62)){
const err164 = {instancePath:instancePath+"/limits/max_row_bytes",schemaPath:"#/properties/limits/properties/max_row_bytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1024},message:"must be >= 1024"};
if(vErrors === null){
vErrors = [err164];
}
else {
vErrors.push(err164);
}
errors++;
}
}
let data63 = data60.max_xml_depth;
if(!((typeof data63 == "number") && (!(data63 % 1) && !isNaN(data63)))){
const err165 = {instancePath:instancePath+"/limits/max_xml_depth",schemaPath:"#/properties/limits/properties/max_xml_depth/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err165];
}
else {
vErrors.push(err165);
}
errors++;
}
if(typeof data63 == "number"){
if(data63 < 8 || isNaN(data63)){
const err166 = {instancePath:instancePath+"/limits/max_xml_depth",schemaPath:"#/properties/limits/properties/max_xml_depth/minimum",keyword:"minimum",params:{comparison: ">=", limit: 8},message:"must be >= 8"};
if(vErrors === null){
vErrors = [err166];
}
else {
vErrors.push(err166);
}
errors++;
}
}
let data64 = data60.max_fields;
if(!((typeof data64 == "number") && (!(data64 % 1) && !isNaN(data64)))){
const err167 = {instancePath:instancePath+"/limits/max_fields",schemaPath:"#/properties/limits/properties/max_fields/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err167];
}
else {
vErrors.push(err167);
}
errors++;
}
if(typeof data64 == "number"){
if(data64 < 1 || isNaN(data64)){
const err168 = {instancePath:instancePath+"/limits/max_fields",schemaPath:"#/properties/limits/properties/max_fields/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err168];
}
else {
vErrors.push(err168);
}
errors++;
}
}
let data65 = data60.max_buffered_master_bytes;
if(!((typeof data65 == "number") && (!(data65 % 1) && !isNaN(data65)))){
const err169 = {instancePath:instancePath+"/limits/max_buffered_master_bytes",schemaPath:"#/properties/limits/properties/max_buffered_master_bytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err169];
}
else {
vErrors.push(err169);
}
errors++;
}
if(typeof data65 == "number"){
if(data65 < 1024 || isNaN(data65)){
const err170 = {instancePath:instancePath+"/limits/max_buffered_master_bytes",schemaPath:"#/properties/limits/properties/max_buffered_master_bytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1024},message:"must be >= 1024"};
if(vErrors === null){
vErrors = [err170];
}
else {
vErrors.push(err170);
}
errors++;
}
}
let data66 = data60.max_decompression_ratio;
if(!((typeof data66 == "number") && (!(data66 % 1) && !isNaN(data66)))){
const err171 = {instancePath:instancePath+"/limits/max_decompression_ratio",schemaPath:"#/properties/limits/properties/max_decompression_ratio/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err171];
}
else {
vErrors.push(err171);
}
errors++;
}
if(typeof data66 == "number"){
if(data66 < 1 || isNaN(data66)){
const err172 = {instancePath:instancePath+"/limits/max_decompression_ratio",schemaPath:"#/properties/limits/properties/max_decompression_ratio/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err172];
}
else {
vErrors.push(err172);
}
errors++;
}
}
let data67 = data60.memory_ceiling_bytes;
if(!((typeof data67 == "number") && (!(data67 % 1) && !isNaN(data67)))){
const err173 = {instancePath:instancePath+"/limits/memory_ceiling_bytes",schemaPath:"#/properties/limits/properties/memory_ceiling_bytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err173];
}
else {
vErrors.push(err173);
}
errors++;
}
if(typeof data67 == "number"){
if(data67 < 67108864 || isNaN(data67)){
const err174 = {instancePath:instancePath+"/limits/memory_ceiling_bytes",schemaPath:"#/properties/limits/properties/memory_ceiling_bytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 67108864},message:"must be >= 67108864"};
if(vErrors === null){
vErrors = [err174];
}
else {
vErrors.push(err174);
}
errors++;
}
}
}
else {
const err175 = {instancePath:instancePath+"/limits",schemaPath:"#/properties/limits/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err175];
}
else {
vErrors.push(err175);
}
errors++;
}
let data68 = data.log_level;
if(typeof data68 !== "string"){
const err176 = {instancePath:instancePath+"/log_level",schemaPath:"#/properties/log_level/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err176];
}
else {
vErrors.push(err176);
}
errors++;
}
if(!((((((data68 === "trace") || (data68 === "debug")) || (data68 === "info")) || (data68 === "warn")) || (data68 === "error")) || (data68 === "silent"))){
const err177 = {instancePath:instancePath+"/log_level",schemaPath:"#/properties/log_level/enum",keyword:"enum",params:{allowedValues: schema21.properties.log_level.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err177];
}
else {
vErrors.push(err177);
}
errors++;
}
let data69 = data.run;
if(data69 && typeof data69 == "object" && !Array.isArray(data69)){
if(data69.progress_interval_ms === undefined){
data69.progress_interval_ms = 5000;
}
if(data69.stale_after_minutes === undefined){
data69.stale_after_minutes = 360;
}
if(data69.fail_fast === undefined){
data69.fail_fast = false;
}
if(data69.lease_ttl_seconds === undefined){
data69.lease_ttl_seconds = 300;
}
for(const key16 in data69){
if(!((((key16 === "progress_interval_ms") || (key16 === "stale_after_minutes")) || (key16 === "fail_fast")) || (key16 === "lease_ttl_seconds"))){
const err178 = {instancePath:instancePath+"/run",schemaPath:"#/properties/run/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key16},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err178];
}
else {
vErrors.push(err178);
}
errors++;
}
}
let data70 = data69.progress_interval_ms;
if(!((typeof data70 == "number") && (!(data70 % 1) && !isNaN(data70)))){
const err179 = {instancePath:instancePath+"/run/progress_interval_ms",schemaPath:"#/properties/run/properties/progress_interval_ms/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err179];
}
else {
vErrors.push(err179);
}
errors++;
}
if(typeof data70 == "number"){
if(data70 < 100 || isNaN(data70)){
const err180 = {instancePath:instancePath+"/run/progress_interval_ms",schemaPath:"#/properties/run/properties/progress_interval_ms/minimum",keyword:"minimum",params:{comparison: ">=", limit: 100},message:"must be >= 100"};
if(vErrors === null){
vErrors = [err180];
}
else {
vErrors.push(err180);
}
errors++;
}
}
let data71 = data69.stale_after_minutes;
if(!((typeof data71 == "number") && (!(data71 % 1) && !isNaN(data71)))){
const err181 = {instancePath:instancePath+"/run/stale_after_minutes",schemaPath:"#/properties/run/properties/stale_after_minutes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err181];
}
else {
vErrors.push(err181);
}
errors++;
}
if(typeof data71 == "number"){
if(data71 < 1 || isNaN(data71)){
const err182 = {instancePath:instancePath+"/run/stale_after_minutes",schemaPath:"#/properties/run/properties/stale_after_minutes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err182];
}
else {
vErrors.push(err182);
}
errors++;
}
}
if(typeof data69.fail_fast !== "boolean"){
const err183 = {instancePath:instancePath+"/run/fail_fast",schemaPath:"#/properties/run/properties/fail_fast/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err183];
}
else {
vErrors.push(err183);
}
errors++;
}
let data73 = data69.lease_ttl_seconds;
if(!((typeof data73 == "number") && (!(data73 % 1) && !isNaN(data73)))){
const err184 = {instancePath:instancePath+"/run/lease_ttl_seconds",schemaPath:"#/properties/run/properties/lease_ttl_seconds/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err184];
}
else {
vErrors.push(err184);
}
errors++;
}
if(typeof data73 == "number"){
if(data73 < 5 || isNaN(data73)){
const err185 = {instancePath:instancePath+"/run/lease_ttl_seconds",schemaPath:"#/properties/run/properties/lease_ttl_seconds/minimum",keyword:"minimum",params:{comparison: ">=", limit: 5},message:"must be >= 5"};
if(vErrors === null){
vErrors = [err185];
}
else {
vErrors.push(err185);
}
errors++;
}
}
}
else {
const err186 = {instancePath:instancePath+"/run",schemaPath:"#/properties/run/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err186];
}
else {
vErrors.push(err186);
}
errors++;
}
}
else {
const err187 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err187];
}
else {
vErrors.push(err187);
}
errors++;
}
validate18.errors = vErrors;
return errors === 0;
}
validate18.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

exports.def_s3Connection = validate30;

function validate30(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate30.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.prefix === undefined){
data.prefix = "";
}
if(data.region === undefined){
data.region = "us-east-1";
}
if(data.force_path_style === undefined){
data.force_path_style = false;
}
if(data.allow_http_for_local_development === undefined){
data.allow_http_for_local_development = false;
}
if(data.max_attempts === undefined){
data.max_attempts = 5;
}
if(data.retry_mode === undefined){
data.retry_mode = "standard";
}
if(data.bucket === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "bucket"},message:"must have required property '"+"bucket"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.bucket !== undefined){
let data0 = data.bucket;
if(typeof data0 === "string"){
if(func2(data0) > 63){
const err1 = {instancePath:instancePath+"/bucket",schemaPath:"#/properties/bucket/maxLength",keyword:"maxLength",params:{limit: 63},message:"must NOT have more than 63 characters"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(func2(data0) < 3){
const err2 = {instancePath:instancePath+"/bucket",schemaPath:"#/properties/bucket/minLength",keyword:"minLength",params:{limit: 3},message:"must NOT have fewer than 3 characters"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/bucket",schemaPath:"#/properties/bucket/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(typeof data.prefix !== "string"){
const err4 = {instancePath:instancePath+"/prefix",schemaPath:"#/properties/prefix/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(typeof data.region !== "string"){
const err5 = {instancePath:instancePath+"/region",schemaPath:"#/properties/region/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data.endpoint !== undefined){
if(typeof data.endpoint !== "string"){
const err6 = {instancePath:instancePath+"/endpoint",schemaPath:"#/properties/endpoint/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(typeof data.force_path_style !== "boolean"){
const err7 = {instancePath:instancePath+"/force_path_style",schemaPath:"#/properties/force_path_style/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(typeof data.allow_http_for_local_development !== "boolean"){
const err8 = {instancePath:instancePath+"/allow_http_for_local_development",schemaPath:"#/properties/allow_http_for_local_development/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
let data6 = data.max_attempts;
if(!((typeof data6 == "number") && (!(data6 % 1) && !isNaN(data6)))){
const err9 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/properties/max_attempts/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(typeof data6 == "number"){
if(data6 > 20 || isNaN(data6)){
const err10 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/properties/max_attempts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 20},message:"must be <= 20"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(data6 < 1 || isNaN(data6)){
const err11 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/properties/max_attempts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
let data7 = data.retry_mode;
if(!((data7 === "standard") || (data7 === "adaptive"))){
const err12 = {instancePath:instancePath+"/retry_mode",schemaPath:"#/properties/retry_mode/enum",keyword:"enum",params:{allowedValues: schema23.properties.retry_mode.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
validate30.errors = vErrors;
return errors === 0;
}
validate30.evaluated = {"props":{"bucket":true,"prefix":true,"region":true,"endpoint":true,"force_path_style":true,"allow_http_for_local_development":true,"max_attempts":true,"retry_mode":true},"dynamicProps":false,"dynamicItems":false};

exports.def_sftpConnection = validate31;

function validate31(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate31.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.port === undefined){
data.port = 22;
}
if(data.connect_timeout_ms === undefined){
data.connect_timeout_ms = 10000;
}
if(data.host === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "host"},message:"must have required property '"+"host"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.username === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "username"},message:"must have required property '"+"username"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.host_key_sha256 === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "host_key_sha256"},message:"must have required property '"+"host_key_sha256"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.host !== undefined){
let data0 = data.host;
if(typeof data0 === "string"){
if(func2(data0) < 1){
const err3 = {instancePath:instancePath+"/host",schemaPath:"#/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
else {
const err4 = {instancePath:instancePath+"/host",schemaPath:"#/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
let data1 = data.port;
if(!((typeof data1 == "number") && (!(data1 % 1) && !isNaN(data1)))){
const err5 = {instancePath:instancePath+"/port",schemaPath:"#/properties/port/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(typeof data1 == "number"){
if(data1 > 65535 || isNaN(data1)){
const err6 = {instancePath:instancePath+"/port",schemaPath:"#/properties/port/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(data1 < 1 || isNaN(data1)){
const err7 = {instancePath:instancePath+"/port",schemaPath:"#/properties/port/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.username !== undefined){
let data2 = data.username;
if(typeof data2 === "string"){
if(func2(data2) < 1){
const err8 = {instancePath:instancePath+"/username",schemaPath:"#/properties/username/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
else {
const err9 = {instancePath:instancePath+"/username",schemaPath:"#/properties/username/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data.private_key_file !== undefined){
if(typeof data.private_key_file !== "string"){
const err10 = {instancePath:instancePath+"/private_key_file",schemaPath:"#/properties/private_key_file/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.private_key_env !== undefined){
if(typeof data.private_key_env !== "string"){
const err11 = {instancePath:instancePath+"/private_key_env",schemaPath:"#/properties/private_key_env/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data.passphrase_env !== undefined){
if(typeof data.passphrase_env !== "string"){
const err12 = {instancePath:instancePath+"/passphrase_env",schemaPath:"#/properties/passphrase_env/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data.password_file !== undefined){
if(typeof data.password_file !== "string"){
const err13 = {instancePath:instancePath+"/password_file",schemaPath:"#/properties/password_file/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data.password_env !== undefined){
if(typeof data.password_env !== "string"){
const err14 = {instancePath:instancePath+"/password_env",schemaPath:"#/properties/password_env/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data.host_key_sha256 !== undefined){
let data8 = data.host_key_sha256;
if(typeof data8 === "string"){
if(!pattern4.test(data8)){
const err15 = {instancePath:instancePath+"/host_key_sha256",schemaPath:"#/properties/host_key_sha256/pattern",keyword:"pattern",params:{pattern: "^(SHA256:)?[A-Za-z0-9+/]{43}=?$"},message:"must match pattern \""+"^(SHA256:)?[A-Za-z0-9+/]{43}=?$"+"\""};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
else {
const err16 = {instancePath:instancePath+"/host_key_sha256",schemaPath:"#/properties/host_key_sha256/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
let data9 = data.connect_timeout_ms;
if(!((typeof data9 == "number") && (!(data9 % 1) && !isNaN(data9)))){
const err17 = {instancePath:instancePath+"/connect_timeout_ms",schemaPath:"#/properties/connect_timeout_ms/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(typeof data9 == "number"){
if(data9 < 100 || isNaN(data9)){
const err18 = {instancePath:instancePath+"/connect_timeout_ms",schemaPath:"#/properties/connect_timeout_ms/minimum",keyword:"minimum",params:{comparison: ">=", limit: 100},message:"must be >= 100"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
}
else {
const err19 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
validate31.errors = vErrors;
return errors === 0;
}
validate31.evaluated = {"props":{"host":true,"port":true,"username":true,"private_key_file":true,"private_key_env":true,"passphrase_env":true,"password_file":true,"password_env":true,"host_key_sha256":true,"connect_timeout_ms":true},"dynamicProps":false,"dynamicItems":false};

exports.def_localSource = validate32;

function validate32(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate32.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.settle_seconds === undefined){
data.settle_seconds = 0;
}
if(data.type === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.path === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "path"},message:"must have required property '"+"path"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.type !== undefined){
if("local" !== data.type){
const err2 = {instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "local"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.path !== undefined){
let data1 = data.path;
if(typeof data1 === "string"){
if(func2(data1) < 1){
const err3 = {instancePath:instancePath+"/path",schemaPath:"#/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
else {
const err4 = {instancePath:instancePath+"/path",schemaPath:"#/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
let data2 = data.settle_seconds;
if(typeof data2 == "number"){
if(data2 < 0 || isNaN(data2)){
const err5 = {instancePath:instancePath+"/settle_seconds",schemaPath:"#/properties/settle_seconds/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
else {
const err6 = {instancePath:instancePath+"/settle_seconds",schemaPath:"#/properties/settle_seconds/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(data.archive_to !== undefined){
let data3 = data.archive_to;
if(typeof data3 === "string"){
if(func2(data3) < 1){
const err7 = {instancePath:instancePath+"/archive_to",schemaPath:"#/properties/archive_to/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
else {
const err8 = {instancePath:instancePath+"/archive_to",schemaPath:"#/properties/archive_to/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
for(const key0 in data){
if((((key0 !== "type") && (key0 !== "path")) && (key0 !== "settle_seconds")) && (key0 !== "archive_to")){
const err9 = {instancePath,schemaPath:"#/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key0},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
}
else {
const err10 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
validate32.errors = vErrors;
return errors === 0;
}
validate32.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

exports.def_s3Source = validate33;

function validate33(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate33.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.prefix === undefined){
data.prefix = "";
}
if(data.region === undefined){
data.region = "us-east-1";
}
if(data.force_path_style === undefined){
data.force_path_style = false;
}
if(data.allow_http_for_local_development === undefined){
data.allow_http_for_local_development = false;
}
if(data.max_attempts === undefined){
data.max_attempts = 5;
}
if(data.retry_mode === undefined){
data.retry_mode = "standard";
}
if(data.bucket === undefined){
const err0 = {instancePath,schemaPath:"#/$defs/s3Connection/required",keyword:"required",params:{missingProperty: "bucket"},message:"must have required property '"+"bucket"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.bucket !== undefined){
let data0 = data.bucket;
if(typeof data0 === "string"){
if(func2(data0) > 63){
const err1 = {instancePath:instancePath+"/bucket",schemaPath:"#/$defs/s3Connection/properties/bucket/maxLength",keyword:"maxLength",params:{limit: 63},message:"must NOT have more than 63 characters"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(func2(data0) < 3){
const err2 = {instancePath:instancePath+"/bucket",schemaPath:"#/$defs/s3Connection/properties/bucket/minLength",keyword:"minLength",params:{limit: 3},message:"must NOT have fewer than 3 characters"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/bucket",schemaPath:"#/$defs/s3Connection/properties/bucket/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(typeof data.prefix !== "string"){
const err4 = {instancePath:instancePath+"/prefix",schemaPath:"#/$defs/s3Connection/properties/prefix/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(typeof data.region !== "string"){
const err5 = {instancePath:instancePath+"/region",schemaPath:"#/$defs/s3Connection/properties/region/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data.endpoint !== undefined){
if(typeof data.endpoint !== "string"){
const err6 = {instancePath:instancePath+"/endpoint",schemaPath:"#/$defs/s3Connection/properties/endpoint/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(typeof data.force_path_style !== "boolean"){
const err7 = {instancePath:instancePath+"/force_path_style",schemaPath:"#/$defs/s3Connection/properties/force_path_style/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(typeof data.allow_http_for_local_development !== "boolean"){
const err8 = {instancePath:instancePath+"/allow_http_for_local_development",schemaPath:"#/$defs/s3Connection/properties/allow_http_for_local_development/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
let data6 = data.max_attempts;
if(!((typeof data6 == "number") && (!(data6 % 1) && !isNaN(data6)))){
const err9 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/$defs/s3Connection/properties/max_attempts/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(typeof data6 == "number"){
if(data6 > 20 || isNaN(data6)){
const err10 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/$defs/s3Connection/properties/max_attempts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 20},message:"must be <= 20"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(data6 < 1 || isNaN(data6)){
const err11 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/$defs/s3Connection/properties/max_attempts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
let data7 = data.retry_mode;
if(!((data7 === "standard") || (data7 === "adaptive"))){
const err12 = {instancePath:instancePath+"/retry_mode",schemaPath:"#/$defs/s3Connection/properties/retry_mode/enum",keyword:"enum",params:{allowedValues: schema23.properties.retry_mode.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath,schemaPath:"#/$defs/s3Connection/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.prefix === undefined){
data.prefix = "";
}
if(data.page_size === undefined){
data.page_size = 1000;
}
if(data.settle_seconds === undefined){
data.settle_seconds = 0;
}
if(data.type === undefined){
const err14 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if(data.type !== undefined){
if("s3" !== data.type){
const err15 = {instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "s3"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(typeof data.prefix !== "string"){
const err16 = {instancePath:instancePath+"/prefix",schemaPath:"#/properties/prefix/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
let data10 = data.page_size;
if(!((typeof data10 == "number") && (!(data10 % 1) && !isNaN(data10)))){
const err17 = {instancePath:instancePath+"/page_size",schemaPath:"#/properties/page_size/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(typeof data10 == "number"){
if(data10 > 1000 || isNaN(data10)){
const err18 = {instancePath:instancePath+"/page_size",schemaPath:"#/properties/page_size/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000},message:"must be <= 1000"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
if(data10 < 1 || isNaN(data10)){
const err19 = {instancePath:instancePath+"/page_size",schemaPath:"#/properties/page_size/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
let data11 = data.settle_seconds;
if(typeof data11 == "number"){
if(data11 < 0 || isNaN(data11)){
const err20 = {instancePath:instancePath+"/settle_seconds",schemaPath:"#/properties/settle_seconds/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
else {
const err21 = {instancePath:instancePath+"/settle_seconds",schemaPath:"#/properties/settle_seconds/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
if(data.archive_to !== undefined){
let data12 = data.archive_to;
if(typeof data12 === "string"){
if(func2(data12) < 1){
const err22 = {instancePath:instancePath+"/archive_to",schemaPath:"#/properties/archive_to/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
else {
const err23 = {instancePath:instancePath+"/archive_to",schemaPath:"#/properties/archive_to/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
for(const key0 in data){
if((((((((((((key0 !== "type") && (key0 !== "prefix")) && (key0 !== "page_size")) && (key0 !== "settle_seconds")) && (key0 !== "archive_to")) && (key0 !== "bucket")) && (key0 !== "region")) && (key0 !== "endpoint")) && (key0 !== "force_path_style")) && (key0 !== "allow_http_for_local_development")) && (key0 !== "max_attempts")) && (key0 !== "retry_mode")){
const err24 = {instancePath,schemaPath:"#/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key0},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
}
else {
const err25 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
validate33.errors = vErrors;
return errors === 0;
}
validate33.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

exports.def_sftpSource = validate34;

function validate34(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate34.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.port === undefined){
data.port = 22;
}
if(data.connect_timeout_ms === undefined){
data.connect_timeout_ms = 10000;
}
if(data.host === undefined){
const err0 = {instancePath,schemaPath:"#/$defs/sftpConnection/required",keyword:"required",params:{missingProperty: "host"},message:"must have required property '"+"host"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.username === undefined){
const err1 = {instancePath,schemaPath:"#/$defs/sftpConnection/required",keyword:"required",params:{missingProperty: "username"},message:"must have required property '"+"username"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.host_key_sha256 === undefined){
const err2 = {instancePath,schemaPath:"#/$defs/sftpConnection/required",keyword:"required",params:{missingProperty: "host_key_sha256"},message:"must have required property '"+"host_key_sha256"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.host !== undefined){
let data0 = data.host;
if(typeof data0 === "string"){
if(func2(data0) < 1){
const err3 = {instancePath:instancePath+"/host",schemaPath:"#/$defs/sftpConnection/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
else {
const err4 = {instancePath:instancePath+"/host",schemaPath:"#/$defs/sftpConnection/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
let data1 = data.port;
if(!((typeof data1 == "number") && (!(data1 % 1) && !isNaN(data1)))){
const err5 = {instancePath:instancePath+"/port",schemaPath:"#/$defs/sftpConnection/properties/port/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(typeof data1 == "number"){
if(data1 > 65535 || isNaN(data1)){
const err6 = {instancePath:instancePath+"/port",schemaPath:"#/$defs/sftpConnection/properties/port/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(data1 < 1 || isNaN(data1)){
const err7 = {instancePath:instancePath+"/port",schemaPath:"#/$defs/sftpConnection/properties/port/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.username !== undefined){
let data2 = data.username;
if(typeof data2 === "string"){
if(func2(data2) < 1){
const err8 = {instancePath:instancePath+"/username",schemaPath:"#/$defs/sftpConnection/properties/username/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
else {
const err9 = {instancePath:instancePath+"/username",schemaPath:"#/$defs/sftpConnection/properties/username/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data.private_key_file !== undefined){
if(typeof data.private_key_file !== "string"){
const err10 = {instancePath:instancePath+"/private_key_file",schemaPath:"#/$defs/sftpConnection/properties/private_key_file/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.private_key_env !== undefined){
if(typeof data.private_key_env !== "string"){
const err11 = {instancePath:instancePath+"/private_key_env",schemaPath:"#/$defs/sftpConnection/properties/private_key_env/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data.passphrase_env !== undefined){
if(typeof data.passphrase_env !== "string"){
const err12 = {instancePath:instancePath+"/passphrase_env",schemaPath:"#/$defs/sftpConnection/properties/passphrase_env/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data.password_file !== undefined){
if(typeof data.password_file !== "string"){
const err13 = {instancePath:instancePath+"/password_file",schemaPath:"#/$defs/sftpConnection/properties/password_file/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data.password_env !== undefined){
if(typeof data.password_env !== "string"){
const err14 = {instancePath:instancePath+"/password_env",schemaPath:"#/$defs/sftpConnection/properties/password_env/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data.host_key_sha256 !== undefined){
let data8 = data.host_key_sha256;
if(typeof data8 === "string"){
if(!pattern4.test(data8)){
const err15 = {instancePath:instancePath+"/host_key_sha256",schemaPath:"#/$defs/sftpConnection/properties/host_key_sha256/pattern",keyword:"pattern",params:{pattern: "^(SHA256:)?[A-Za-z0-9+/]{43}=?$"},message:"must match pattern \""+"^(SHA256:)?[A-Za-z0-9+/]{43}=?$"+"\""};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
else {
const err16 = {instancePath:instancePath+"/host_key_sha256",schemaPath:"#/$defs/sftpConnection/properties/host_key_sha256/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
let data9 = data.connect_timeout_ms;
if(!((typeof data9 == "number") && (!(data9 % 1) && !isNaN(data9)))){
const err17 = {instancePath:instancePath+"/connect_timeout_ms",schemaPath:"#/$defs/sftpConnection/properties/connect_timeout_ms/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(typeof data9 == "number"){
if(data9 < 100 || isNaN(data9)){
const err18 = {instancePath:instancePath+"/connect_timeout_ms",schemaPath:"#/$defs/sftpConnection/properties/connect_timeout_ms/minimum",keyword:"minimum",params:{comparison: ">=", limit: 100},message:"must be >= 100"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
}
else {
const err19 = {instancePath,schemaPath:"#/$defs/sftpConnection/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.settle_seconds === undefined){
data.settle_seconds = 60;
}
if(data.read_chunk_bytes === undefined){
data.read_chunk_bytes = 4194304;
}
if(data.max_attempts === undefined){
data.max_attempts = 4;
}
if(data.type === undefined){
const err20 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
if(data.root === undefined){
const err21 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "root"},message:"must have required property '"+"root"+"'"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
if(data.type !== undefined){
if("sftp" !== data.type){
const err22 = {instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "sftp"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
if(data.root !== undefined){
let data11 = data.root;
if(typeof data11 === "string"){
if(func2(data11) < 1){
const err23 = {instancePath:instancePath+"/root",schemaPath:"#/properties/root/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
else {
const err24 = {instancePath:instancePath+"/root",schemaPath:"#/properties/root/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
let data12 = data.settle_seconds;
if(typeof data12 == "number"){
if(data12 < 0 || isNaN(data12)){
const err25 = {instancePath:instancePath+"/settle_seconds",schemaPath:"#/properties/settle_seconds/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
else {
const err26 = {instancePath:instancePath+"/settle_seconds",schemaPath:"#/properties/settle_seconds/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
let data13 = data.read_chunk_bytes;
if(!((typeof data13 == "number") && (!(data13 % 1) && !isNaN(data13)))){
const err27 = {instancePath:instancePath+"/read_chunk_bytes",schemaPath:"#/properties/read_chunk_bytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
if(typeof data13 == "number"){
if(data13 < 32768 || isNaN(data13)){
const err28 = {instancePath:instancePath+"/read_chunk_bytes",schemaPath:"#/properties/read_chunk_bytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 32768},message:"must be >= 32768"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
let data14 = data.max_attempts;
if(!((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14)))){
const err29 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/properties/max_attempts/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if(typeof data14 == "number"){
if(data14 > 20 || isNaN(data14)){
const err30 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/properties/max_attempts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 20},message:"must be <= 20"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
if(data14 < 1 || isNaN(data14)){
const err31 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/properties/max_attempts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
if(data.archive_to !== undefined){
let data15 = data.archive_to;
if(typeof data15 === "string"){
if(func2(data15) < 1){
const err32 = {instancePath:instancePath+"/archive_to",schemaPath:"#/properties/archive_to/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
else {
const err33 = {instancePath:instancePath+"/archive_to",schemaPath:"#/properties/archive_to/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
for(const key0 in data){
if((((((((((((((((key0 !== "type") && (key0 !== "root")) && (key0 !== "settle_seconds")) && (key0 !== "read_chunk_bytes")) && (key0 !== "max_attempts")) && (key0 !== "archive_to")) && (key0 !== "host")) && (key0 !== "port")) && (key0 !== "username")) && (key0 !== "private_key_file")) && (key0 !== "private_key_env")) && (key0 !== "passphrase_env")) && (key0 !== "password_file")) && (key0 !== "password_env")) && (key0 !== "host_key_sha256")) && (key0 !== "connect_timeout_ms")){
const err34 = {instancePath,schemaPath:"#/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key0},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
}
else {
const err35 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
validate34.errors = vErrors;
return errors === 0;
}
validate34.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

exports.def_localStore = validate35;

function validate35(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate35.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.type === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.path === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "path"},message:"must have required property '"+"path"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.type !== undefined){
if("local" !== data.type){
const err2 = {instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "local"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.path !== undefined){
let data1 = data.path;
if(typeof data1 === "string"){
if(func2(data1) < 1){
const err3 = {instancePath:instancePath+"/path",schemaPath:"#/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
else {
const err4 = {instancePath:instancePath+"/path",schemaPath:"#/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
for(const key0 in data){
if((key0 !== "type") && (key0 !== "path")){
const err5 = {instancePath,schemaPath:"#/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key0},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
}
else {
const err6 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
validate35.errors = vErrors;
return errors === 0;
}
validate35.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

exports.def_s3Store = validate36;

function validate36(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate36.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.prefix === undefined){
data.prefix = "";
}
if(data.region === undefined){
data.region = "us-east-1";
}
if(data.force_path_style === undefined){
data.force_path_style = false;
}
if(data.allow_http_for_local_development === undefined){
data.allow_http_for_local_development = false;
}
if(data.max_attempts === undefined){
data.max_attempts = 5;
}
if(data.retry_mode === undefined){
data.retry_mode = "standard";
}
if(data.bucket === undefined){
const err0 = {instancePath,schemaPath:"#/$defs/s3Connection/required",keyword:"required",params:{missingProperty: "bucket"},message:"must have required property '"+"bucket"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.bucket !== undefined){
let data0 = data.bucket;
if(typeof data0 === "string"){
if(func2(data0) > 63){
const err1 = {instancePath:instancePath+"/bucket",schemaPath:"#/$defs/s3Connection/properties/bucket/maxLength",keyword:"maxLength",params:{limit: 63},message:"must NOT have more than 63 characters"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(func2(data0) < 3){
const err2 = {instancePath:instancePath+"/bucket",schemaPath:"#/$defs/s3Connection/properties/bucket/minLength",keyword:"minLength",params:{limit: 3},message:"must NOT have fewer than 3 characters"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/bucket",schemaPath:"#/$defs/s3Connection/properties/bucket/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(typeof data.prefix !== "string"){
const err4 = {instancePath:instancePath+"/prefix",schemaPath:"#/$defs/s3Connection/properties/prefix/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(typeof data.region !== "string"){
const err5 = {instancePath:instancePath+"/region",schemaPath:"#/$defs/s3Connection/properties/region/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data.endpoint !== undefined){
if(typeof data.endpoint !== "string"){
const err6 = {instancePath:instancePath+"/endpoint",schemaPath:"#/$defs/s3Connection/properties/endpoint/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(typeof data.force_path_style !== "boolean"){
const err7 = {instancePath:instancePath+"/force_path_style",schemaPath:"#/$defs/s3Connection/properties/force_path_style/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(typeof data.allow_http_for_local_development !== "boolean"){
const err8 = {instancePath:instancePath+"/allow_http_for_local_development",schemaPath:"#/$defs/s3Connection/properties/allow_http_for_local_development/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
let data6 = data.max_attempts;
if(!((typeof data6 == "number") && (!(data6 % 1) && !isNaN(data6)))){
const err9 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/$defs/s3Connection/properties/max_attempts/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(typeof data6 == "number"){
if(data6 > 20 || isNaN(data6)){
const err10 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/$defs/s3Connection/properties/max_attempts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 20},message:"must be <= 20"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(data6 < 1 || isNaN(data6)){
const err11 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/$defs/s3Connection/properties/max_attempts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
let data7 = data.retry_mode;
if(!((data7 === "standard") || (data7 === "adaptive"))){
const err12 = {instancePath:instancePath+"/retry_mode",schemaPath:"#/$defs/s3Connection/properties/retry_mode/enum",keyword:"enum",params:{allowedValues: schema23.properties.retry_mode.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath,schemaPath:"#/$defs/s3Connection/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.type === undefined){
const err14 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if(data.type !== undefined){
if("s3" !== data.type){
const err15 = {instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "s3"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.kms_key_id !== undefined){
if(typeof data.kms_key_id !== "string"){
const err16 = {instancePath:instancePath+"/kms_key_id",schemaPath:"#/properties/kms_key_id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
for(const key0 in data){
if((((((((((key0 !== "type") && (key0 !== "kms_key_id")) && (key0 !== "bucket")) && (key0 !== "prefix")) && (key0 !== "region")) && (key0 !== "endpoint")) && (key0 !== "force_path_style")) && (key0 !== "allow_http_for_local_development")) && (key0 !== "max_attempts")) && (key0 !== "retry_mode")){
const err17 = {instancePath,schemaPath:"#/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key0},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
}
else {
const err18 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
validate36.errors = vErrors;
return errors === 0;
}
validate36.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

exports.def_ndjsonSink = validate37;

function validate37(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate37.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.type === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.path === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "path"},message:"must have required property '"+"path"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.type !== undefined){
if("ndjson" !== data.type){
const err2 = {instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "ndjson"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.path !== undefined){
let data1 = data.path;
if(typeof data1 === "string"){
if(func2(data1) < 1){
const err3 = {instancePath:instancePath+"/path",schemaPath:"#/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
else {
const err4 = {instancePath:instancePath+"/path",schemaPath:"#/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
for(const key0 in data){
if((key0 !== "type") && (key0 !== "path")){
const err5 = {instancePath,schemaPath:"#/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key0},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
}
else {
const err6 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
validate37.errors = vErrors;
return errors === 0;
}
validate37.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

exports.def_parquetSink = validate38;

function validate38(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate38.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.compression === undefined){
data.compression = "zstd";
}
if(data.row_group_rows === undefined){
data.row_group_rows = 65536;
}
if(data.parallel_min_bytes === undefined){
data.parallel_min_bytes = 16777216;
}
if(data.decimal_scale === undefined){
data.decimal_scale = 6;
}
if(data.type === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.path === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "path"},message:"must have required property '"+"path"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.type !== undefined){
if("parquet" !== data.type){
const err2 = {instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "parquet"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.path !== undefined){
let data1 = data.path;
if(typeof data1 === "string"){
if(func2(data1) < 1){
const err3 = {instancePath:instancePath+"/path",schemaPath:"#/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
else {
const err4 = {instancePath:instancePath+"/path",schemaPath:"#/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
let data2 = data.compression;
if(!(((data2 === "zstd") || (data2 === "snappy")) || (data2 === "none"))){
const err5 = {instancePath:instancePath+"/compression",schemaPath:"#/properties/compression/enum",keyword:"enum",params:{allowedValues: schema35.properties.compression.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
let data3 = data.row_group_rows;
if(!((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3)))){
const err6 = {instancePath:instancePath+"/row_group_rows",schemaPath:"#/properties/row_group_rows/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(typeof data3 == "number"){
if(data3 > 1048576 || isNaN(data3)){
const err7 = {instancePath:instancePath+"/row_group_rows",schemaPath:"#/properties/row_group_rows/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1048576},message:"must be <= 1048576"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(data3 < 1024 || isNaN(data3)){
const err8 = {instancePath:instancePath+"/row_group_rows",schemaPath:"#/properties/row_group_rows/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1024},message:"must be >= 1024"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
let data4 = data.parallel_min_bytes;
if(!((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4)))){
const err9 = {instancePath:instancePath+"/parallel_min_bytes",schemaPath:"#/properties/parallel_min_bytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(typeof data4 == "number"){
if(data4 < 4096 || isNaN(data4)){
const err10 = {instancePath:instancePath+"/parallel_min_bytes",schemaPath:"#/properties/parallel_min_bytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 4096},message:"must be >= 4096"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
let data5 = data.decimal_scale;
if(!((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5)))){
const err11 = {instancePath:instancePath+"/decimal_scale",schemaPath:"#/properties/decimal_scale/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if(typeof data5 == "number"){
if(data5 > 18 || isNaN(data5)){
const err12 = {instancePath:instancePath+"/decimal_scale",schemaPath:"#/properties/decimal_scale/maximum",keyword:"maximum",params:{comparison: "<=", limit: 18},message:"must be <= 18"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if(data5 < 0 || isNaN(data5)){
const err13 = {instancePath:instancePath+"/decimal_scale",schemaPath:"#/properties/decimal_scale/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
for(const key0 in data){
if((((((key0 !== "type") && (key0 !== "path")) && (key0 !== "compression")) && (key0 !== "row_group_rows")) && (key0 !== "parallel_min_bytes")) && (key0 !== "decimal_scale")){
const err14 = {instancePath,schemaPath:"#/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key0},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
}
else {
const err15 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
validate38.errors = vErrors;
return errors === 0;
}
validate38.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

exports.def_arrowSink = validate39;

function validate39(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate39.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.compression === undefined){
data.compression = "zstd";
}
if(data.row_group_rows === undefined){
data.row_group_rows = 65536;
}
if(data.parallel_min_bytes === undefined){
data.parallel_min_bytes = 16777216;
}
if(data.decimal_scale === undefined){
data.decimal_scale = 6;
}
if(data.type === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.path === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "path"},message:"must have required property '"+"path"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.type !== undefined){
if("arrow" !== data.type){
const err2 = {instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "arrow"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.path !== undefined){
let data1 = data.path;
if(typeof data1 === "string"){
if(func2(data1) < 1){
const err3 = {instancePath:instancePath+"/path",schemaPath:"#/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
else {
const err4 = {instancePath:instancePath+"/path",schemaPath:"#/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
let data2 = data.compression;
if(!(((data2 === "zstd") || (data2 === "snappy")) || (data2 === "none"))){
const err5 = {instancePath:instancePath+"/compression",schemaPath:"#/properties/compression/enum",keyword:"enum",params:{allowedValues: schema36.properties.compression.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
let data3 = data.row_group_rows;
if(!((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3)))){
const err6 = {instancePath:instancePath+"/row_group_rows",schemaPath:"#/properties/row_group_rows/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(typeof data3 == "number"){
if(data3 > 1048576 || isNaN(data3)){
const err7 = {instancePath:instancePath+"/row_group_rows",schemaPath:"#/properties/row_group_rows/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1048576},message:"must be <= 1048576"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(data3 < 1024 || isNaN(data3)){
const err8 = {instancePath:instancePath+"/row_group_rows",schemaPath:"#/properties/row_group_rows/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1024},message:"must be >= 1024"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
let data4 = data.parallel_min_bytes;
if(!((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4)))){
const err9 = {instancePath:instancePath+"/parallel_min_bytes",schemaPath:"#/properties/parallel_min_bytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(typeof data4 == "number"){
if(data4 < 4096 || isNaN(data4)){
const err10 = {instancePath:instancePath+"/parallel_min_bytes",schemaPath:"#/properties/parallel_min_bytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 4096},message:"must be >= 4096"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
let data5 = data.decimal_scale;
if(!((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5)))){
const err11 = {instancePath:instancePath+"/decimal_scale",schemaPath:"#/properties/decimal_scale/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if(typeof data5 == "number"){
if(data5 > 18 || isNaN(data5)){
const err12 = {instancePath:instancePath+"/decimal_scale",schemaPath:"#/properties/decimal_scale/maximum",keyword:"maximum",params:{comparison: "<=", limit: 18},message:"must be <= 18"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if(data5 < 0 || isNaN(data5)){
const err13 = {instancePath:instancePath+"/decimal_scale",schemaPath:"#/properties/decimal_scale/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
for(const key0 in data){
if((((((key0 !== "type") && (key0 !== "path")) && (key0 !== "compression")) && (key0 !== "row_group_rows")) && (key0 !== "parallel_min_bytes")) && (key0 !== "decimal_scale")){
const err14 = {instancePath,schemaPath:"#/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key0},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
}
else {
const err15 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
validate39.errors = vErrors;
return errors === 0;
}
validate39.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

exports.def_stdoutSink = validate40;

function validate40(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate40.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.type === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.type !== undefined){
if("stdout" !== data.type){
const err1 = {instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "stdout"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
for(const key0 in data){
if(key0 !== "type"){
const err2 = {instancePath,schemaPath:"#/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key0},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
}
else {
const err3 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
validate40.errors = vErrors;
return errors === 0;
}
validate40.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

exports.def_s3Sink = validate41;

function validate41(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate41.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.prefix === undefined){
data.prefix = "";
}
if(data.region === undefined){
data.region = "us-east-1";
}
if(data.force_path_style === undefined){
data.force_path_style = false;
}
if(data.allow_http_for_local_development === undefined){
data.allow_http_for_local_development = false;
}
if(data.max_attempts === undefined){
data.max_attempts = 5;
}
if(data.retry_mode === undefined){
data.retry_mode = "standard";
}
if(data.bucket === undefined){
const err0 = {instancePath,schemaPath:"#/$defs/s3Connection/required",keyword:"required",params:{missingProperty: "bucket"},message:"must have required property '"+"bucket"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.bucket !== undefined){
let data0 = data.bucket;
if(typeof data0 === "string"){
if(func2(data0) > 63){
const err1 = {instancePath:instancePath+"/bucket",schemaPath:"#/$defs/s3Connection/properties/bucket/maxLength",keyword:"maxLength",params:{limit: 63},message:"must NOT have more than 63 characters"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(func2(data0) < 3){
const err2 = {instancePath:instancePath+"/bucket",schemaPath:"#/$defs/s3Connection/properties/bucket/minLength",keyword:"minLength",params:{limit: 3},message:"must NOT have fewer than 3 characters"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/bucket",schemaPath:"#/$defs/s3Connection/properties/bucket/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(typeof data.prefix !== "string"){
const err4 = {instancePath:instancePath+"/prefix",schemaPath:"#/$defs/s3Connection/properties/prefix/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(typeof data.region !== "string"){
const err5 = {instancePath:instancePath+"/region",schemaPath:"#/$defs/s3Connection/properties/region/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data.endpoint !== undefined){
if(typeof data.endpoint !== "string"){
const err6 = {instancePath:instancePath+"/endpoint",schemaPath:"#/$defs/s3Connection/properties/endpoint/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(typeof data.force_path_style !== "boolean"){
const err7 = {instancePath:instancePath+"/force_path_style",schemaPath:"#/$defs/s3Connection/properties/force_path_style/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(typeof data.allow_http_for_local_development !== "boolean"){
const err8 = {instancePath:instancePath+"/allow_http_for_local_development",schemaPath:"#/$defs/s3Connection/properties/allow_http_for_local_development/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
let data6 = data.max_attempts;
if(!((typeof data6 == "number") && (!(data6 % 1) && !isNaN(data6)))){
const err9 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/$defs/s3Connection/properties/max_attempts/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(typeof data6 == "number"){
if(data6 > 20 || isNaN(data6)){
const err10 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/$defs/s3Connection/properties/max_attempts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 20},message:"must be <= 20"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(data6 < 1 || isNaN(data6)){
const err11 = {instancePath:instancePath+"/max_attempts",schemaPath:"#/$defs/s3Connection/properties/max_attempts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
let data7 = data.retry_mode;
if(!((data7 === "standard") || (data7 === "adaptive"))){
const err12 = {instancePath:instancePath+"/retry_mode",schemaPath:"#/$defs/s3Connection/properties/retry_mode/enum",keyword:"enum",params:{allowedValues: schema23.properties.retry_mode.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath,schemaPath:"#/$defs/s3Connection/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.format === undefined){
data.format = "ndjson";
}
if(data.compression === undefined){
data.compression = "zstd";
}
if(data.row_group_rows === undefined){
data.row_group_rows = 65536;
}
if(data.parallel_min_bytes === undefined){
data.parallel_min_bytes = 16777216;
}
if(data.decimal_scale === undefined){
data.decimal_scale = 6;
}
if(data.type === undefined){
const err14 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if(data.type !== undefined){
if("s3" !== data.type){
const err15 = {instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "s3"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.kms_key_id !== undefined){
if(typeof data.kms_key_id !== "string"){
const err16 = {instancePath:instancePath+"/kms_key_id",schemaPath:"#/properties/kms_key_id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
let data10 = data.format;
if(!(((data10 === "ndjson") || (data10 === "parquet")) || (data10 === "arrow"))){
const err17 = {instancePath:instancePath+"/format",schemaPath:"#/properties/format/enum",keyword:"enum",params:{allowedValues: schema32.properties.format.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
let data11 = data.compression;
if(!(((data11 === "zstd") || (data11 === "snappy")) || (data11 === "none"))){
const err18 = {instancePath:instancePath+"/compression",schemaPath:"#/properties/compression/enum",keyword:"enum",params:{allowedValues: schema32.properties.compression.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
let data12 = data.row_group_rows;
if(!((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12)))){
const err19 = {instancePath:instancePath+"/row_group_rows",schemaPath:"#/properties/row_group_rows/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
if(typeof data12 == "number"){
if(data12 > 1048576 || isNaN(data12)){
const err20 = {instancePath:instancePath+"/row_group_rows",schemaPath:"#/properties/row_group_rows/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1048576},message:"must be <= 1048576"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
if(data12 < 1024 || isNaN(data12)){
const err21 = {instancePath:instancePath+"/row_group_rows",schemaPath:"#/properties/row_group_rows/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1024},message:"must be >= 1024"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
let data13 = data.parallel_min_bytes;
if(!((typeof data13 == "number") && (!(data13 % 1) && !isNaN(data13)))){
const err22 = {instancePath:instancePath+"/parallel_min_bytes",schemaPath:"#/properties/parallel_min_bytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
if(typeof data13 == "number"){
if(data13 < 4096 || isNaN(data13)){
const err23 = {instancePath:instancePath+"/parallel_min_bytes",schemaPath:"#/properties/parallel_min_bytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 4096},message:"must be >= 4096"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
let data14 = data.decimal_scale;
if(!((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14)))){
const err24 = {instancePath:instancePath+"/decimal_scale",schemaPath:"#/properties/decimal_scale/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
if(typeof data14 == "number"){
if(data14 > 18 || isNaN(data14)){
const err25 = {instancePath:instancePath+"/decimal_scale",schemaPath:"#/properties/decimal_scale/maximum",keyword:"maximum",params:{comparison: "<=", limit: 18},message:"must be <= 18"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
if(data14 < 0 || isNaN(data14)){
const err26 = {instancePath:instancePath+"/decimal_scale",schemaPath:"#/properties/decimal_scale/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
for(const key0 in data){
if(((((((((((((((key0 !== "type") && (key0 !== "kms_key_id")) && (key0 !== "format")) && (key0 !== "compression")) && (key0 !== "row_group_rows")) && (key0 !== "parallel_min_bytes")) && (key0 !== "decimal_scale")) && (key0 !== "bucket")) && (key0 !== "prefix")) && (key0 !== "region")) && (key0 !== "endpoint")) && (key0 !== "force_path_style")) && (key0 !== "allow_http_for_local_development")) && (key0 !== "max_attempts")) && (key0 !== "retry_mode")){
const err27 = {instancePath,schemaPath:"#/unevaluatedProperties",keyword:"unevaluatedProperties",params:{unevaluatedProperty: key0},message:"must NOT have unevaluated properties"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
}
else {
const err28 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
validate41.errors = vErrors;
return errors === 0;
}
validate41.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

exports.def_localDeadLetter = validate42;

function validate42(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate42.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!((key0 === "type") || (key0 === "path"))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.type !== undefined){
if("local" !== data.type){
const err1 = {instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "local"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.path !== undefined){
let data1 = data.path;
if(typeof data1 === "string"){
if(func2(data1) < 1){
const err2 = {instancePath:instancePath+"/path",schemaPath:"#/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/path",schemaPath:"#/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
}
else {
const err4 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
validate42.errors = vErrors;
return errors === 0;
}
validate42.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

exports.def_stream = validate43;

function validate43(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate43.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
const _errs1 = errors;
let valid0 = false;
const _errs2 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.pattern === undefined){
const err0 = {instancePath,schemaPath:"#/anyOf/0/required",keyword:"required",params:{missingProperty: "pattern"},message:"must have required property '"+"pattern"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
var _valid0 = _errs2 === errors;
valid0 = valid0 || _valid0;
const _errs3 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.patterns === undefined){
const err1 = {instancePath,schemaPath:"#/anyOf/1/required",keyword:"required",params:{missingProperty: "patterns"},message:"must have required property '"+"patterns"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
var _valid0 = _errs3 === errors;
valid0 = valid0 || _valid0;
if(!valid0){
const err2 = {instancePath,schemaPath:"#/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
else {
errors = _errs1;
if(vErrors !== null){
if(_errs1){
vErrors.length = _errs1;
}
else {
vErrors = null;
}
}
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.format === undefined){
data.format = "auto";
}
if(data.csv === undefined){
data.csv = {};
}
if(data.after_commit === undefined){
data.after_commit = "keep";
}
if(data.drift === undefined){
data.drift = {};
}
if(data.id === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "id"},message:"must have required property '"+"id"+"'"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
for(const key0 in data){
if(!(func1.call(schema27.properties, key0))){
const err4 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.id !== undefined){
let data0 = data.id;
if(typeof data0 === "string"){
if(!pattern5.test(data0)){
const err5 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"+"\""};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
else {
const err6 = {instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.pattern !== undefined){
let data1 = data.pattern;
if(typeof data1 === "string"){
if(func2(data1) < 1){
const err7 = {instancePath:instancePath+"/pattern",schemaPath:"#/properties/pattern/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
else {
const err8 = {instancePath:instancePath+"/pattern",schemaPath:"#/properties/pattern/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data.patterns !== undefined){
let data2 = data.patterns;
if(Array.isArray(data2)){
if(data2.length < 1){
const err9 = {instancePath:instancePath+"/patterns",schemaPath:"#/properties/patterns/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
const len0 = data2.length;
for(let i0=0; i0<len0; i0++){
let data3 = data2[i0];
if(typeof data3 === "string"){
if(func2(data3) < 1){
const err10 = {instancePath:instancePath+"/patterns/" + i0,schemaPath:"#/properties/patterns/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
else {
const err11 = {instancePath:instancePath+"/patterns/" + i0,schemaPath:"#/properties/patterns/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
}
else {
const err12 = {instancePath:instancePath+"/patterns",schemaPath:"#/properties/patterns/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
let data4 = data.format;
if(!(((data4 === "auto") || (data4 === "xml")) || (data4 === "csv"))){
const err13 = {instancePath:instancePath+"/format",schemaPath:"#/properties/format/enum",keyword:"enum",params:{allowedValues: schema27.properties.format.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(data.entity !== undefined){
let data5 = data.entity;
if(typeof data5 === "string"){
if(!pattern6.test(data5)){
const err14 = {instancePath:instancePath+"/entity",schemaPath:"#/properties/entity/pattern",keyword:"pattern",params:{pattern: "^[a-z][a-z0-9_]{0,63}$"},message:"must match pattern \""+"^[a-z][a-z0-9_]{0,63}$"+"\""};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
else {
const err15 = {instancePath:instancePath+"/entity",schemaPath:"#/properties/entity/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
let data6 = data.csv;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
if(data6.delimiter === undefined){
data6.delimiter = ",";
}
for(const key1 in data6){
if(!(key1 === "delimiter")){
const err16 = {instancePath:instancePath+"/csv",schemaPath:"#/properties/csv/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
let data7 = data6.delimiter;
if(typeof data7 === "string"){
if(func2(data7) > 1){
const err17 = {instancePath:instancePath+"/csv/delimiter",schemaPath:"#/properties/csv/properties/delimiter/maxLength",keyword:"maxLength",params:{limit: 1},message:"must NOT have more than 1 characters"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(func2(data7) < 1){
const err18 = {instancePath:instancePath+"/csv/delimiter",schemaPath:"#/properties/csv/properties/delimiter/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/csv/delimiter",schemaPath:"#/properties/csv/properties/delimiter/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
else {
const err20 = {instancePath:instancePath+"/csv",schemaPath:"#/properties/csv/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
if(data.changes !== undefined){
let data8 = data.changes;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.deletes === undefined){
data8.deletes = "none";
}
if(data8.emit === undefined){
data8.emit = "changes";
}
for(const key2 in data8){
if(!((key2 === "deletes") || (key2 === "emit"))){
const err21 = {instancePath:instancePath+"/changes",schemaPath:"#/properties/changes/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
let data9 = data8.deletes;
if(!(((data9 === "none") || (data9 === "full")) || (data9 === "period"))){
const err22 = {instancePath:instancePath+"/changes/deletes",schemaPath:"#/properties/changes/properties/deletes/enum",keyword:"enum",params:{allowedValues: schema27.properties.changes.properties.deletes.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
let data10 = data8.emit;
if(!((data10 === "changes") || (data10 === "all"))){
const err23 = {instancePath:instancePath+"/changes/emit",schemaPath:"#/properties/changes/properties/emit/enum",keyword:"enum",params:{allowedValues: schema27.properties.changes.properties.emit.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
else {
const err24 = {instancePath:instancePath+"/changes",schemaPath:"#/properties/changes/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
let data11 = data.after_commit;
if(!(((data11 === "keep") || (data11 === "archive")) || (data11 === "delete"))){
const err25 = {instancePath:instancePath+"/after_commit",schemaPath:"#/properties/after_commit/enum",keyword:"enum",params:{allowedValues: schema27.properties.after_commit.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
let data12 = data.drift;
if(data12 && typeof data12 == "object" && !Array.isArray(data12)){
if(data12.compatible === undefined){
data12.compatible = "evolve";
}
if(data12.breaking === undefined){
data12.breaking = "quarantine";
}
for(const key3 in data12){
if(!((key3 === "compatible") || (key3 === "breaking"))){
const err26 = {instancePath:instancePath+"/drift",schemaPath:"#/properties/drift/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
let data13 = data12.compatible;
if(!((((data13 === "evolve") || (data13 === "alert")) || (data13 === "quarantine")) || (data13 === "fail"))){
const err27 = {instancePath:instancePath+"/drift/compatible",schemaPath:"#/properties/drift/properties/compatible/enum",keyword:"enum",params:{allowedValues: schema27.properties.drift.properties.compatible.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
let data14 = data12.breaking;
if(!((((data14 === "evolve") || (data14 === "alert")) || (data14 === "quarantine")) || (data14 === "fail"))){
const err28 = {instancePath:instancePath+"/drift/breaking",schemaPath:"#/properties/drift/properties/breaking/enum",keyword:"enum",params:{allowedValues: schema27.properties.drift.properties.breaking.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
else {
const err29 = {instancePath:instancePath+"/drift",schemaPath:"#/properties/drift/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
else {
const err30 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
validate43.errors = vErrors;
return errors === 0;
}
validate43.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

exports.schemaHash = "f45f2a6a97597cd1";
