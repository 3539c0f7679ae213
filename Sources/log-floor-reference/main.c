// The C reference of the log's work in `chemgate-bench scale` (BENCHMARKS.md): what one durable,
// indexed SQLite row per reading costs on this machine when nothing but SQLite and zlib does it.
//
//   log-floor-reference DATABASE DEVICES POINTS SECONDS STORES
//
// Each second, for SECONDS seconds, paced on the monotonic clock, STORES times: stores DEVICES ×
// POINTS / STORES readings in one transaction (WAL, `synchronous = FULL`: an fsync'd commit) into a
// table with the schema of chemgate's log head (the same columns, checks, `AUTOINCREMENT` and three
// indexes; multi-row inserts of 32 rows, `INSERT OR ROLLBACK`, texts bound in place, as chemgate
// binds them), then sends what is pending as chemgate's HTTP uplink does, less the network: freezes
// the batch (a transaction), reads the rows back on a second connection (the same columns, the
// same query), writes each as the JSON record chemgate sends (the same keys, ISO 8601 times),
// gzips the body at level 1, and acknowledges it (a transaction). No polling, processing, status,
// metrics, segments or HTTP: those are measured elsewhere (`link`, the stack floor).
//
// Prints "rows N seconds S cpu C" (CPU seconds of the whole process over the paced seconds) and
// exits 0; 1 on a usage or SQLite error.
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <zlib.h>

#define PER_INSERT 32
#define COLUMNS 16

static void fail(sqlite3 *db, const char *what) {
    fprintf(stderr, "log-floor-reference: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
    exit(1);
}

static void exec(sqlite3 *db, const char *sql) {
    char *message = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &message) != SQLITE_OK) {
        fprintf(stderr, "log-floor-reference: %s: %s\n", sql, message ? message : "");
        exit(1);
    }
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql) {
    sqlite3_stmt *statement = NULL;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, NULL) != SQLITE_OK) fail(db, sql);
    return statement;
}

static void step_done(sqlite3 *db, sqlite3_stmt *statement) {
    if (sqlite3_step(statement) != SQLITE_DONE) fail(db, "step");
    sqlite3_reset(statement);
}

static double monotonic(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 + (double)usage.ru_stime.tv_sec
        + (double)usage.ru_stime.tv_usec / 1e6;
}

static int64_t wall_milliseconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

// A growing byte buffer.
typedef struct {
    unsigned char *bytes;
    size_t count, capacity;
} buffer;

static void put(buffer *b, const void *data, size_t length) {
    if (b->count + length > b->capacity) {
        b->capacity = (b->count + length) * 2;
        b->bytes = realloc(b->bytes, b->capacity);
        if (!b->bytes) exit(1);
    }
    memcpy(b->bytes + b->count, data, length);
    b->count += length;
}

static void put_text(buffer *b, const char *text) { put(b, text, strlen(text)); }

// A JSON string; the texts here need no escapes, but are checked as chemgate checks them.
static void put_string(buffer *b, const unsigned char *text, int length) {
    put(b, "\"", 1);
    for (int i = 0; i < length; i++) {
        if (text[i] < 0x20 || text[i] == '"' || text[i] == '\\') {
            fprintf(stderr, "log-floor-reference: a text needs escaping\n");
            exit(1);
        }
    }
    put(b, text, (size_t)length);
    put(b, "\"", 1);
}

static void put_column_string(buffer *b, sqlite3_stmt *row, int column) {
    put_string(b, sqlite3_column_text(row, column), sqlite3_column_bytes(row, column));
}

static void put_integer(buffer *b, int64_t value) {
    char digits[24];
    int at = sizeof digits;
    uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    do {
        digits[--at] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude > 0);
    if (value < 0) digits[--at] = '-';
    put(b, digits + at, sizeof digits - (size_t)at);
}

static void put_digits(char *at, int value, int width) {
    for (int i = width - 1; i >= 0; i--) {
        at[i] = (char)('0' + value % 10);
        value /= 10;
    }
}

static void put_timestamp(buffer *b, int64_t milliseconds) {
    time_t seconds = (time_t)(milliseconds / 1000);
    struct tm civil;
    gmtime_r(&seconds, &civil);
    char text[] = "\"0000-00-00T00:00:00.000Z\"";
    put_digits(text + 1, civil.tm_year + 1900, 4);
    put_digits(text + 6, civil.tm_mon + 1, 2);
    put_digits(text + 9, civil.tm_mday, 2);
    put_digits(text + 12, civil.tm_hour, 2);
    put_digits(text + 15, civil.tm_min, 2);
    put_digits(text + 18, civil.tm_sec, 2);
    put_digits(text + 21, (int)(milliseconds % 1000), 3);
    put(b, text, sizeof text - 1);
}

