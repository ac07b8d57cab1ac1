package io.trinospot.fis.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TestRecordedReference
{
    private static final String TABLE = "tpcds_sf1_inventory_by_key_192";
    private static final RecordedReference REFERENCE = new RecordedReference(
            new LakeWrite.Fingerprint(11_745_000, "9BC1C4F13570D502"), "20261203_032343_00093_kwddw", Instant.parse("2026-12-03T03:27:39Z"));

    @TempDir
    Path dir;

    @Test
    void aRecordReadsBackAsWritten()
    {
        String query = new LakeWrite("lake.tpcds_sf1", "run_1").referenceQuery();
        Path file = RecordedReference.file(dir, TABLE, query);
        List<String> problems = new ArrayList<>();
        assertThat(RecordedReference.read(file, problems::add)).isEmpty();

        REFERENCE.write(file);
        assertThat(RecordedReference.read(file, problems::add)).contains(REFERENCE);
        assertThat(problems).isEmpty();
        // nothing but the record is left in the directory
        assertThat(dir.toFile().list()).containsExactly(file.getFileName().toString());
    }

    @Test
    void anotherQueryNeverFindsTheRecord()
    {
        // the table's name stays, the run's id does not enter the SELECT, the rounds and the source schema do
        String demo = new LakeWrite("lake.tpcds_sf1", "run_1").referenceQuery();
        assertThat(RecordedReference.file(dir, TABLE, new LakeWrite("lake.tpcds_sf1", "run_2").referenceQuery()))
                .isEqualTo(RecordedReference.file(dir, TABLE, demo));
        assertThat(RecordedReference.file(dir, TABLE, new LakeWrite("lake.tpcds_sf1", "run_1", 2).referenceQuery()))
                .isNotEqualTo(RecordedReference.file(dir, TABLE, demo));
        assertThat(RecordedReference.file(dir, TABLE, new LakeWrite("lake.tpcds_tiny", "run_1").referenceQuery()))
                .isNotEqualTo(RecordedReference.file(dir, TABLE, demo));
    }

    @Test
    void anUnreadableRecordIsSaidInOneLineAndTheQueryRunsAgain()
            throws IOException
    {
        Path file = RecordedReference.file(dir, TABLE, "SELECT 1");
        for (String content : List.of(
                "rows=11745000\nchecksum=9BC1C4F13570D502\n",
                "rows=many\nchecksum=9BC1C4F13570D502\nquery=q\nrecorded=2026-12-03T03:27:39Z\n",
                "rows=11745000\nchecksum=null\nquery=q\nrecorded=2026-12-03T03:27:39Z\n",
                "rows=11745000\nchecksum=9BC1C4F13570D502\nquery=q\nrecorded=yesterday\n",
                "rows=\\u00zz\n")) {
            Files.writeString(file, content);
            List<String> problems = new ArrayList<>();
            assertThat(RecordedReference.read(file, problems::add)).as(content).isEmpty();
            assertThat(problems).as(content).singleElement().asString()
                    .startsWith("ignoring the recorded fault-free reference " + file + ": ");
        }
    }

    @Test
    void makingTheSourceAgainDeletesItsRecordsOnly()
    {
        Path first = RecordedReference.file(dir, TABLE, "SELECT 1");
        Path second = RecordedReference.file(dir, TABLE, "SELECT 2");
        Path other = RecordedReference.file(dir, "tpcds_tiny_inventory_by_key_192", "SELECT 1");
        REFERENCE.write(first);
        REFERENCE.write(second);
        REFERENCE.write(other);

        RecordedReference.deleteAll(dir, TABLE);
        assertThat(first).doesNotExist();
        assertThat(second).doesNotExist();
        assertThat(other).exists();
        // nothing recorded yet is nothing to delete
        RecordedReference.deleteAll(dir.resolve("absent"), TABLE);
    }
}