// The columns chemgate reads back (RecordRow.columns), in its order.
enum { SEQUENCE, LANE, GATEWAY, DEVICE, POINT, INDICATOR, LINK, VALUE_TYPE, VALUE, UNIT, QUALITY_LEVEL,
       QUALITY_REASON, TIMESTAMP, REPORT, EVENT_KIND, ALARM_LEVEL, LIMIT_VALUE, REASON, SOURCE_SEQUENCE, RAW,
       STALE_SINCE, CLOCK };

// One record as chemgate's BatchRecord.write writes it (keys in the same order; absent ones left out).
static void put_record(buffer *b, sqlite3_stmt *row) {
    put_text(b, "{\"backfill\":false");
    if (sqlite3_column_type(row, CLOCK) != SQLITE_NULL) {
        put_text(b, ",\"clock\":");
        put_column_string(b, row, CLOCK);
    }
    put_text(b, ",\"device\":");
    put_column_string(b, row, DEVICE);
    if (sqlite3_column_type(row, INDICATOR) != SQLITE_NULL) {
        put_text(b, ",\"indicator\":");
        put_column_string(b, row, INDICATOR);
    }
    put_text(b, ",\"point\":");
    put_column_string(b, row, POINT);
    put_text(b, ",\"quality\":");
    put_column_string(b, row, QUALITY_LEVEL);
    if (sqlite3_column_type(row, RAW) != SQLITE_NULL) {
        put_text(b, ",\"raw\":");
        put_column_string(b, row, RAW);
    }
    if (sqlite3_column_type(row, QUALITY_REASON) != SQLITE_NULL) {
        put_text(b, ",\"reason\":");
        put_column_string(b, row, QUALITY_REASON);
    }
    put_text(b, ",\"report\":");
    put_column_string(b, row, REPORT);
    put_text(b, ",\"seq\":");
    put_integer(b, sqlite3_column_int64(row, SOURCE_SEQUENCE));
    if (sqlite3_column_type(row, STALE_SINCE) != SQLITE_NULL) {
        put_text(b, ",\"stale_since\":");
        put_timestamp(b, sqlite3_column_int64(row, STALE_SINCE));
    }
    put_text(b, ",\"ts\":");
    put_timestamp(b, sqlite3_column_int64(row, TIMESTAMP));
    if (sqlite3_column_type(row, UNIT) != SQLITE_NULL) {
        put_text(b, ",\"unit\":");
        put_column_string(b, row, UNIT);
    }
    if (sqlite3_column_type(row, VALUE) == SQLITE_INTEGER) {
        put_text(b, ",\"value\":");
        put_integer(b, sqlite3_column_int64(row, VALUE));
    } else if (sqlite3_column_type(row, VALUE) == SQLITE_FLOAT) {
        char digits[32];
        int length = snprintf(digits, sizeof digits, "%.17g", sqlite3_column_double(row, VALUE));
        put_text(b, ",\"value\":");
        put(b, digits, (size_t)length);
    }
    put_text(b, "}");
}

static size_t gzip_level_1(const buffer *body, unsigned char *out, size_t capacity) {
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    if (deflateInit2(&stream, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) exit(1);
    stream.next_in = body->bytes;
    stream.avail_in = (uInt)body->count;
    stream.next_out = out;
    stream.avail_out = (uInt)capacity;
    if (deflate(&stream, Z_FINISH) != Z_STREAM_END) exit(1);
    size_t length = stream.total_out;
    deflateEnd(&stream);
    return length;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s DATABASE DEVICES POINTS SECONDS STORES\n", argv[0]);
        return 1;
    }
    int devices = atoi(argv[2]), points = atoi(argv[3]), seconds = atoi(argv[4]), stores = atoi(argv[5]);
    if (devices < 1 || points < 1 || seconds < 1 || stores < 1 || devices * points < stores) {
        fprintf(stderr, "DEVICES, POINTS, SECONDS and STORES are positive, STORES at most DEVICES × POINTS\n");
        return 1;
    }
    sqlite3 *writer = NULL, *reader = NULL;
    // No mutex per call (GRDB opens its connections so: each is used by one thread at a time).
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(argv[1], &writer, flags, NULL) != SQLITE_OK) fail(writer, "open");
    exec(writer, "PRAGMA journal_mode = WAL");
    exec(writer, "PRAGMA synchronous = FULL");
    exec(writer, "PRAGMA journal_size_limit = 4194304");
    exec(writer, "PRAGMA wal_autocheckpoint = 512");  // chemgate checkpoints at half its 4 MiB limit
    // chemgate's log head (Segments.createHead) and the uplink's two tables (Schema.swift).
    exec(writer, "CREATE TABLE record_head ("
                 " sequence INTEGER PRIMARY KEY AUTOINCREMENT,"
                 " lane TEXT NOT NULL CHECK (lane IN ('event', 'reading')),"
                 " gateway TEXT NOT NULL, device TEXT, point TEXT, indicator TEXT, link TEXT,"
                 " value_type TEXT CHECK (value_type = 'number' OR value_type = 'bool' OR value_type = 'text'),"
                 " value, unit TEXT, quality_level TEXT, quality_reason TEXT, timestamp INTEGER NOT NULL,"
                 " report TEXT, event_kind TEXT, alarm_level TEXT, limit_value REAL, reason TEXT,"
                 " source_sequence INTEGER NOT NULL, in_alarm INTEGER NOT NULL DEFAULT 0, clock TEXT, raw TEXT,"
                 " stale_since INTEGER);"
                 "CREATE INDEX record_1_device_time ON record_head(device, timestamp);"
                 "CREATE INDEX record_1_timestamp ON record_head(timestamp);"
                 "CREATE INDEX record_1_event ON record_head(sequence) WHERE lane = 'event';"
                 "CREATE TABLE cursor (destination TEXT NOT NULL, lane TEXT NOT NULL, first INTEGER NOT NULL,"
                 " last INTEGER NOT NULL, PRIMARY KEY (destination, lane, first)) WITHOUT ROWID;"
                 "CREATE TABLE sent_batch (destination TEXT NOT NULL, batch_id TEXT NOT NULL, members TEXT NOT NULL,"
                 " created INTEGER NOT NULL, PRIMARY KEY (destination, batch_id));");
    if (sqlite3_open_v2(argv[1], &reader, flags, NULL) != SQLITE_OK) fail(reader, "open the reader");
    exec(reader, "PRAGMA cache_size = -512");  // chemgate's readers' page cache

    // The multi-row insert (RecordRow.insertReadings) and the one-row insert for the rest.
    const char *head = "INSERT OR ROLLBACK INTO record_head (lane, gateway, device, point, indicator, value_type,"
                       " value, unit, quality_level, quality_reason, timestamp, report, source_sequence, in_alarm,"
                       " raw, stale_since, clock) VALUES ";
    const char *row_sql = "('reading', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    char *many_sql = malloc(strlen(head) + PER_INSERT * (strlen(row_sql) + 2) + 1);
    strcpy(many_sql, head);
    for (int i = 0; i < PER_INSERT; i++) {
        if (i > 0) strcat(many_sql, ", ");
        strcat(many_sql, row_sql);
    }
    char one_sql[1024];
    snprintf(one_sql, sizeof one_sql, "%s%s", head, row_sql);
    sqlite3_stmt *insert_many = prepare(writer, many_sql);
    sqlite3_stmt *insert_one = prepare(writer, one_sql);
    sqlite3_stmt *begin = prepare(writer, "BEGIN IMMEDIATE");
    sqlite3_stmt *commit = prepare(writer, "COMMIT");
    sqlite3_stmt *freeze = prepare(
        writer, "INSERT INTO sent_batch (destination, batch_id, members, created) VALUES ('platform', ?, ?, ?)"
    );
    sqlite3_stmt *acknowledge = prepare(
        writer, "INSERT OR REPLACE INTO cursor (destination, lane, first, last) VALUES ('platform', 'reading', 1, ?)"
    );
    sqlite3_stmt *release = prepare(writer, "DELETE FROM sent_batch WHERE destination = 'platform' AND batch_id = ?");
    sqlite3_stmt *pending = prepare(
        reader, "SELECT sequence, lane, gateway, device, point, indicator, link, value_type, value, unit,"
                " quality_level, quality_reason, timestamp, report, event_kind, alarm_level, limit_value, reason,"
                " source_sequence, raw, stale_since, clock FROM record_head"
                " WHERE lane = 'reading' AND sequence BETWEEN ? AND ? ORDER BY sequence LIMIT ?"
    );

    // The values: named as chemgate-bench's generated devices and points (d0…, p0…), every value
    // changing each second.
    int total = devices * points;
    char (*device_names)[16] = malloc(sizeof(*device_names) * (size_t)devices);
    char (*point_names)[16] = malloc(sizeof(*point_names) * (size_t)points);
    for (int d = 0; d < devices; d++) snprintf(device_names[d], 16, "d%d", d);
    for (int p = 0; p < points; p++) snprintf(point_names[p], 16, "p%d", p);

    buffer body = {0};
    size_t gzip_capacity = 1 << 20;
    unsigned char *gzipped = malloc(gzip_capacity);
    int64_t stored = 0, acknowledged = 0, source = 0, batches = 0;
    double start = monotonic(), cpu_start = cpu_seconds();
    for (int second = 0; second < seconds; second++) {
        for (int store = 0; store < stores; store++) {
            double due = start + second + (double)store / stores;
            double wait = due - monotonic();
            if (wait > 0) {
                struct timespec pause = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
                nanosleep(&pause, NULL);
            }
            // Store this part of the second's readings in one transaction.
            int first = total * store / stores, last = total * (store + 1) / stores;
            int64_t now = wall_milliseconds();
            step_done(writer, begin);
            // Full groups of 32 go in the multi-row insert, the rest one row at a time (as chemgate's do).
            int taken = 0, full = (last - first) / PER_INSERT * PER_INSERT;
            for (int index = first; index < last; index++) {
                sqlite3_stmt *statement = taken < full ? insert_many : insert_one;
                int base = taken < full ? (taken % PER_INSERT) * COLUMNS : 0;
                const char *device = device_names[index / points], *point = point_names[index % points];
                source += 1;
                sqlite3_bind_text(statement, base + 1, "GW-BENCH", -1, SQLITE_STATIC);
                sqlite3_bind_text(statement, base + 2, device, -1, SQLITE_STATIC);
                sqlite3_bind_text(statement, base + 3, point, -1, SQLITE_STATIC);
                sqlite3_bind_null(statement, base + 4);
                sqlite3_bind_text(statement, base + 5, "number", -1, SQLITE_STATIC);
                sqlite3_bind_int64(statement, base + 6, (source * 7) % 2000);
                sqlite3_bind_null(statement, base + 7);
                sqlite3_bind_text(statement, base + 8, "good", -1, SQLITE_STATIC);
                sqlite3_bind_null(statement, base + 9);
                sqlite3_bind_int64(statement, base + 10, now);
                sqlite3_bind_text(statement, base + 11, "change", -1, SQLITE_STATIC);
                sqlite3_bind_int64(statement, base + 12, source);
                sqlite3_bind_int(statement, base + 13, 0);
                sqlite3_bind_null(statement, base + 14);
                sqlite3_bind_null(statement, base + 15);
                sqlite3_bind_text(statement, base + 16, "unsynchronised", -1, SQLITE_STATIC);
                taken += 1;
                if (statement == insert_one || taken % PER_INSERT == 0) {
                    if (sqlite3_step(statement) != SQLITE_DONE) fail(writer, "insert");
                    sqlite3_reset(statement);
                }
            }
            step_done(writer, commit);
            stored += last - first;

            // Send what is pending, up to 5,000 records a batch (the uplink's default batch_records).
            while (acknowledged < stored) {
                int64_t low = acknowledged + 1, high = low + 4999 < stored ? low + 4999 : stored;
                char batch_id[32], members[64];
                snprintf(batch_id, sizeof batch_id, "b%lld", (long long)++batches);
                snprintf(members, sizeof members, "[[%lld,%lld]]", (long long)low, (long long)high);
                step_done(writer, begin);
                sqlite3_bind_text(freeze, 1, batch_id, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(freeze, 2, members, -1, SQLITE_TRANSIENT);
                sqlite3_bind_int64(freeze, 3, now);
                step_done(writer, freeze);
                step_done(writer, commit);

                body.count = 0;
                put_text(&body, "{\"batch_id\":\"");
                put_text(&body, batch_id);
                put_text(&body, "\",\"gateway\":\"GW-BENCH\",\"records\":[");
                sqlite3_bind_int64(pending, 1, low);
                sqlite3_bind_int64(pending, 2, high);
                sqlite3_bind_int64(pending, 3, high - low + 1);
                int rows = 0, result;
                while ((result = sqlite3_step(pending)) == SQLITE_ROW) {
                    if (rows++ > 0) put(&body, ",", 1);
                    put_record(&body, pending);
                }
                if (result != SQLITE_DONE) fail(reader, "read back");
                sqlite3_reset(pending);
                put_text(&body, "]}");
                if (rows != high - low + 1) {
                    fprintf(stderr, "log-floor-reference: read %d rows of %lld\n", rows, (long long)(high - low + 1));
                    return 1;
                }
                // zlib's bound for the deflate stream, and room for the gzip header and trailer.
                size_t bound = compressBound((uLong)body.count) + 32;
                if (bound > gzip_capacity) {
                    gzip_capacity = bound;
                    gzipped = realloc(gzipped, gzip_capacity);
                    if (!gzipped) return 1;
                }
                if (gzip_level_1(&body, gzipped, gzip_capacity) == 0) return 1;

                step_done(writer, begin);
                sqlite3_bind_int64(acknowledge, 1, high);
                step_done(writer, acknowledge);
                sqlite3_bind_text(release, 1, batch_id, -1, SQLITE_TRANSIENT);
                step_done(writer, release);
                step_done(writer, commit);
                acknowledged = high;
            }
        }
    }
    double elapsed = monotonic() - start, cpu = cpu_seconds() - cpu_start;
    printf("rows %lld seconds %.3f cpu %.4f\n", (long long)stored, elapsed, cpu);
    return 0;
}
